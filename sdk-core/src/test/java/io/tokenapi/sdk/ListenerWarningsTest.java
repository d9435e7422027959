package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.testkit.FakeTokenServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * A listener that throws on every event must not flood the log (issue 22, the log is bounded in
 * bytes too): at most one WARN per client a minute, the next one counting those left out. Found by
 * review: a tenant listener throwing in every callback logged one line per event, about 60,000
 * lines per refresh round at 10,000 tenants.
 */
class ListenerWarningsTest {
  private final FakeTokenServer server = new FakeTokenServer();

  @BeforeEach
  void start() {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Throws in every callback it has; counts the calls. */
  private static final class ThrowsEverywhere implements OAuthClientListener {
    final AtomicInteger calls = new AtomicInteger();

    private void boom() {
      calls.incrementAndGet();
      throw new IllegalStateException("a listener bug");
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
      boom();
    }

    @Override
    public void onStateChanged(StateChanged event) {
      boom();
    }
  }

  @Test
  void aClientsListenerThrowingOnEveryEvent_logsOneWarnNotOnePerEvent() throws Exception {
    server.credentials("id", "secret");
    ThrowsEverywhere listener = new ThrowsEverywhere();
    try (CapturingLogs logs = CapturingLogs.start();
        OAuthClient client =
            OAuthClient.builder()
                .baseUrl(server.baseUrl())
                .clientId("id")
                .clientSecret("secret")
                .listener(listener)
                .build()) {
      for (int i = 0; i < 20; i++) {
        client.refresh();
      }
      awaitCalls(listener, 20 * 5);
      assertThat(logs.messages(Level.WARN, "threw java.lang.IllegalStateException"))
          .as("WARNs for %s listener failures", listener.calls.get())
          .hasSize(1);
    }
  }

  @Test
  void tenantListenersThrowingOnEveryEvent_logOneWarnForAllTenants() throws Exception {
    server.credentials("any", "any");
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      tenants.add("t" + i);
      server.client("id-t" + i, "secret-t" + i);
    }
    ThrowsEverywhere listener = new ThrowsEverywhere();
    try (CapturingLogs logs = CapturingLogs.start();
        TenantTokens tokens =
            TenantTokens.builder()
                .baseUrl(server.baseUrl())
                .credentials(t -> TenantCredentials.clientSecret("id-" + t, "secret-" + t))
                .tenantListener(t -> listener)
                .build()) {
      CompletableFuture.allOf(
              tenants.stream().map(tokens::getTokenAsync).toArray(CompletableFuture[]::new))
          .get(20, TimeUnit.SECONDS);
      awaitCalls(listener, 50 * 5);
      assertThat(logs.messages(Level.WARN, "threw java.lang.IllegalStateException"))
          .as("WARNs for %s tenant listener failures", listener.calls.get())
          .hasSize(1);
    }
  }

  private static void awaitCalls(ThrowsEverywhere listener, int atLeast)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (listener.calls.get() < atLeast && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(listener.calls.get()).isGreaterThanOrEqualTo(atLeast);
  }
}
