package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cache under real concurrency: platform threads calling the client at once against a loopback
 * token endpoint. The clock is fixed, so every state change here comes from the threads, never from
 * time. The race tests repeat inside the suite to shake out interleavings; each repetition is quick
 * because the server holds its answer only until every caller is parked waiting for it, instead of
 * for a fixed delay.
 */
class TokenCacheConcurrencyTest {
  /**
   * Repetitions of the race tests in every build. Each costs 50 to 150 ms on the shared 2-core
   * build machine, so the build runs 20 (10 for the failure burst) to keep the sdk-core suite under
   * a minute; a local run with 300, 300 and 100 repetitions (707 tests) passed without a failure.
   */
  static final int RACE_REPETITIONS = 20;

  static final int FAILURE_BURST_REPETITIONS = 10;
  private static final int CALLERS = 200;
  private static final int INVALIDATORS = 100;
  private static final Instant NOW = Instant.parse("2025-03-03T10:00:00Z");

  /**
   * Reused by every repetition: creating 200 threads per run would cost more than the test itself.
   */
  private static ExecutorService pool;

  @RegisterExtension final CacheTestClients clients = new CacheTestClients("race");
  private final FakeTokenServer tokens = clients.tokens;
  private final RecordingListener listener = new RecordingListener();
  private OAuthClient client;

