package io.tokenapi.sdk;

import static io.tokenapi.sdk.RetryTesting.PATIENCE;
import static io.tokenapi.sdk.RetryTesting.awaitTrue;
import static io.tokenapi.sdk.RetryTesting.join;
import static io.tokenapi.sdk.RetryTesting.status;
import static io.tokenapi.sdk.RetryTesting.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenapi.sdk.logcapture.CapturingLogs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * Retries in real time on loopback, with the client's own scheduler unless a test says otherwise.
 * The few tests that wait do so for one {@code Retry-After: 1}.
 */
class RetryLoopbackTest {
  @StartStop final MockWebServer server = new MockWebServer();

  private OAuthClient.Builder builder() {
    return OAuthClient.builder()
        .baseUrl(server.url("/"))
        .clientId("id")
        .clientSecret("retry-loopback-secret-1");
  }

  @Test
  void getToken_after503RetryAfterOne_retriesAfterAboutOneSecond() {
    server.enqueue(status(503, "1"));
    server.enqueue(token("t1"));
    try (OAuthClient client = builder().build()) {
      long start = System.nanoTime();

      AccessToken t = client.getToken();

      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(t.value()).isEqualTo("t1");
      assertThat(elapsedMillis).isGreaterThanOrEqualTo(1_000).isLessThan(5_000);
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void getTokenAsync_after503RetryAfterOne_returnsAtOnce_andCompletesAfterAboutOneSecond() {
    server.enqueue(status(503, "1"));
    server.enqueue(token("t1"));
    try (OAuthClient client = builder().build()) {
      long start = System.nanoTime();

      CompletableFuture<AccessToken> future = client.getTokenAsync();

      // Returned before the retry (a second away) could have run: no bound in milliseconds, which a
      // loaded CI machine can miss.
      assertThat(future).isNotDone();
      assertThat(join(future).value()).isEqualTo("t1");
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(elapsedMillis).isGreaterThanOrEqualTo(1_000).isLessThan(5_000);
      assertThat(server.getRequestCount()).isEqualTo(2);
    }
  }

  @Test
  void policyNone_503RetryAfterZero_reachesTheServerExactlyOnce() {
    server.enqueue(status(503, "0"));
    server.enqueue(token("must-not-be-fetched"));
    try (OAuthClient client = builder().retryPolicy(RetryPolicy.none()).build()) {
      ServiceUnavailableException e =
          catchThrowableOfType(ServiceUnavailableException.class, client::getToken);

      assertThat(e).isNotNull();
      assertThat(e.retryAt()).isPresent(); // the shielded header is still read
      assertThat(server.getRequestCount()).isEqualTo(1);
    }
  }

  @Test
  void policyNone_withTheCallersOkHttpClient_503RetryAfterZero_reachesTheServerExactlyOnce() {
    server.enqueue(status(503, "0"));
    server.enqueue(token("must-not-be-fetched"));
    OkHttpClient callers = new OkHttpClient();
    try (OAuthClient client =
        builder().httpClient(callers).retryPolicy(RetryPolicy.none()).build()) {
      catchThrowableOfType(ServiceUnavailableException.class, client::getToken);

      assertThat(server.getRequestCount()).isEqualTo(1);
    } finally {
      callers.dispatcher().executorService().shutdown();
      callers.connectionPool().evictAll();
    }
  }

  /** Why {@link RetryAfterShield} exists: without it OkHttp itself repeats the request once. */
  @Test
  void plainOkHttpClient_silentlyRepeats503RetryAfterZero() throws Exception {
    server.enqueue(status(503, "0"));
    server.enqueue(token("fetched-by-okhttp-itself"));
    OkHttpClient plain = new OkHttpClient();
    Request request =
        new Request.Builder()
            .url(server.url("/v1/oauth/token"))
            .post(RequestBody.create("{}", MediaType.get("application/json")))
            .build();
    try (Response response = plain.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(server.getRequestCount()).isEqualTo(2);
    } finally {
      plain.dispatcher().executorService().shutdown();
      plain.connectionPool().evictAll();
    }
  }

  @Test
  void getToken_interruptedDuringALongClosureWait_endsPromptly_withOAuthException_andInterruptFlag()
      throws Exception {
    server.enqueue(status(503, "3600"));
    CountDownLatch waiting = new CountDownLatch(1);
    RetryPolicy overnight = RetryPolicy.builder().maxWait(Duration.ofHours(2)).build();
    try (OAuthClient client =
        builder()
            .retryPolicy(overnight)
            .listener(
                new OAuthClientListener() {
                  @Override
                  public void onRetryScheduled(RetryScheduled event) {
                    waiting.countDown();
                  }
                })
            .build()) {
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      AtomicBoolean interruptFlag = new AtomicBoolean();
      Thread caller =
          new Thread(
              () -> {
                try {
                  client.getToken();
                } catch (RuntimeException e) {
                  thrown.set(e);
                  interruptFlag.set(Thread.currentThread().isInterrupted());
                }
              },
              "blocked-caller");
      caller.start();
      assertThat(waiting.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
      awaitTrue(
          () -> caller.getState() == Thread.State.WAITING, "the caller to block in getToken()");
      long start = System.nanoTime();

      caller.interrupt();
      caller.join(PATIENCE.toMillis());

      assertThat(caller.isAlive()).isFalse();
      // Not the hour: the bound only has to tell the two apart, and PATIENCE does under any load.
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .isLessThan(PATIENCE.toMillis());
      assertThat(thrown.get())
          .isInstanceOf(OAuthException.class)
          .hasMessageContaining("Interrupted")
          .hasCauseInstanceOf(InterruptedException.class);
      assertThat(interruptFlag).isTrue();
      assertThat(server.getRequestCount()).isEqualTo(1);
    }
  }

  @Test
  void close_duringAnAttempt_endsTheCall_withoutAWarnOrAnotherRequest() {
    assertCloseDuringAnAttemptEndsTheCall(builder());
  }

  /**
   * close() cancels the attempt before it stops the client's scheduler, so the cancelled attempt
   * can be decided on while a scheduler still runs: here a shared one that close() leaves running,
   * which makes that order certain. The cancelled attempt must end the call, not be retried.
   */
  @Test
  void close_duringAnAttempt_withASchedulerThatKeepsRunning_doesNotRetry() {
    ScheduledThreadPoolExecutor shared = new ScheduledThreadPoolExecutor(1);
    try {
      assertCloseDuringAnAttemptEndsTheCall(builder().scheduler(shared).random(() -> 0.0));
      assertThat(shared.isShutdown()).isFalse();
    } finally {
      shared.shutdownNow();
    }
  }

  /**
   * Closes a client built from {@code builder} while its request waits for an answer: one request,
   * no WARN.
   */
  private void assertCloseDuringAnAttemptEndsTheCall(OAuthClient.Builder builder) {
    server.enqueue(
        new MockResponse.Builder(token("late")).headersDelay(5, TimeUnit.SECONDS).build());
    server.enqueue(token("must-not-be-fetched"));
    try (CapturingLogs logs = CapturingLogs.start()) {
      OAuthClient client = builder.build();
      CompletableFuture<AccessToken> future = client.getTokenAsync();
      awaitTrue(() -> server.getRequestCount() == 1, "the request to reach the server");

      client.close();

      catchThrowableOfType(RuntimeException.class, () -> join(future));
      awaitTrue(
          () -> !logs.messages(Level.DEBUG, "the client was closed").isEmpty(), "the call to end");
      assertThat(logs.messages(Level.WARN)).isEmpty();
      assertThat(server.getRequestCount()).isEqualTo(1);
    }
  }

  /**
   * Fifty clients share one scheduler thread, and every one of them waits out a {@code Retry-After:
   * 1}. If a wait held the thread, they would take fifty seconds; scheduled waits take about one.
   */
  @Test
  void getTokenAsync_manyClientsWaitingOutA503_shareOneSchedulerThread_withoutParkingIt() {
    int clients = 50;
    Map<String, AtomicInteger> requestsByClient = new ConcurrentHashMap<>();
    Pattern clientId = Pattern.compile("\"client_id\"\\s*:\\s*\"([^\"]+)\"");
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            Matcher m = clientId.matcher(request.getBody() == null ? "" : request.getBody().utf8());
            String id = m.find() ? m.group(1) : "?";
            int n =
                requestsByClient.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            return n == 1 ? status(503, "1") : token("token-" + id);
          }
        });
    ScheduledThreadPoolExecutor oneThread = new ScheduledThreadPoolExecutor(1);
    List<OAuthClient> all = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        all.add(builder().clientId("c" + i).scheduler(oneThread).build());
      }
      long start = System.nanoTime();

      List<CompletableFuture<AccessToken>> futures = new ArrayList<>();
      for (OAuthClient c : all) {
        futures.add(c.getTokenAsync());
      }
      for (int i = 0; i < clients; i++) {
        assertThat(join(futures.get(i)).value()).isEqualTo("token-c" + i);
      }

      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      // About one second; fifty seconds if each wait held the one thread. The bound leaves room for
      // a loaded machine.
      assertThat(elapsedMillis).isGreaterThanOrEqualTo(1_000).isLessThan(10_000);
      assertThat(server.getRequestCount()).isEqualTo(2 * clients);
      assertThat(oneThread.getLargestPoolSize()).isEqualTo(1);
    } finally {
      all.forEach(OAuthClient::close);
      oneThread.shutdownNow();
    }
  }
}
