package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The interleavings behind "a few of 1,000 callers in flight when close() runs never complete"
 * (issue 26), each forced with latches on the SDK's own hooks (the injected clock, the credentials
 * lookup, OkHttp's event listener) rather than left to timing: every caller's future must complete
 * once {@code close()} has returned, and nothing may start or be sent after it.
 */
class CloseRaceTest {
  private final FakeTokenServer server = new FakeTokenServer();
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeEach
  void start() {
    server.start();
    server.client("id-a", "secret-a");
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
    server.releaseAnswers();
    server.close();
  }

  /** A fetch that never ends: what a fetch waiting on a stopped thread or timer looks like. */
  private static final class NeverEndingSource implements TokenSource {
    final AtomicInteger fetches = new AtomicInteger();

    @Override
    public CompletableFuture<AccessToken> fetch(Fetch fetch) {
      fetches.incrementAndGet();
      return new CompletableFuture<>();
    }

    @Override
    public void reject(AccessToken token) {}

    @Override
    public void close() {}
  }

  @Test
  void tokenCache_anAsyncCallersTaskThatRunsAfterClose_failsTheCaller_andStartsNoFetch() {
    NeverEndingSource source = new NeverEndingSource();
    ArrayDeque<Runnable> pool = new ArrayDeque<>();
    TokenCache cache =
        new TokenCache(
            source,
            new Freshness(Duration.ofMinutes(5), Duration.ofSeconds(30)),
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
            RetryPolicy.defaults(),
            new SafeListener(List.of()),
            () -> 0.5,
            Duration.ofMinutes(5),
            Duration.ofSeconds(1),
            null,
            pool::add);

    CompletableFuture<AccessToken> caller = cache.getAsync();
    assertThat(pool).hasSize(1); // handed to the client's threads, not run yet
    cache.close();
    pool.poll().run(); // the pool got to it after close(): on a worker, or close()'s drain thread

    assertThat(caller).isCompletedExceptionally();
    assertThatThrownBy(caller::join).hasCauseInstanceOf(IllegalStateException.class);
    assertThat(source.fetches).hasValue(0);
  }

  @Test
  void tokenCache_aFullPoolThatRejectsAnAsyncCaller_isNotReportedAsAClosedClient() {
    TokenCache cache =
        new TokenCache(
            new NeverEndingSource(),
            new Freshness(Duration.ofMinutes(5), Duration.ofSeconds(30)),
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
            RetryPolicy.defaults(),
            new SafeListener(List.of()),
            () -> 0.5,
            Duration.ofMinutes(5),
            Duration.ofSeconds(1),
            null,
            task -> {
              throw new java.util.concurrent.RejectedExecutionException("pool and queue full");
            });

    CompletableFuture<AccessToken> caller = cache.getAsync();

    // "OAuthClient is closed: build a new client" would send the application to rebuild a client
    // that is merely busy.
    assertThatThrownBy(caller::join)
        .hasCauseInstanceOf(OAuthException.class)
        .hasMessageContaining("try again");
  }

  /** Pauses the one thread it is armed for at its next clock read, once. */
  private static final class PausingClock extends Clock {
    private final Clock real = Clock.systemUTC();
    private final AtomicReference<Pause> armed = new AtomicReference<>();

    static final class Pause {
      final Thread thread;
      final CountDownLatch arrived = new CountDownLatch(1);
      final CountDownLatch go = new CountDownLatch(1);

      Pause(Thread thread) {
        this.thread = thread;
      }
    }

    Pause arm(Thread t) {
      Pause p = new Pause(t);
      armed.set(p);
      return p;
    }

