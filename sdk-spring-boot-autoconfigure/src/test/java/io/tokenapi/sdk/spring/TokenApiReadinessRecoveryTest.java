package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.ServiceUnavailableException;
import io.tokenapi.sdk.TokenStatus;
import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Readiness that includes tokenapi (the documented opt-in) must come back by itself. An instance
 * out of the load balancer gets no requests, so nothing calls {@code getToken()}: a health check
 * that only reads the last state would keep it out for good. Here the provider's announced
 * reopening passes before any request (a quiet night), which turns the state FAILING by time alone
 * on every instance at once.
 */
@SpringBootTest(
    classes = TokenApiReadinessRecoveryTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "tokenapi.client.client-id=" + TokenApiReadinessRecoveryTest.CLIENT_ID,
      "management.health.redis.enabled=false",
      "management.endpoint.health.probes.enabled=true",
      "management.endpoint.health.group.readiness.include=readinessState,tokenapi",
      "management.endpoint.health.group.readiness.show-details=always"
    })
class TokenApiReadinessRecoveryTest {
  static final String CLIENT_ID = "recovery-client";
  static final String SECRET = "recovery-secret-5c19e2";
  static final FakeTokenServer TOKENS =
      new FakeTokenServer().credentials(CLIENT_ID, SECRET).start();
  static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private static final HttpClient PLAIN = HttpClient.newHttpClient();

  @DynamicPropertySource
  static void tokenServer(DynamicPropertyRegistry registry) {
    registry.add("tokenapi.client.base-url", TOKENS::baseUrl);
    registry.add("tokenapi.client.client-secret", () -> SECRET);
  }

  @AfterAll
  static void stopTokenServer() {
    TOKENS.close();
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    OAuthClientBuilderCustomizer testClock() {
      return (name, builder) -> builder.clock(CLOCK);
    }
  }

  @LocalServerPort int port;
  @Autowired OAuthClient client;

  @Test
  void afterTheAnnouncedReopening_withNoTraffic_readinessComesBackOnItsOwn() throws Exception {
    Instant reopens = CLOCK.instant().plus(Duration.ofHours(8));
    TOKENS.enqueueClosedUntil(reopens);
    assertThatThrownBy(client::getToken).isInstanceOf(ServiceUnavailableException.class);
    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);

    // The night passes without a request; the provider is open again.
    CLOCK.set(reopens.plus(Duration.ofMinutes(1)));
    assertThat(client.status().state()).isEqualTo(TokenStatus.State.FAILING);

    // Only the readiness probe knocks. It may say 503 once, while the token it asked for comes.
    int status = get("/actuator/health/readiness").statusCode();
    for (int probe = 0; status != 200 && probe < 3; probe++) {
      awaitState(client, TokenStatus.State.FRESH, Duration.ofSeconds(5));
      status = get("/actuator/health/readiness").statusCode();
    }
    assertThat(status).as("readiness after the reopening, with no traffic").isEqualTo(200);
    assertThat(client.status().state()).isEqualTo(TokenStatus.State.FRESH);
  }

  /** Waits for a condition (the background fetch), bounded; never a fixed sleep. */
  private static void awaitState(OAuthClient client, TokenStatus.State state, Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (client.status().state() != state && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return PLAIN.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
