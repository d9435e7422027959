package io.tokenapi.sdk.virtualthreads;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.TokenStore;
import io.tokenapi.testkit.FakeTokenServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The virtual-thread run every module repeats with its own store: {@value #CALLERS} callers, one
 * virtual thread each, ask cold clients for a token while the server holds its answer; the answer
 * goes out once every caller is inside {@code getToken()}. Exactly one token request, every caller
 * gets that token, and no virtual thread is pinned. Shared through sdk-core's test-jar.
 */
public final class ColdClientScenario {
  /** Callers per run. */
  public static final int CALLERS = 10_000;

  /** Clients sharing a store in the store runs: the store's lock decides which one fetches. */
  public static final int CLIENTS_PER_STORE = 4;

  private ColdClientScenario() {}

  /**
   * {@value #CALLERS} virtual-thread callers on {@code clients} cold clients of {@code server},
   * spread evenly, all sharing {@code store} (null: one client, no store). Asserts one token
   * request, the token everywhere and no pinning; prints the figures.
   *
   * @param name what runs, for the log line
   * @param server the token server; its answers are held until every caller waits
   * @param clients how many clients
   * @param store the store they share, or null
   * @return the run's result
   * @throws Exception when the run fails
   */
  public static VirtualThreadRun.Result<String> run(
      String name, FakeTokenServer server, int clients, TokenStore store) throws Exception {
    List<OAuthClient> built = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      OAuthClient.Builder builder =
          OAuthClient.builder()
              .baseUrl(server.baseUrl())
              .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
              .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET);
      if (store != null) {
        builder.tokenStore(store);
      }
      built.add(builder.build());
    }
    CountDownLatch inside = new CountDownLatch(CALLERS);
    AtomicInteger next = new AtomicInteger();
    server.holdAnswers();
    VirtualThreadRun.Result<String> result;
    try {
      result =
          VirtualThreadRun.run(
              CALLERS,
              () -> {
                OAuthClient client = built.get(next.getAndIncrement() % clients);
                inside.countDown();
                return client.getToken().value();
              },
              () -> {
                server.awaitRequestCount(1);
                assertThat(inside.await(60, TimeUnit.SECONDS)).as("all callers started").isTrue();
                server.releaseAnswers();
                return null;
              });
    } finally {
      server.releaseAnswers();
      built.forEach(OAuthClient::close);
    }
    System.out.println(result.summary(name, server.requestCount()));
    assertOneRequestServedEveryone(result, server);
    assertNotPinned(result);
    return result;
  }

  /**
   * One token request, and every caller got the token it issued.
   *
   * @param result the run
   * @param server the token server
   */
  public static void assertOneRequestServedEveryone(
      VirtualThreadRun.Result<String> result, FakeTokenServer server) {
    assertThat(result.failures()).as("callers that failed").isEmpty();
    assertThat(server.requestCount()).as("token requests").isEqualTo(1);
    assertThat(result.values()).hasSize(CALLERS).containsOnly(server.lastIssuedToken());
  }

  /**
   * No {@code jdk.VirtualThreadPinned} event but the JDK's own, once per JVM (its socket pollers
   * starting, see {@link VirtualThreadRun.Result#unexplainedPinned()}). Asserted from JDK 24 on,
   * where a monitor no longer pins (JEP 491); on JDK 21 to 23 the events are printed with their
   * frames, not failed, since there a third-party {@code synchronized} on the caller's path pins by
   * design (see docs/virtual-threads.md).
   *
   * @param result the run
   */
  public static void assertNotPinned(VirtualThreadRun.Result<?> result) {
    result.pinned().forEach(System.out::println);
    result.monitorWaits().forEach(System.out::println);
    if (Runtime.version().feature() >= 24) {
      assertThat(result.unexplainedPinned()).as("pinned virtual threads").isEmpty();
    }
  }
}