    @Override
    public long millis() {
      Pause p = armed.get();
      if (p != null && p.thread == Thread.currentThread() && armed.compareAndSet(p, null)) {
        p.arrived.countDown();
        try {
          if (!p.go.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return real.millis();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @Test
  void aTenantAdmittedWhileCloseWalksTheTenants_isRefused_andLeavesNoCallerWaiting()
      throws Exception {
    PausingClock clock = new PausingClock();
    CountDownLatch lookupsBusy = new CountDownLatch(8);
    CountDownLatch never = new CountDownLatch(1);
    TenantTokens tokens =
        TenantTokens.builder()
            .baseUrl(server.baseUrl())
            .clock(clock)
            .maxTenants(16) // a map table of 32 bins
            .retryPolicy(RetryPolicy.builder().maxWait(Duration.ofSeconds(60)).build())
            .credentials(
                t -> {
                  if (t.startsWith("busy-")) {
                    lookupsBusy.countDown();
                    try {
                      never.await();
                    } catch (InterruptedException e) {
                      throw new IllegalStateException("interrupted");
                    }
                  }
                  return TenantCredentials.clientSecret("id-a", "secret-a");
                })
            .build();
    opened.add(tokens);
    try {
      // Every lookup thread busy: the next tenant's lookup waits in the pool's queue.
      List<CompletableFuture<AccessToken>> busy = new ArrayList<>();
      for (String name : names("busy-", 8, bin -> bin >= TABLE / 2)) {
        busy.add(tokens.getTokenAsync(name));
      }
      // In a bin close()'s walk has passed when it stops at the first busy tenant: so it never
      // sees this one, whatever the timing.
      String lateName = names("late-", 1, bin -> bin < TABLE / 2).get(0);
      assertThat(lookupsBusy.await(10, TimeUnit.SECONDS)).isTrue();

      // A caller passes the closed check of admit() and stops at its clock read...
      AtomicReference<Object> late = new AtomicReference<>();
      CountDownLatch lateReady = new CountDownLatch(1);
      Thread caller =
          new Thread(
              () -> {
                try {
                  late.set(tokens.getTokenAsync(lateName));
                } catch (RuntimeException e) {
                  late.set(e);
                }
                lateReady.countDown();
              },
              "late-caller");
      PausingClock.Pause callerPause = clock.arm(caller);
      caller.start();
      assertThat(callerPause.arrived.await(10, TimeUnit.SECONDS)).isTrue();

      // ...close() sets the flag and stops after closing the first tenant it found...
      Thread closer = new Thread(tokens::close, "closer");
      PausingClock.Pause closerPause = clock.arm(closer);
      closer.start();
      assertThat(closerPause.arrived.await(10, TimeUnit.SECONDS)).isTrue();

      // ...the caller puts its tenant in after close() looked, and its fetch queues a lookup...
      callerPause.go.countDown();
      assertThat(lateReady.await(10, TimeUnit.SECONDS)).isTrue();
      if (late.get() instanceof CompletableFuture) {
        awaitCondition(() -> tokens.assembly().lookupsQueued() == 1, "the late lookup to queue");
      }

      // ...then close() goes on and stops the threads.
      closerPause.go.countDown();
      closer.join(10_000);
      assertThat(closer.isAlive()).isFalse();

      Object got = late.get();
      if (got instanceof RuntimeException) {
        assertThat((RuntimeException) got)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("TenantTokens is closed");
      } else {
        @SuppressWarnings("unchecked")
        CompletableFuture<AccessToken> f = (CompletableFuture<AccessToken>) got;
        // failsWithin alone also passes on a timeout: the future must have failed.
        assertThat(f)
            .failsWithin(5, TimeUnit.SECONDS)
            .withThrowableOfType(ExecutionException.class)
            .havingCause()
            .isInstanceOfAny(OAuthException.class, IllegalStateException.class)
            .withMessageContaining("closed");
      }
      for (CompletableFuture<AccessToken> f : busy) {
        assertThat(f)
            .failsWithin(5, TimeUnit.SECONDS)
            .withThrowableOfType(ExecutionException.class)
            .havingCause()
            .isInstanceOfAny(OAuthException.class, IllegalStateException.class)
            .withMessageContaining("closed");
      }
      assertThat(tokens.size()).isZero();
    } finally {
      never.countDown();
    }
  }

  @Test
  void close_failsALookupStillWaitingForAThread() throws Exception {
    CountDownLatch lookupsBusy = new CountDownLatch(8);
    CountDownLatch never = new CountDownLatch(1);
    TenantTokens tokens =
        TenantTokens.builder()
            .baseUrl(server.baseUrl())
            .retryPolicy(RetryPolicy.builder().maxWait(Duration.ofSeconds(60)).build())
            .credentials(
                t -> {
                  lookupsBusy.countDown();
                  try {
                    never.await();
                  } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted");
                  }
                  return TenantCredentials.clientSecret("id-a", "secret-a");
                })
            .build();
    opened.add(tokens);
    try {
      for (int i = 0; i < 8; i++) {
        tokens.assembly().lookup("busy-" + i);
      }
      assertThat(lookupsBusy.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<TenantCredentials> queued = tokens.assembly().lookup("queued");
      assertThat(tokens.assembly().lookupsQueued()).isEqualTo(1);

      tokens.close();

      // Its timeout timer went with the scheduler: only close() can end it.
      assertThat(queued)
          .failsWithin(5, TimeUnit.SECONDS)
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(OAuthException.class)
          .withMessageContaining("closed");
    } finally {
      never.countDown();
    }
  }

  @Test
  void requestGate_aCallThatReachesOkHttpAfterCloseCancelledTheCalls_isNotSent() throws Exception {
    server.holdAnswers();
    CountDownLatch inCallStart = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    OkHttpClient http =
        new OkHttpClient.Builder()
            .eventListener(
                new EventListener() {
                  @Override
                  public void callStart(Call call) {
                    // RealCall.enqueue tells callStart before it hands the call to the dispatcher:
                    // the sender holds a slot and the dispatcher does not know the call yet.
                    inCallStart.countDown();
                    try {
                      goOn.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                })
            .build();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    opened.add(scheduler::shutdownNow);
    opened.add(() -> http.dispatcher().executorService().shutdownNow());
    RequestGate gate = new RequestGate(1, scheduler, 30_000);
    Call call =
        http.newCall(
            new Request.Builder()
                .url(server.tokenUrl())
                .post(okhttp3.RequestBody.create("{}", okhttp3.MediaType.get("application/json")))
                .build());
    CompletableFuture<String> outcome = new CompletableFuture<>();
    Thread sender =
        new Thread(
            () ->
                gate.send(
                    call,
                    new Callback() {
                      @Override
                      public void onFailure(Call c, IOException e) {
                        outcome.complete("failed: " + e.getMessage());
                      }

                      @Override
                      public void onResponse(Call c, Response response) {
                        response.close();
                        outcome.complete("answered " + response.code());
                      }
                    },
                    0),
            "sender");
    sender.start();
    assertThat(inCallStart.await(10, TimeUnit.SECONDS)).isTrue();

    gate.close(); // what TenantAssembly.close() does, in its order
    http.dispatcher().cancelAll();
    goOn.countDown();
    sender.join(10_000);

    // Not cancelled, it would wait out the held answer (the call timeout, with a real provider).
    assertThat(call.isCanceled()).isTrue();
    assertThat(outcome.get(5, TimeUnit.SECONDS)).startsWith("failed");
  }

  /** Bins of the tenant map's table (maxTenants 16: ConcurrentHashMap sizes it for 16 / 0.75). */
  private static final int TABLE = 32;

  /** {@code count} names {@code prefix + i} whose ConcurrentHashMap bin passes {@code bins}. */
  private static List<String> names(
      String prefix, int count, java.util.function.IntPredicate bins) {
    List<String> out = new ArrayList<>();
    for (int i = 0; out.size() < count; i++) {
      String name = prefix + i;
      int h = name.hashCode();
      int spread = (h ^ (h >>> 16)) & 0x7fffffff; // ConcurrentHashMap.spread
      if (bins.test(spread & (TABLE - 1))) {
        out.add(name);
      }
    }
    return out;
  }

  private static void awaitCondition(java.util.function.BooleanSupplier done, String what)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("waited 10 s for " + what);
      }
      Thread.sleep(1);
    }
  }
}
