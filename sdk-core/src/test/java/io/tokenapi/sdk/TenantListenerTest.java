package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.testkit.FakeTokenServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events and status that name their tenant: TenantTokens.Builder.tenantListener, TokenStatus. */
class TenantListenerTest {
  private final FakeTokenServer server = new FakeTokenServer();
  private final List<TenantTokens> opened = new ArrayList<>();

  @BeforeEach
  void start() {
    server.start();
    for (String t : List.of("a", "b")) {
      server.client("id-" + t, "secret-" + t);
    }
  }

  @AfterEach
  void stop() {
    opened.forEach(TenantTokens::close);
    server.close();
  }

  private TenantTokens open(TenantTokens.Builder b) {
    TenantTokens tokens = b.build();
    opened.add(tokens);
    return tokens;
  }

  private TenantTokens.Builder builder() {
    return TenantTokens.builder()
        .baseUrl(server.baseUrl())
        .credentials(t -> TenantCredentials.clientSecret("id-" + t, "secret-" + t));
  }

  /** Records "tenant:event" and the thread each ran on; counts down on each fetch's end. */
  private static final class PerTenant implements OAuthClientListener {
    final String tenant;
    final List<String> log;
    final List<String> threads;
    final CountDownLatch ended;

    PerTenant(String tenant, List<String> log, List<String> threads, CountDownLatch ended) {
      this.tenant = tenant;
      this.log = log;
      this.threads = threads;
      this.ended = ended;
    }

    @Override
    public void onTokenObtained(TokenObtained event) {
      log.add(tenant + ":obtained");
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void onFetchEnded(FetchEnded event) {
      log.add(tenant + ":ended");
      threads.add(Thread.currentThread().getName());
      ended.countDown();
    }
  }

  @Test
  void tenantListener_getsItsOwnTenantsEvents_madeOncePerTenant_onTheEventThread()
      throws Exception {
    Map<String, AtomicInteger> made = new ConcurrentHashMap<>();
    List<String> factoryThreads = new CopyOnWriteArrayList<>();
    List<String> log = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    CountDownLatch ended = new CountDownLatch(3);
    AtomicInteger aggregated = new AtomicInteger();
    TenantTokens tokens =
        open(
            builder()
                .listener(
                    new OAuthClientListener() {
                      @Override
                      public void onFetchEnded(FetchEnded event) {
                        aggregated.incrementAndGet();
                      }
                    })
                .tenantListener(
                    tenant -> {
                      made.computeIfAbsent(tenant, k -> new AtomicInteger()).incrementAndGet();
                      factoryThreads.add(Thread.currentThread().getName());
                      return new PerTenant(tenant, log, threads, ended);
                    }));

    AccessToken a = tokens.getToken("a");
    tokens.getToken("b");
    tokens.invalidate("a", a);
    tokens.getToken("a");
    tokens.getToken("a"); // a hit: no event

    assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(made.get("a")).hasValue(1);
    assertThat(made.get("b")).hasValue(1);
    assertThat(log.stream().filter(e -> e.startsWith("a:")))
        .containsExactly("a:obtained", "a:ended", "a:obtained", "a:ended");
    assertThat(log.stream().filter(e -> e.startsWith("b:")))
        .containsExactly("b:obtained", "b:ended");
    assertThat(factoryThreads).allMatch(n -> n.startsWith("tokenapi-events-"));
    assertThat(threads).allMatch(n -> n.startsWith("tokenapi-events-"));
    assertThat(aggregated).hasValue(3);
  }

  @Test
  void aFactoryThatThrowsOrReturnsNull_costsThatTenantItsListenerOnly() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    CountDownLatch ended = new CountDownLatch(1);
    TenantTokens tokens =
        open(
            builder()
                .tenantListener(
                    tenant -> {
                      if (tenant.equals("a")) {
                        throw new IllegalStateException("secret-a must not be logged");
                      }
                      if (tenant.equals("none")) {
                        return null;
                      }
                      return new PerTenant(tenant, log, threads, ended);
                    }));
    server.client("id-none", "secret-none");

    assertThat(tokens.getToken("a")).isNotNull();
    assertThat(tokens.getToken("none")).isNotNull();
    assertThat(tokens.getToken("b")).isNotNull();

    assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(log).containsExactly("b:obtained", "b:ended");
  }

  @Test
  void aFactoryThatBlocks_delaysNoToken_andCloseStillReturns() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch inFactory = new CountDownLatch(1);
    TenantTokens tokens =
        builder()
            .tenantListener(
                tenant -> {
                  inFactory.countDown();
                  try {
                    never.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return null;
                })
            .build();
    try {
      assertThat(tokens.getToken("a")).isNotNull();
      assertThat(inFactory.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(tokens.getToken("b")).isNotNull(); // its events queue behind the blocked one
      long start = System.nanoTime();
      tokens.close();
      // Bounded by ListenerDispatcher's drain, then the event thread is interrupted.
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .isLessThan(ListenerDispatcher.CLOSE_DRAIN_MILLIS + 5_000);
    } finally {
      never.countDown();
      tokens.close();
    }
  }

  @Test
  void status_namesItsTenant_andItsToStringEscapesAndBoundsIt() {
    TenantTokens tokens = open(builder());
    tokens.getToken("a");

    assertThat(tokens.status("a").tenant()).contains("a");
    assertThat(tokens.status("a").toString()).startsWith("TokenStatus[tenant='a', state=FRESH");
    assertThat(tokens.status("never-used").tenant()).contains("never-used");

    String forged = "x\nINFO forged line\u202e";
    TokenStatus s = tokens.status(forged);
    assertThat(s.tenant()).contains(forged);
    assertThat(s.toString()).doesNotContain("\n").doesNotContain("\u202e").contains("x\\n");
    String huge = "t".repeat(10_000);
    assertThat(tokens.status(huge).toString()).hasSizeLessThan(400);
  }

  @Test
  void anOAuthClientsStatus_namesNoTenant() {
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.baseUrl())
            .clientId("id-a")
            .clientSecret("secret-a")
            .build()) {
      assertThat(client.status().tenant()).isEmpty();
      assertThat(client.status().toString()).startsWith("TokenStatus[state=");
    }
  }

  @Test
  void tenantListener_null_isRefusedNamingTheSetter() {
    assertThatThrownBy(() -> TenantTokens.builder().tenantListener(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tenantListener == null");
  }
}
