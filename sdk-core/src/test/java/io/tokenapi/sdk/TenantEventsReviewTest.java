package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.testkit.FakeTokenServer;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * A hostile review of the per-tenant listener factory, {@code TokenStatus.tenant()} and {@code
 * TenantTokens.close()} (issue 26), over loopback HTTP: only what {@link TenantListenerTest} and
 * {@link CloseRaceTest} do not prove already.
 */
class TenantEventsReviewTest {
  private final FakeTokenServer server = new FakeTokenServer();
  private final List<TenantTokens> opened = new ArrayList<>();

  @BeforeEach
  void start() {
    server.start();
    // Every client id the tests use is "id-<tenant>" with "secret-<tenant>"; unknown ids fail.
    server.credentials("any", "any");
  }

  @AfterEach
  void stop() {
    opened.forEach(TenantTokens::close);
    server.releaseAnswers();
    server.close();
  }

  private TenantTokens open(TenantTokens.Builder b) {
    TenantTokens tokens = b.build();
    opened.add(tokens);
    return tokens;
  }

  private TenantTokens.Builder builder(String... tenants) {
    for (String t : tenants) {
      server.client("id-" + t, "secret-" + t);
    }
    return TenantTokens.builder()
        .baseUrl(server.baseUrl())
        .credentials(t -> TenantCredentials.clientSecret("id-" + t, "secret-" + t));
  }

  /** A listener that throws in every callback it has. */
  private static final class ThrowsEverywhere implements OAuthClientListener {
    final AtomicInteger calls = new AtomicInteger();

    private void boom() {
      calls.incrementAndGet();
      throw new IllegalStateException("secret-leak in a listener message");
    }

    @Override
    public void onFetchStarted(FetchStarted event) {
      boom();
    }

    @Override
    public void onAttemptStarted(AttemptStarted event) {
      boom();
    }

    @Override
    public void onAttemptEnded(AttemptEnded event) {
      boom();
    }

    @Override
    public void onTokenObtained(TokenObtained event) {
      boom();
    }

    @Override
    public void onFetchEnded(FetchEnded event) {
      calls.incrementAndGet();
      throw new AssertionError("secret-leak in an Error");
    }

    @Override
    public void onStateChanged(StateChanged event) {
      boom();
    }
  }

  /** Counts down when its tenant's fetch ended; records the failure it was told of. */
  private static final class Ended implements OAuthClientListener {
    final String tenant;
    final CountDownLatch ended;
    final Map<String, List<String>> seen;

    Ended(String tenant, CountDownLatch ended, Map<String, List<String>> seen) {
      this.tenant = tenant;
      this.ended = ended;
      this.seen = seen;
    }

    @Override
    public void onFetchEnded(FetchEnded event) {
      seen.computeIfAbsent(tenant, k -> new CopyOnWriteArrayList<>())
          .add(event.failure() == null ? "ok" : event.failure().getClass().getSimpleName());
      ended.countDown();
    }
  }

  @Test
  void
      aFactoryThatThrowsAnError_andListenersThatThrowInEveryCallback_costNoToken_andLogNoRawIdOrMessage()
          throws Exception {
    String hostile = "t\r\nINFO forged\u001b[31m\u202e\u0000" + "x".repeat(200);
    ThrowsEverywhere throwing = new ThrowsEverywhere();
    CountDownLatch lastEnded = new CountDownLatch(1);
    try (CapturingLogs logs = CapturingLogs.start()) {
      TenantTokens tokens =
          open(
              TenantTokens.builder()
                  .baseUrl(server.baseUrl())
                  .credentials(t -> TenantCredentials.clientSecret("any", "any"))
                  .tenantListener(
                      tenant -> {
                        if (tenant.equals(hostile)) {
                          throw new AssertionError("secret-" + hostile);
                        }
                        if (tenant.equals("last")) {
                          return new Ended(tenant, lastEnded, new ConcurrentHashMap<>());
                        }
                        return throwing; // the same listener for several tenants
                      }));

      assertThat(tokens.getToken(hostile)).isNotNull();
      assertThat(tokens.getToken("a")).isNotNull();
      assertThat(tokens.getToken("b")).isNotNull();
      assertThat(tokens.getToken("last")).isNotNull();
      // One event thread, in order: "last" ended, so every earlier event was delivered.
      assertThat(lastEnded.await(10, TimeUnit.SECONDS)).isTrue();

      assertThat(throwing.calls.get()).isGreaterThanOrEqualTo(2 * 4);
      String all = logs.allText();
      assertThat(all).doesNotContain("secret-").doesNotContain("forged\u001b");
      for (String m : logs.messages(Level.WARN)) {
        assertThat(m)
            .doesNotContain("\n")
            .doesNotContain("\r")
            .doesNotContain("\u202e")
            .doesNotContain("\u0000")
            .doesNotContain("\u001b")
            .hasSizeLessThan(600);
      }
      assertThat(logs.messages(Level.WARN, "tenant listener factory threw"))
          .singleElement()
          .asString()
          .contains("java.lang.AssertionError")
          .contains("t\\r\\nINFO forged");
    }
  }

