package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * Review (issue #22) of the caller's OkHttp {@code EventListener} and of the watchdog over the
 * caller's {@code Dns} and {@code ProxySelector}: what {@link CallersHttpClientTest} does not yet
 * show. A listener that falls behind, calls back into the client, keeps the call it was given, or
 * whose factory returns null or throws an {@code Error}, changes no token; a client-assertion body
 * never reaches it; a {@code Dns} that throws an {@code Error}, returns nothing or 10,000
 * addresses, and a {@code ProxySelector} that blocks, all end in a typed failure within the
 * attempt's time plus the watchdog's grace.
 */
class CallersListenerReviewTest {
  private final FakeTokenServer server = new FakeTokenServer();

  @StartStop final MockWebServer mock = new MockWebServer();

  @BeforeEach
  void start() {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OAuthClient.Builder builder(OkHttpClient callers) {
    return OAuthClient.builder()
        .baseUrl(server.baseUrl())
        .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
        .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
        .httpClient(callers)
        .retryPolicy(RetryPolicy.none());
  }

  @Test
  void aListenerThatFallsBehind_dropsPastTheQueue_warnsOnce_andEveryTokenStillComes()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger delivered = new AtomicInteger();
    OkHttpClient callers =
        new OkHttpClient.Builder()
            .eventListener(
                new EventListener() {
                  @Override
                  public void callStart(Call call) {
                    if (delivered.getAndIncrement() == 0) {
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }
                  }
                })
            .build();
    SdkThreads threads = SdkThreads.snapshot();
    try (CapturingLogs logs = CapturingLogs.start()) {
      OAuthClient client = builder(callers).build();
      try {
        // About a dozen events per request: 120 requests queue well past 1,024.
        for (int i = 0; i < 120; i++) {
          assertThat(
                  assertTimeoutPreemptively(
                          Duration.ofSeconds(10), client::refresh, "a full queue held the token")
                      .value())
              .startsWith("fake-token-");
        }
        assertThat(server.requestCount()).isEqualTo(120);
        assertThat(logs.messages(Level.WARN, "is not keeping up")).hasSize(1);
        assertThat(logs.allText()).doesNotContain(FakeTokenServer.DEFAULT_CLIENT_SECRET);
      } finally {
        release.countDown();
        client.close();
      }
      assertThat(threads.aliveAfter(Duration.ofSeconds(5))).as("threads after close()").isEmpty();
    }
  }

  @Test
  void aListenerThatCallsBackIntoTheClient_getsItsTokens_withoutADeadlock() throws Exception {
    AtomicReference<OAuthClient> self = new AtomicReference<>();
    CompletableFuture<List<String>> fromListener = new CompletableFuture<>();
    AtomicInteger calls = new AtomicInteger();
    OkHttpClient callers =
        new OkHttpClient.Builder()
            .eventListener(
                new EventListener() {
                  @Override
                  public void callEnd(Call call) {
                    if (calls.getAndIncrement() != 0) {
                      return;
                    }
                    try {
                      List<String> values = new ArrayList<>();
                      values.add(self.get().getToken().value()); // a hit
                      values.add(self.get().refresh().value()); // a request of its own
                      fromListener.complete(values);
                    } catch (RuntimeException e) {
                      fromListener.completeExceptionally(e);
                    }
                  }
                })
            .build();
    try (OAuthClient client = builder(callers).build()) {
      self.set(client);
      String first = client.getToken().value();
      List<String> values = fromListener.get(10, TimeUnit.SECONDS);
      assertThat(values.get(0)).isEqualTo(first);
      assertThat(values.get(1)).startsWith("fake-token-").isNotEqualTo(first);
      assertThat(server.requestCount()).isEqualTo(2);
    }
  }

  @Test
  void aListenerThatClosesTheClient_fromItsEventThread_endsTheCallerAndLeavesNoThread()
      throws Exception {
    AtomicReference<OAuthClient> self = new AtomicReference<>();
    CountDownLatch closed = new CountDownLatch(1);
    OkHttpClient callers =
        new OkHttpClient.Builder()
            .eventListener(
                new EventListener() {
                  @Override
                  public void callStart(Call call) {
                    self.get().close();
                    closed.countDown();
                  }
                })
            .build();
    SdkThreads threads = SdkThreads.snapshot();
    OAuthClient client = builder(callers).build();
    self.set(client);
    Object outcome =
        assertTimeoutPreemptively(
            Duration.ofSeconds(5),
            () -> {
              try {
                return client.getToken();
              } catch (OAuthException | IllegalStateException e) {
                return e; // IllegalStateException: closed, as getToken() documents
              }
            },
            "getToken() hung after the listener closed the client");
    assertThat(outcome).isInstanceOfAny(AccessToken.class, IllegalStateException.class);
    assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
    client.close();
    assertThat(threads.aliveAfter(Duration.ofSeconds(5))).as("threads after close()").isEmpty();
  }

  @Test
  void aCallTheListenerKeeps_neverSendsClonesOrCancelsTheTokenRequest() throws Exception {
    CompletableFuture<Call> kept = new CompletableFuture<>();
    CountDownLatch ended = new CountDownLatch(1);
    OkHttpClient callers =
        new OkHttpClient.Builder()
            .eventListener(
                new EventListener() {
                  @Override
                  public void callStart(Call call) {
                    call.cancel(); // while the token request is on its way
                    kept.complete(call);
                  }

                  @Override
                  public void callEnd(Call call) {
                    ended.countDown();
                  }
                })
            .build();
    try (OAuthClient client = builder(callers).build()) {
      assertThat(client.getToken().value()).startsWith("fake-token-");
      assertThat(ended.await(5, TimeUnit.SECONDS)).as("callEnd delivered, not canceled").isTrue();
      Call call = kept.get(5, TimeUnit.SECONDS);

      assertThat(catchThrowable(call::execute)).isInstanceOf(IOException.class);
      Call clone = call.clone();
      assertThat(catchThrowable(clone::execute)).isInstanceOf(IOException.class);
      CompletableFuture<IOException> enqueued = new CompletableFuture<>();
      call.clone()
          .enqueue(
              new Callback() {
                @Override
                public void onFailure(Call c, IOException e) {
                  enqueued.complete(e);
                }

                @Override
                public void onResponse(Call c, Response response) {
                  response.close();
                  enqueued.completeExceptionally(new AssertionError("a view was sent"));
                }
              });
      assertThat(enqueued.get(5, TimeUnit.SECONDS)).isNotNull();
      Buffer body = new Buffer();
      call.request().body().writeTo(body);
      assertThat(body.readUtf8()).isEqualTo(CallersEventListener.REDACTED);
      assertThat(call.request().toString() + call.request().headers())
          .doesNotContain(FakeTokenServer.DEFAULT_CLIENT_SECRET);
      assertThat(server.requestCount()).as("only the token request itself").isOne();
      // And the client goes on.
      assertThat(client.refresh().value()).startsWith("fake-token-");
    }
  }

  @Test
  void aFactoryThatReturnsNull_orThrowsAnError_changesNoToken() throws Exception {
    CountDownLatch asked = new CountDownLatch(2);
    OkHttpClient nulls =
        new OkHttpClient.Builder()
            .eventListenerFactory(
                call -> {
                  asked.countDown();
                  return null;
                })
            .build();
    OkHttpClient errors =
        new OkHttpClient.Builder()
            .eventListenerFactory(
                call -> {
                  asked.countDown();
                  throw new AssertionError("factory bug");
                })
            .build();
    try (CapturingLogs logs = CapturingLogs.start();
        OAuthClient a = builder(nulls).build();
        OAuthClient b = builder(errors).build()) {
      assertThat(a.getToken().value()).startsWith("fake-token-");
      assertThat(b.getToken().value()).startsWith("fake-token-");
      assertThat(asked.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(a.refresh().value()).startsWith("fake-token-");
      assertThat(b.refresh().value()).startsWith("fake-token-");
      assertThat(logs.messages(Level.WARN, "EventListener.Factory.create threw")).isNotEmpty();
    }
  }

  @Test
  void clientAssertionMode_theListenerNeverSeesTheAssertion() throws Exception {
    mock.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "application/json")
            .body("{\"access_token\":\"tok-SECRETACCESS\",\"expires_in\":3600}")
            .build());
    String assertion = "eyJhbGciOiJSUzI1NiJ9.eyJTRUNSRVRBU1NFUlRJT04iOjF9.c2ln";
    StringBuilder seen = new StringBuilder();
    CountDownLatch ended = new CountDownLatch(1);
    OkHttpClient callers =
        new OkHttpClient.Builder()
            .eventListenerFactory(
                call -> {
                  synchronized (seen) {
                    seen.append(call).append(call.request()).append(call.request().headers());
                  }
                  return new EventListener() {
                    private void read(Request r) {
                      if (r == null) {
                        return;
                      }
                      Buffer body = new Buffer();
                      try {
                        if (r.body() != null) {
                          r.body().writeTo(body);
                        }
                      } catch (IOException e) {
                        body.writeUtf8(e.toString());
                      }
                      synchronized (seen) {
                        seen.append(r).append(r.headers()).append(r.url()).append(body.readUtf8());
                      }
                    }

                    @Override
                    public void requestHeadersEnd(Call c, Request request) {
                      read(c.request());
                      read(request);
                    }

                    @Override
                    public void responseHeadersEnd(Call c, Response response) {
                      read(response.request());
                      synchronized (seen) {
                        seen.append(response).append(response.headers());
                        seen.append(response.priorResponse()).append(response.networkResponse());
                      }
                    }

                    @Override
                    public void callEnd(Call c) {
                      ended.countDown();
                    }
                  };
                })
            .build();
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(mock.url("/"))
            .clientId("iso-id")
            .clientAssertion(() -> assertion)
            .httpClient(callers)
            .retryPolicy(RetryPolicy.none())
            .build()) {
      assertThat(client.getToken().value()).isEqualTo("tok-SECRETACCESS");
      assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(mock.takeRequest().getBody().utf8()).contains("eyJTRUNSRVRBU1NFUlRJT04iOjF9");
    synchronized (seen) {
      assertThat(seen.toString())
          .contains(CallersEventListener.REDACTED)
          .doesNotContain("eyJTRUNSRVRBU1NFUlRJT04iOjF9")
          .doesNotContain("SECRETACCESS");
    }
  }

  private OAuthClient withDns(okhttp3.Dns dns) {
    return OAuthClient.builder()
        .baseUrl("http://localhost:" + server.port())
        .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
        .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
        .httpClient(new OkHttpClient.Builder().dns(dns).build())
        .callTimeout(Duration.ofMillis(300))
        .retryPolicy(RetryPolicy.none())
        .build();
  }

  private static final long BOUND_MILLIS = 300 + TokenEndpoint.WATCHDOG_GRACE_MILLIS + 2_000;

  @Test
  void aDnsThatThrowsAnError_orReturnsNothing_failsTyped_andTheClientGoesOn() throws Exception {
    SdkThreads threads = SdkThreads.snapshot();
    List<okhttp3.Dns> hostile =
        List.of(
            host -> {
              throw new AssertionError("resolver bug");
            },
            host -> List.of());
    for (okhttp3.Dns dns : hostile) {
      try (OAuthClient client = withDns(dns)) {
        long start = System.nanoTime();
        TransportException e =
            assertTimeoutPreemptively(
                Duration.ofMillis(BOUND_MILLIS),
                () -> catchThrowableOfType(TransportException.class, client::getToken));
        assertThat(e).isNotNull();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
            .isLessThan(BOUND_MILLIS);
      }
    }
    // The pool thread the Error went through was replaced; a sound Dns still works.
    try (OAuthClient client = withDns(okhttp3.Dns.SYSTEM)) {
      assertThat(client.getToken().value()).startsWith("fake-token-");
    }
    assertThat(threads.aliveAfter(Duration.ofSeconds(5))).isEmpty();
  }

  @Test
  void aDnsThatIgnoresInterrupts_holdsUpToThePoolsEightThreads_notOkHttpsFivePerHost()
      throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    java.util.Set<Thread> inLookup = java.util.concurrent.ConcurrentHashMap.newKeySet();
    SdkThreads threads = SdkThreads.snapshot();
    try {
      OAuthClient client =
          withDns(
              host -> {
                inLookup.add(Thread.currentThread());
                boolean interrupted = false;
                while (true) {
                  try {
                    never.await();
                    break;
                  } catch (InterruptedException e) {
                    interrupted = true; // ignored, as a resolver stuck in native code would
                  }
                }
                if (interrupted) {
                  Thread.currentThread().interrupt();
                }
                throw new java.net.UnknownHostException(host);
              });
      try {
        // Each attempt is abandoned by the watchdog, its thread still held by the Dns. The sixth
        // must still get a thread of the pool's eight; OkHttp's default of five calls per host
        // would queue it (and every later one) in OkHttp's own unbounded queue instead.
        for (int i = 0; i < 6; i++) {
          TransportException e =
              assertTimeoutPreemptively(
                  Duration.ofMillis(BOUND_MILLIS),
                  () -> catchThrowableOfType(TransportException.class, client::refresh));
          assertThat(e).as("attempt " + (i + 1)).isNotNull();
        }
        assertThat(inLookup).as("attempts that reached the Dns").hasSize(6);
      } finally {
        client.close();
      }
    } finally {
      never.countDown();
    }
    assertThat(threads.aliveAfter(Duration.ofSeconds(5))).as("threads after close()").isEmpty();
  }

  @Test
  void theTokenRequestsDispatcher_neverQueuesPastThePool() {
    ClientThreads pool = new ClientThreads(null);
    okhttp3.Dispatcher dispatcher;
    try {
      dispatcher = TokenHttpClient.derive(new ClientSettings(), pool.http(), null).dispatcher();
    } finally {
      pool.shutdown();
    }
    assertThat(dispatcher.getMaxRequestsPerHost()).isEqualTo(ClientThreads.MAX_HTTP_THREADS);
    // Past the pool's threads and queue its executor rejects (a typed failure), before OkHttp's
    // own queue, which has no bound, would keep a call.
    assertThat(dispatcher.getMaxRequests())
        .isGreaterThan(ClientThreads.MAX_HTTP_THREADS + ClientThreads.HTTP_QUEUE);
  }

  @Test
  void aDnsThatReturns10000Addresses_endsWithinTheAttemptsTime() throws Exception {
    List<InetAddress> many = new ArrayList<>();
    for (int i = 0; i < 9_999; i++) {
      many.add(InetAddress.getByAddress(new byte[] {127, 1, (byte) (i >> 8), (byte) i}));
    }
    many.add(InetAddress.getLoopbackAddress());
    try (OAuthClient client = withDns(host -> many)) {
      long start = System.nanoTime();
      Object outcome =
          assertTimeoutPreemptively(
              Duration.ofMillis(BOUND_MILLIS),
              () -> {
                try {
                  return client.getToken();
                } catch (OAuthException e) {
                  return e;
                }
              });
      assertThat(outcome).isNotNull();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(BOUND_MILLIS);
    }
  }

  @Test
  void aProxySelectorThatBlocks_failsTheAttemptAfterItsTime_andCloseLeavesNoThread()
      throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    SdkThreads threads = SdkThreads.snapshot();
    try {
      OAuthClient client =
          OAuthClient.builder()
              .baseUrl("http://localhost:" + server.port())
              .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
              .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
              .httpClient(
                  new OkHttpClient.Builder()
                      .proxySelector(
                          new ProxySelector() {
                            @Override
                            public List<Proxy> select(URI uri) {
                              try {
                                never.await();
                              } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                              }
                              return List.of(Proxy.NO_PROXY);
                            }

                            @Override
                            public void connectFailed(URI uri, SocketAddress sa, IOException e) {}
                          })
                      .build())
              .callTimeout(Duration.ofMillis(300))
              .retryPolicy(RetryPolicy.none())
              .build();
      try {
        assertThat(client.makesFirstAttemptOnCallerThread()).isFalse();
        TransportException e =
            assertTimeoutPreemptively(
                Duration.ofMillis(BOUND_MILLIS),
                () -> catchThrowableOfType(TransportException.class, client::getToken));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("holds the request's thread");
      } finally {
        client.close();
      }
      assertThat(threads.aliveAfter(Duration.ofSeconds(5))).as("threads after close()").isEmpty();
    } finally {
      never.countDown();
    }
  }
}
