package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.sdk.okhttp.BearerTokenInterceptor;
import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * A resource server that rejects every token (401) must not turn each API call into a token
 * request: each rejected token causes at most one renewal, and renewals after a rejection are
 * rate-limited by the client's clock.
 */
class RejectedTokenRenewalTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  @StartStop final MockWebServer resource = new MockWebServer();
  private final FakeTokenServer tokens = new FakeTokenServer();
  private final MutableClock clock = new MutableClock(NOW);
  private OAuthClient client;
  private OkHttpClient api;

  @BeforeEach
  void start() {
    tokens.start();
    client =
        OAuthClient.builder()
            .baseUrl(tokens.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .clock(clock)
            .retryPolicy(RetryPolicy.none())
            .build();
    api =
        new OkHttpClient.Builder()
            .addInterceptor(
                BearerTokenInterceptor.builder(client).allowHost(resource.getHostName()).build())
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    api.dispatcher().executorService().shutdown();
    api.connectionPool().evictAll();
    tokens.close();
  }

  private int call() throws IOException {
    try (Response response =
        api.newCall(new Request.Builder().url(resource.url("/accounts")).build()).execute()) {
      return response.code();
    }
  }

  private void rejectEverything(int times) {
    for (int i = 0; i < times; i++) {
      resource.enqueue(new MockResponse.Builder().code(401).body("no").build());
    }
  }

  @Test
  void resourceServerRejectingEveryToken_causesOneRenewalPerInterval() throws IOException {
    rejectEverything(100);
    try (CapturingLogs logs = CapturingLogs.start()) {
      for (int i = 0; i < 20; i++) {
        assertThat(call()).isEqualTo(401);
        clock.advance(Duration.ofSeconds(1));
      }
      // token 1, rejected; token 2 (its renewal), rejected too: kept, no more token requests
      assertThat(tokens.requestCount()).isEqualTo(2);
      assertThat(resource.getRequestCount()).isEqualTo(21);
      assertThat(logs.messages(Level.WARN))
          .filteredOn(m -> m.contains("reject every token"))
          .hasSize(1);
    }

    clock.advance(RejectionDamping.INTERVAL);
    assertThat(call()).isEqualTo(401);
    assertThat(tokens.requestCount()).as("one renewal once the interval has passed").isEqualTo(3);
    for (int i = 0; i < 10; i++) {
      assertThat(call()).isEqualTo(401);
    }
    assertThat(tokens.requestCount()).isEqualTo(3);
  }

  @Test
  void resourceServerRejectingOneRevokedToken_getsTheRenewal_andTheRetrySucceeds()
      throws IOException {
    resource.enqueue(new MockResponse.Builder().code(401).build());
    resource.enqueue(new MockResponse.Builder().body("ok").build());
    resource.enqueue(new MockResponse.Builder().body("ok").build());

    assertThat(call()).isEqualTo(200);
    assertThat(call()).isEqualTo(200);
    assertThat(tokens.requestCount()).isEqualTo(2);
  }

  @Test
  void aLaterRejection_afterTheInterval_isRenewedAgain() throws IOException {
    resource.enqueue(new MockResponse.Builder().code(401).build());
    resource.enqueue(new MockResponse.Builder().body("ok").build());
    assertThat(call()).isEqualTo(200);

    clock.advance(RejectionDamping.INTERVAL);
    resource.enqueue(new MockResponse.Builder().code(401).build());
    resource.enqueue(new MockResponse.Builder().body("ok").build());
    assertThat(call()).isEqualTo(200);
    assertThat(tokens.requestCount()).isEqualTo(3);
  }
}