  @BeforeAll
  static void startPool() {
    AtomicInteger n = new AtomicInteger();
    pool =
        Executors.newFixedThreadPool(
            CALLERS,
            r -> {
              Thread t = new Thread(r, "test-caller-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  private OAuthClient.Builder builder() {
    return clients.builder(new MutableClock(NOW), listener);
  }

  /**
   * Runs {@code n} copies of {@code body} on the pool, released together. Each thread adds itself
   * to {@code started} once released, just before it calls {@code body}, so a test can wait until
   * all are parked in it.
   */
  private static <T> List<Future<T>> together(int n, Set<Thread> started, Callable<T> body)
      throws InterruptedException {
    CountDownLatch ready = new CountDownLatch(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<T>> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      results.add(
          pool.submit(
              () -> {
                ready.countDown();
                go.await();
                started.add(Thread.currentThread());
                return body.call();
              }));
    }
    assertThat(ready.await(5, TimeUnit.SECONDS)).as("callers ready").isTrue();
    go.countDown();
    return results;
  }

  /**
   * Waits until all {@code n} callers have started and each is parked (waiting for the token) or
   * done.
   */
  private static void awaitAllParked(Set<Thread> started, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (started.size() < n) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("only " + started.size() + " of " + n + " callers started");
      }
      Thread.sleep(1);
    }
    for (Thread t : started) {
      Threads.awaitParked(t);
    }
  }

  @RepeatedTest(RACE_REPETITIONS)
  void getToken_with200ColdCallers_sendsExactlyOneRequest() throws Exception {
    client = clients.build(builder());
    tokens.holdAnswers();
    Set<Thread> threads = ConcurrentHashMap.newKeySet();

    List<Future<AccessToken>> results = together(CALLERS, threads, client::getToken);
    tokens.awaitRequestCount(1);
    awaitAllParked(threads, CALLERS); // every caller is now waiting for the one answer
    tokens.releaseAnswers();

    for (Future<AccessToken> r : results) {
      assertThat(r.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-1");
    }
    assertThat(tokens.requestCount()).isEqualTo(1);
    assertThat(listener.refreshed).hasSize(1);
  }

  /**
   * Odd repetitions hold the refresh until all 100 threads wait for it (every invalidate races the
   * others); even ones answer at once, so late threads invalidate the old token after the new one
   * is cached.
   */
  @RepeatedTest(RACE_REPETITIONS)
  void invalidate_by100ThreadsForTheSameRejectedToken_causesExactlyOneRefresh(
      RepetitionInfo repetition) throws Exception {
    client = clients.build(builder());
    AccessToken rejected = client.getToken();
    boolean holdRefresh = repetition.getCurrentRepetition() % 2 == 1;
    if (holdRefresh) {
      tokens.holdAnswers();
    }
    Set<Thread> threads = ConcurrentHashMap.newKeySet();

    List<Future<AccessToken>> results =
        together(
            INVALIDATORS,
            threads,
            () -> {
              client.invalidate(rejected);
              return client.getToken();
            });
    if (holdRefresh) {
      tokens.awaitRequestCount(2);
      awaitAllParked(threads, INVALIDATORS);
      tokens.releaseAnswers();
    }

    for (Future<AccessToken> r : results) {
      assertThat(r.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-2");
    }
    assertThat(tokens.requestCount()).isEqualTo(2);
  }

  @RepeatedTest(FAILURE_BURST_REPETITIONS)
  void getToken_burstOfCallersAfterFailure_doesNotBecomeBurstOfRequests() throws Exception {
    client = clients.build(builder().retryPolicy(RetryPolicy.none()));
    tokens.failEveryRequest(500, "TEST", "scripted failure").holdAnswers();
    Set<Thread> threads = ConcurrentHashMap.newKeySet();

    List<Future<AccessToken>> first = together(CALLERS, threads, client::getToken);
    tokens.awaitRequestCount(1);
    awaitAllParked(threads, CALLERS);
    tokens.releaseAnswers();
    for (Future<AccessToken> r : first) {
      assertThatThrownBy(() -> r.get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(InternalServerErrorException.class);
    }
    // The clock does not move, so the failure stays negatively cached: a second burst is answered
    // from it.
    List<Future<AccessToken>> second =
        together(CALLERS, ConcurrentHashMap.newKeySet(), client::getToken);
    for (Future<AccessToken> r : second) {
      assertThatThrownBy(() -> r.get(5, TimeUnit.SECONDS))
          .hasCauseInstanceOf(InternalServerErrorException.class);
    }

    assertThat(tokens.requestCount()).isEqualTo(1);
    assertThat(listener.failed).hasSize(1);
  }

  @Test
  void getTokenAsync_neverBlocksTheCaller_whileTheServerHoldsItsAnswer() throws Exception {
    client = clients.build(builder());
    tokens.holdAnswers();

    CompletableFuture<AccessToken> future = client.getTokenAsync();

    // Returned while the server still holds the answer, which it sends only when told: the proof
    // that it did not wait, with no window in milliseconds that a loaded CI machine can miss.
    assertThat(future).isNotDone();
    tokens.releaseAnswers();
    assertThat(future.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-1");
  }

  @Test
  void getTokenAsync_cancellingOneCallersFuture_doesNotCancelTheOthers() throws Exception {
    client = clients.build(builder());
    tokens.holdAnswers();
    CompletableFuture<AccessToken> cancelled = client.getTokenAsync();
    CompletableFuture<AccessToken> other = client.getTokenAsync();
    tokens.awaitRequestCount(1);

    assertThat(cancelled.cancel(true)).isTrue();
    CompletableFuture<AccessToken> later =
        client.getTokenAsync(); // joins the same refresh, still in flight
    tokens.releaseAnswers();

    assertThatThrownBy(cancelled::join).isInstanceOf(CancellationException.class);
    assertThat(other.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-1");
    assertThat(later.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-1");
    assertThat(client.getToken().value()).isEqualTo("fake-token-1");
    assertThat(tokens.requestCount()).isEqualTo(1);
  }

  @Test
  void getToken_whenCallerIsInterrupted_endsOnlyThatWaitWithTheFlagRestored() throws Exception {
    client = clients.build(builder());
    tokens.holdAnswers();
    // The patient caller starts the refresh; the interrupted one joins it (CallerThreadAttemptTest
    // interrupts the caller that makes the request).
    Threads.Caller<AccessToken> patient = Threads.start("test-patient", client::getToken);
    tokens.awaitRequestCount(1);
    Threads.Caller<Boolean> interrupted =
        Threads.startInterruptedCaller("test-interrupted", client, false);
    Threads.awaitParked(interrupted.thread);
    Threads.awaitParked(patient.thread);

    interrupted.thread.interrupt();

    assertThat(interrupted.result.get(5, TimeUnit.SECONDS)).as("interrupt flag restored").isTrue();
    assertThat(patient.result).isNotDone();
    tokens.releaseAnswers();
    assertThat(patient.result.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-1");
    assertThat(client.getToken().value()).isEqualTo("fake-token-1");
    assertThat(tokens.requestCount()).isEqualTo(1);
  }

  /**
   * Gets a token asynchronously through one retry (a 500, then a zero wait), so the client has
   * started both its scheduler and its HTTP threads, and returns the threads it started.
   */
  private Set<Thread> clientThreadsAfterARetriedCall() throws Exception {
    Set<Thread> before = Threads.named("tokenapi-");
    client = clients.build(builder().random(() -> 0.0));
    tokens.enqueueError(500, "TEST", "scripted failure");

    assertThat(client.getTokenAsync().get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-1");
    assertThat(listener.retries).hasSize(1);
    for (Thread t : listener.threads) {
      Threads.awaitNamed(t, "tokenapi-");
    }
    Set<Thread> mine = Threads.named("tokenapi-");
    mine.removeAll(before);
    return mine;
  }

  @Test
  void clientThreads_areDaemonAndNamedTokenapi() throws Exception {
    Set<Thread> mine = clientThreadsAfterARetriedCall();

    assertThat(mine)
        .extracting(Thread::getName)
        .anyMatch(n -> n.matches("tokenapi-\\d+-scheduler-\\d+"))
        .anyMatch(n -> n.matches("tokenapi-\\d+-http-\\d+"));
    assertThat(mine).allMatch(Thread::isDaemon);
    // Listener callbacks run on the client's own threads.
    assertThat(listener.threads).isNotEmpty().allMatch(mine::contains);
  }

  @Test
  void close_stopsTheClientsThreads_andIsIdempotent() throws Exception {
    Set<Thread> mine = clientThreadsAfterARetriedCall();
    String prefix = mine.iterator().next().getName().replaceFirst("^(tokenapi-\\d+-).*", "$1");
    assertThat(mine).hasSizeGreaterThanOrEqualTo(2).allMatch(t -> t.getName().startsWith(prefix));

    client.close();
    client.close();

    for (Thread t : mine) {
      t.join(
          TimeUnit.SECONDS.toMillis(
              5)); // a pool thread ends a moment after shutdownNow() interrupts it
    }
    assertThat(mine).noneMatch(Thread::isAlive);
    assertThat(Threads.named(prefix)).isEmpty();
    assertThatThrownBy(client::getToken).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(client::getTokenAsync).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(client::refresh).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void close_whileCallersWait_failsThemWithIllegalStateException() throws Exception {
    client = clients.build(builder());
    tokens.holdAnswers();
    CompletableFuture<AccessToken> async = client.getTokenAsync();
    Threads.Caller<AccessToken> blocking = Threads.start("test-blocking-caller", client::getToken);
    tokens.awaitRequestCount(1);
    Threads.awaitParked(blocking.thread);

    client.close();

    assertThatThrownBy(() -> async.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> blocking.result.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void refresh_calledBy50ThreadsWhileOneIsInFlight_sendsOneRequest() throws Exception {
    client = clients.build(builder());
    tokens.holdAnswers();
    CompletableFuture<AccessToken> first = client.getTokenAsync();
    tokens.awaitRequestCount(1);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();

    List<Future<AccessToken>> results = together(50, threads, client::refresh);
    awaitAllParked(threads, 50);
    tokens.releaseAnswers();

    for (Future<AccessToken> r : results) {
      assertThat(r.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-1");
    }
    assertThat(first.get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-1");
    assertThat(tokens.requestCount()).isEqualTo(1);
  }
}
