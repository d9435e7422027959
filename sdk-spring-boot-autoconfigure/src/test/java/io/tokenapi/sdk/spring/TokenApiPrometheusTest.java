package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.ServiceUnavailableException;
import io.tokenapi.testkit.FakeTokenServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * {@code /actuator/prometheus} over HTTP on a real server, with Boot's ObservationRegistry (which
 * turns Observations into timers): each fact is one meter family, the SDK's documented one.
 */
@SpringBootTest(
    classes = TokenApiPrometheusTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "tokenapi.client.client-id=" + TokenApiPrometheusTest.CLIENT_ID,
      "tokenapi.client.retry.initial-backoff=1ms",
      "tokenapi.client.retry.max-backoff=1ms",
      "management.endpoints.web.exposure.include=health,prometheus"
    })
class TokenApiPrometheusTest {
  static final String CLIENT_ID = "prom-client";
  static final String SECRET = "prom-secret-4c90d1";
  static final FakeTokenServer TOKENS =
      new FakeTokenServer().credentials(CLIENT_ID, SECRET).start();

  /** The Observations the application's handlers saw: tracing still gets them. */
  static final Queue<String> OBSERVED = new ConcurrentLinkedQueue<>();

  private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (tokenapi_\\S+) (\\S+)$");

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
    /** Stands for a tracing handler. */
    @Bean
    ObservationHandler<Observation.Context> recordingHandler() {
      return new ObservationHandler<>() {
        @Override
        public void onStart(Observation.Context context) {
          OBSERVED.add(context.getName());
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
          return true;
        }
      };
    }
  }

  @LocalServerPort int port;
  @Autowired OAuthClient client;
  @Autowired ObservationRegistry observations;

  @Test
  void withAnObservationRegistry_eachFactIsOneMeterFamily() throws Exception {
    assertThat(observations.isNoop()).isFalse();
    TOKENS.enqueueServerError(); // a failed attempt, then a retry that succeeds
    client.getToken();
    client.invalidate();
    TOKENS.enqueueClosedUntil(Instant.now().plus(8, ChronoUnit.HOURS));
    assertThatThrownBy(client::getToken).isInstanceOf(ServiceUnavailableException.class);

    HttpResponse<String> scrape =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.statusCode()).isEqualTo(200);
    Map<String, String> families = new TreeMap<>();
    Matcher m = TYPE.matcher(scrape.body());
    while (m.find()) {
      families.put(m.group(1), m.group(2));
    }

    // The timers: one family per fact (a fetch, an attempt, a wait for reopening).
    assertThat(
            families.entrySet().stream()
                .filter(e -> e.getValue().equals("summary") || e.getValue().equals("histogram"))
                .map(Map.Entry::getKey))
        .as(families.toString())
        .containsExactlyInAnyOrder(
            "tokenapi_token_requests_seconds",
            "tokenapi_token_attempts_seconds",
            "tokenapi_token_reopening_wait_seconds");
    // Nothing derived from the Observations: no second timer, no active timer, no event counter.
    assertThat(families.keySet())
        .noneMatch(n -> n.startsWith("tokenapi_token_fetch"))
        .noneMatch(n -> n.startsWith("tokenapi_token_attempt_"))
        .contains(
            "tokenapi_token_retries_total",
            "tokenapi_token_state",
            "tokenapi_token_time_to_expiry_seconds",
            "tokenapi_token_consecutive_failures",
            "tokenapi_token_store_events_total");
    assertThat(scrape.body())
        .contains("tokenapi_token_requests_seconds_count{client_name=\"default\"")
        .contains("outcome=\"failure\"")
        .doesNotContain(SECRET)
        .doesNotContain(CLIENT_ID);
    for (String token : TOKENS.issuedTokens()) {
      assertThat(scrape.body()).doesNotContain(token);
    }
    // The Observations still happen, for tracing.
    assertThat(OBSERVED).contains("tokenapi.token.fetch", "tokenapi.token.attempt");
  }
}