  @Test
  void aBlockedFactory_overflowsTheQueue_servesEveryToken_andWarnsOnce() throws Exception {
    int n = 400; // about 5 events each: more than the event queue holds
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger made = new AtomicInteger();
    try (CapturingLogs logs = CapturingLogs.start()) {
      TenantTokens tokens =
          open(
              TenantTokens.builder()
                  .baseUrl(server.baseUrl())
                  .credentials(t -> TenantCredentials.clientSecret("any", "any"))
                  .maxConcurrentRequests(8)
                  .tenantListener(
                      tenant -> {
                        made.incrementAndGet();
                        try {
                          release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        return null;
                      }));
      for (int i = 0; i < n; i++) {
        assertThat(tokens.getToken("t" + i)).isNotNull();
      }
      assertThat(made).hasValue(1); // stuck in the first tenant's factory all along
      assertThat(tokens.assembly().listener.dropped()).isPositive();
      assertThat(logs.messages(Level.WARN, "is not keeping up")).hasSize(1);
      release.countDown();
    }
  }

  @Test
  void callsBackIntoTenantTokens_fromTheFactoryAndTheListener_doNotDeadlock() throws Exception {
    AtomicReference<TenantTokens> self = new AtomicReference<>();
    Map<String, String> fromFactory = new ConcurrentHashMap<>();
    CountDownLatch listenerCalledBack = new CountDownLatch(1);
    TenantTokens tokens =
        open(
            builder("a", "b", "c")
                .maxConcurrentRequests(1)
                .tenantListener(
                    tenant -> {
                      // The same tenant (its fetch is in flight) and another, cold one.
                      fromFactory.put(tenant, self.get().getToken(tenant).toString());
                      if (tenant.equals("a")) {
                        fromFactory.put("b-from-a", self.get().getToken("b").toString());
                      }
                      return new OAuthClientListener() {
                        @Override
                        public void onFetchEnded(FetchEnded event) {
                          if (tenant.equals("a")) {
                            self.get().getTokenAsync("c").join();
                            listenerCalledBack.countDown();
                          }
                        }
                      };
                    }));
    self.set(tokens);

    assertThat(tokens.getTokenAsync("a").get(10, TimeUnit.SECONDS)).isNotNull();
    assertThat(listenerCalledBack.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(fromFactory).containsKeys("a", "b-from-a");
    assertThat(tokens.getTokenAsync("c").get(10, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void eventsGoToTheirOwnTenant_whenManyTenantsAreColdAtOnce_behindTwoRequestSlots()
      throws Exception {
    int n = 40;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("t" + i);
    }
    server.failClient("id-t7", 503, "down", "down for t7 only");
    CountDownLatch ended = new CountDownLatch(n);
    Map<String, List<String>> seen = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> made = new ConcurrentHashMap<>();
    TenantTokens tokens =
        open(
            builder(ids.toArray(new String[0]))
                .maxConcurrentRequests(2)
                .retryPolicy(RetryPolicy.builder().maxAttempts(1).build())
                .tenantListener(
                    tenant -> {
                      made.computeIfAbsent(tenant, k -> new AtomicInteger()).incrementAndGet();
                      return new Ended(tenant, ended, seen);
                    }));
    List<CompletableFuture<AccessToken>> futures = new ArrayList<>();
    for (String id : ids) {
      futures.add(tokens.getTokenAsync(id));
    }
    for (int i = 0; i < n; i++) {
      CompletableFuture<AccessToken> f = futures.get(i);
      if (i == 7) {
        assertThatThrownBy(() -> f.get(20, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class);
      } else {
        assertThat(f.get(20, TimeUnit.SECONDS)).isNotNull();
      }
    }
    assertThat(ended.await(20, TimeUnit.SECONDS)).isTrue();
    for (String id : ids) {
      assertThat(made.get(id)).as(id).hasValue(1);
      assertThat(seen.get(id))
          .as(id)
          .containsExactly(id.equals("t7") ? "ServiceUnavailableException" : "ok");
    }
  }

  @Test
  void anEvictedTenantsListener_becomesUnreachable_andComesBackFromTheFactoryOnReadmission()
      throws Exception {
    Map<String, AtomicInteger> made = new ConcurrentHashMap<>();
    Map<String, WeakReference<OAuthClientListener>> made1st = new ConcurrentHashMap<>();
    CountDownLatch firstEnded = new CountDownLatch(1);
    TenantTokens tokens =
        open(
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .credentials(t -> TenantCredentials.clientSecret("any", "any"))
                .maxTenants(4)
                .tenantListener(
                    tenant -> {
                      made.computeIfAbsent(tenant, k -> new AtomicInteger()).incrementAndGet();
                      OAuthClientListener l =
                          new OAuthClientListener() {
                            final byte[] weight = new byte[1024];

                            @Override
                            public void onFetchEnded(FetchEnded event) {
                              if (tenant.equals("first")) {
                                firstEnded.countDown();
                              }
                            }
                          };
                      made1st.putIfAbsent(tenant, new WeakReference<>(l));
                      return l;
                    }));
    tokens.getToken("first");
    assertThat(firstEnded.await(10, TimeUnit.SECONDS)).isTrue();
    // 200 more tenants through a map of 4: "first" is the least recently used and is dropped.
    CountDownLatch drained = new CountDownLatch(1);
    for (int i = 0; i < 200; i++) {
      tokens.getToken("other-" + i);
    }
    tokens.assembly().listener.deliver(drained::countDown);
    assertThat(drained.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(tokens.size()).isLessThanOrEqualTo(4 + 1);
    assertThat(tokens.status("first").state()).isEqualTo(TokenStatus.State.EXPIRED);

    WeakReference<OAuthClientListener> ref = made1st.get("first");
    for (int i = 0; i < 50 && ref.get() != null; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(ref.get()).as("the dropped tenant's listener is still reachable").isNull();

    // Used again: a new tenant entry, and the factory is asked again, once.
    CountDownLatch again = new CountDownLatch(1);
    tokens.getToken("first");
    tokens.assembly().listener.deliver(again::countDown);
    assertThat(again.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(made.get("first")).hasValue(2);
  }

  @Test
  void
      tokenStatus_ofAHostileTenantId_isOneBoundedEscapedLine_andUnknownOrClosedTenantsAreExpired() {
    TenantTokens tokens = open(builder("a"));
    String megabyte = "\u202e\r\n\u001b[2J\u0000".repeat(200_000);
    TokenStatus s = tokens.status(megabyte);
    assertThat(s.tenant()).contains(megabyte);
    assertThat(s.toString())
        .hasSizeLessThan(400)
        .doesNotContain("\n")
        .doesNotContain("\r")
        .doesNotContain("\u202e")
        .doesNotContain("\u001b")
        .doesNotContain("\u0000")
        .contains("\\u202e");
    // A lone surrogate at the cut, a tenant id of nothing but one: still printable.
    assertThat(tokens.status("\ud800").toString()).doesNotContain("\ud800");
    assertThat(tokens.status("").toString()).startsWith("TokenStatus[tenant='', state=EXPIRED");

    tokens.getToken("a");
    assertThat(tokens.status("a").toString()).doesNotContain("secret-a");
    tokens.close();
    TokenStatus closed = tokens.status("a");
    assertThat(closed.state()).isEqualTo(TokenStatus.State.EXPIRED);
    assertThat(closed.tenant()).contains("a");
  }

  @Test
  void
      close_fromTheFactory_fromATenantListener_andFromTheLookup_returns_failsTheCallers_andLeavesNoThread()
          throws Exception {
    SdkThreads threads = SdkThreads.snapshot();
    for (String where : List.of("factory", "listener", "lookup")) {
      AtomicReference<TenantTokens> self = new AtomicReference<>();
      CountDownLatch closed = new CountDownLatch(1);
      server.client("id-a", "secret-a");
      TenantTokens tokens =
          open(
              TenantTokens.builder()
                  .baseUrl(server.baseUrl())
                  .credentials(
                      t -> {
                        if (where.equals("lookup")) {
                          self.get().close();
                          closed.countDown();
                        }
                        return TenantCredentials.clientSecret("id-a", "secret-a");
                      })
                  .tenantListener(
                      tenant -> {
                        if (where.equals("factory")) {
                          self.get().close();
                          closed.countDown();
                        }
                        return new OAuthClientListener() {
                          @Override
                          public void onFetchEnded(FetchEnded event) {
                            if (where.equals("listener")) {
                              self.get().close();
                              closed.countDown();
                            }
                          }
                        };
                      }));
      self.set(tokens);
      CompletableFuture<AccessToken> first = tokens.getTokenAsync("a");
      try {
        first.get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        // Closed under the caller (the factory runs with the fetch's first event): typed.
        assertThat(where).isNotEqualTo("listener");
        assertThat(e.getCause()).isInstanceOfAny(OAuthException.class, IllegalStateException.class);
      }
      assertThat(closed.await(10, TimeUnit.SECONDS)).as(where).isTrue();
      assertThatThrownBy(() -> tokens.getTokenAsync("b"))
          .as(where)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("TenantTokens is closed");
    }
    assertThat(threads.aliveAfter(Duration.ofSeconds(5))).isEmpty();
  }

  @Test
  void close_from8ThreadsAtOnce_wakesAHeldCaller_withTenantTokensWording_andLeavesNoThread()
      throws Exception {
    SdkThreads threads = SdkThreads.snapshot();
    TenantTokens tokens = open(builder("a"));
    server.holdAnswers();
    CompletableFuture<AccessToken> held = tokens.getTokenAsync("a");
    server.awaitRequestCount(1);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> closers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                tokens.close();
              });
      t.start();
      closers.add(t);
    }
    go.countDown();
    for (Thread t : closers) {
      t.join(10_000);
      assertThat(t.isAlive()).isFalse();
    }
    assertThatThrownBy(() -> held.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .hasMessageContaining("TenantTokens is closed")
        .hasMessageNotContaining("OAuthClient");
    assertThatThrownBy(() -> tokens.getToken("a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TenantTokens is closed");
    server.releaseAnswers();
    assertThat(threads.aliveAfter(Duration.ofSeconds(5))).isEmpty();
  }

  /** An SDK-internal (inline) listener that holds the closing thread in its first state change. */
  private static final class HoldsTheCloser
      implements OAuthClientListener, ListenerDispatcher.Inline {
    volatile boolean closing;
    final CountDownLatch holding = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void onStateChanged(StateChanged event) {
      if (closing && holding.getCount() == 1) {
        holding.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Test
  void aSecondConcurrentClose_returnsOnlyOnceTheFirstHasFailedEveryCaller() throws Exception {
    HoldsTheCloser holder = new HoldsTheCloser();
    TenantTokens tokens =
        open(
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .credentials(t -> TenantCredentials.clientSecret("any", "any"))
                .listener(holder));
    for (int i = 0; i < 32; i++) {
      tokens.getToken("a" + i); // cached: close() turns each EXPIRED, a state change
    }
    server.holdAnswers();
    List<CompletableFuture<AccessToken>> held = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      held.add(tokens.getTokenAsync("b" + i)); // waiting: failed as the walk reaches each
    }
    holder.closing = true;
    Thread first = new Thread(tokens::close, "first-closer");
    first.start();
    assertThat(holder.holding.await(10, TimeUnit.SECONDS)).isTrue();
    // Held in the first cached tenant's close: the walk has not reached every waiting one yet.
    assertThat(held).as("the walk reached no held tenant yet").anyMatch(f -> !f.isDone());

    AtomicReference<Boolean> doneWhenSecondReturned = new AtomicReference<>();
    Thread second =
        new Thread(
            () -> {
              tokens.close();
              doneWhenSecondReturned.set(held.stream().allMatch(CompletableFuture::isDone));
            },
            "second-closer");
    second.start();
    // The second close() either returned already (the defect) or waits for the first.
    for (int i = 0;
        i < 500 && second.isAlive() && second.getState() == Thread.State.RUNNABLE;
        i++) {
      Thread.onSpinWait();
      Thread.yield();
    }
    second.join(200);
    holder.release.countDown();
    first.join(10_000);
    second.join(10_000);
    assertThat(doneWhenSecondReturned.get())
        .as("every caller failed when the second close() returned")
        .isTrue();
  }
}
