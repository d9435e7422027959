package io.tokenapi.sdk.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.tokenapi.sdk.ConflictException;
import io.tokenapi.sdk.InMemoryTokenStore;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.testkit.FakeTokenServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real client against the fake token server, bound to a registry and Observations. */
@Timeout(30)
class TokenClientMetricsEndToEndTest {
  private final FakeTokenServer server = new FakeTokenServer().start();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TestObservationRegistry observations = TestObservationRegistry.create();
  private final List<String> observationEvents = new CopyOnWriteArrayList<>();
  private final List<OAuthClient> clients = new ArrayList<>();

  TokenClientMetricsEndToEndTest() {
    observations
        .observationConfig()
        .observationHandler(
            new ObservationHandler<>() {
              @Override
              public void onEvent(Observation.Event event, Observation.Context context) {
                observationEvents.add(event.getName() + " " + event.getContextualName());
              }

              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }
            });
  }

  @AfterEach
  void close() {
    clients.forEach(OAuthClient::close);
    server.close();
  }

  private OAuthClient client(String name, OAuthClient.Builder builder) {
    TokenClientMetrics metrics =
        TokenClientMetrics.builder(registry)
            .clientName(name)
            .observationRegistry(observations)
            .build();
    OAuthClient client =
        builder
            .baseUrl(server.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .listener(metrics)
            .build();
    metrics.bindTo(client);
    clients.add(client);
    return client;
  }

  private OAuthClient client() {
    return client(
        "payments",
        OAuthClient.builder()
            .retryPolicy(
                RetryPolicy.builder()
                    .initialBackoff(Duration.ofMillis(10))
                    .maxBackoff(Duration.ofMillis(20))
                    .build()));
  }

  private Timer requests(String outcome, String source, String statusClass, String error) {
    return registry
        .get(TokenClientMetrics.REQUESTS)
        .tags("client.name", "payments", "outcome", outcome, "source", source)
        .tags("status.class", statusClass, "error", error)
        .timer();
  }

  private double attempts(String outcome, String status) {
    return registry
        .get(TokenClientMetrics.ATTEMPTS)
        .tags("client.name", "payments", "outcome", outcome, "status", status)
        .timers()
        .stream()
        .mapToLong(Timer::count)
        .sum();
  }

  private double retries(String reason) {
    return registry
        .get(TokenClientMetrics.RETRIES)
        .tags("client.name", "payments", "reason", reason)
        .counter()
        .count();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags("client.name", "payments").tags(tags).gauge().value();
  }

  @Test
  void success_oneRequestFromTheProvider_oneAttempt_andAFreshState() {
    OAuthClient client = client();

    client.getToken();

    assertThat(requests("success", "provider", "2xx", "none").count()).isEqualTo(1);
    assertThat(attempts("success", "200")).isEqualTo(1);
    assertThat(gauge(TokenClientMetrics.STATE, "state", "fresh")).isEqualTo(1);
    assertThat(gauge(TokenClientMetrics.TIME_TO_EXPIRY)).isGreaterThan(3000);
    TestObservationRegistryAssert.assertThat(observations)
        .hasNumberOfObservationsWithNameEqualTo(TokenClientMetrics.FETCH_OBSERVATION, 1)
        .hasNumberOfObservationsWithNameEqualTo(TokenClientMetrics.ATTEMPT_OBSERVATION, 1)
        .hasObservationWithNameEqualTo(TokenClientMetrics.ATTEMPT_OBSERVATION)
        .that()
        .hasLowCardinalityKeyValue("status", "200")
        .hasHighCardinalityKeyValue("server.address", "127.0.0.1")
        .hasParentObservationContextMatching(
            parent -> parent.getName().equals(TokenClientMetrics.FETCH_OBSERVATION))
        .hasBeenStopped();
  }

  @Test
  void cacheHit_recordsNothing() {
    OAuthClient client = client();
    client.getToken();

    client.getToken();
    client.getToken();

    assertThat(requests("success", "provider", "2xx", "none").count()).isEqualTo(1);
    TestObservationRegistryAssert.assertThat(observations)
        .hasNumberOfObservationsWithNameEqualTo(TokenClientMetrics.FETCH_OBSERVATION, 1);
  }

  @Test
  void conflict_aFailedRequest_4xx_notRetried() {
    OAuthClient client = client();
    server.enqueueConflict();

    assertThatThrownBy(client::getToken).isInstanceOf(ConflictException.class);

    assertThat(requests("failure", "none", "4xx", "ConflictException").count()).isEqualTo(1);
    assertThat(attempts("http_error", "409")).isEqualTo(1);
    assertThat(retries("backoff") + retries("retry_after") + retries("working_hours")).isZero();
    TestObservationRegistryAssert.assertThat(observations)
        .hasObservationWithNameEqualTo(TokenClientMetrics.FETCH_OBSERVATION)
        .that()
        .hasLowCardinalityKeyValue("outcome", "failure")
        .hasError();
  }

  @Test
  void closedWithRetryAfter_waitsForTheReopening_andCountsIt() {
    OAuthClient client = client();
    server.enqueueClosed(Duration.ofSeconds(1));

    client.getToken();

    assertThat(retries("retry_after")).isEqualTo(1);
    Timer wait =
        registry
            .get(TokenClientMetrics.REOPENING_WAIT)
            .tags("client.name", "payments", "reason", "retry_after")
            .timer();
    assertThat(wait.count()).isEqualTo(1);
    assertThat(wait.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isBetween(900.0, 1100.0);
    assertThat(attempts("http_error", "503")).isEqualTo(1);
    assertThat(attempts("success", "200")).isEqualTo(1);
    assertThat(requests("success", "provider", "2xx", "none").count()).isEqualTo(1);
    TestObservationRegistryAssert.assertThat(observations)
        .hasNumberOfObservationsWithNameEqualTo(TokenClientMetrics.ATTEMPT_OBSERVATION, 2);
    assertThat(observationEvents)
        .anyMatch(
            e ->
                e.matches(
                    "retry retry in (0\\.9|1\\.0)\\d* s \\(retry_after\\) after attempt 1: .*"));
  }

  @Test
  void transportFailure_isRetriedWithBackoff() {
    OAuthClient client = client();
    server.enqueueDisconnect();

    client.getToken();

    assertThat(attempts("transport_error", "none")).isEqualTo(1);
    assertThat(retries("backoff")).isEqualTo(1);
    assertThat(requests("success", "provider", "2xx", "none").count()).isEqualTo(1);
  }

  @Test
  void storeHit_theSecondClientGetsTheFirstOnesToken_fromTheStore() {
    InMemoryTokenStore store = new InMemoryTokenStore();
    OAuthClient first = client("first", OAuthClient.builder().tokenStore(store));
    OAuthClient second = client("payments", OAuthClient.builder().tokenStore(store));

    first.getToken();
    second.getToken();

    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(requests("success", "store", "none", "none").count()).isEqualTo(1);
    assertThat(
            registry
                .get(TokenClientMetrics.STORE_EVENTS)
                .tags("client.name", "payments", "kind", "hit")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(registry.find(TokenClientMetrics.ATTEMPTS).tag("client.name", "payments").timers())
        .isEmpty();
  }

  @Test
  void noTagKeyValueOrEvent_carriesTheSecretATokenOrTheClientId() {
    OAuthClient client = client();
    // A server that echoes the secret in its error code and text: the core redacts both.
    String secret = FakeTokenServer.DEFAULT_CLIENT_SECRET;
    server
        .enqueueConflict()
        .enqueueError(401, secret, "unknown secret " + secret)
        .enqueueClosed(Duration.ofSeconds(1))
        .enqueueDisconnect();
    assertThatThrownBy(client::getToken).isInstanceOf(ConflictException.class);
    // refresh(): a getToken() right after a failure gets that failure again, without a request.
    assertThatThrownBy(client::refresh).isInstanceOf(io.tokenapi.sdk.ApiException.class);
    client.refresh();
    client.refresh();
    assertThat(server.requestCount()).isEqualTo(6);
    InMemoryTokenStore store = new InMemoryTokenStore();
    client("store-a", OAuthClient.builder().tokenStore(store)).getToken();
    client("store-b", OAuthClient.builder().tokenStore(store)).getToken();

    List<String> texts = new ArrayList<>(observationEvents);
    for (Meter meter : registry.getMeters()) {
      texts.add(meter.getId().getName());
      for (Tag tag : meter.getId().getTags()) {
        texts.add(tag.getKey() + "=" + tag.getValue());
      }
    }
    TestObservationRegistryAssert.assertThat(observations)
        .hasHandledContextsThatSatisfy(
            contexts -> {
              for (Observation.Context c : contexts) {
                texts.add(c.getName() + " " + c.getContextualName());
                c.getAllKeyValues().forEach(kv -> texts.add(kv.getKey() + "=" + kv.getValue()));
                if (c.getError() != null) {
                  texts.add(c.getError().toString());
                }
              }
            });
    assertThat(server.issuedTokens()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(texts).hasSizeGreaterThan(50);
    for (String text : texts) {
      assertThat(text)
          .doesNotContain(FakeTokenServer.DEFAULT_CLIENT_SECRET)
          .doesNotContain(FakeTokenServer.DEFAULT_CLIENT_ID);
      for (String token : server.issuedTokens()) {
        assertThat(text).doesNotContain(token);
      }
    }
  }

  @Test
  void closedPastMaxWait_theGaugesShowClosedUntil_andOneFailure() {
    OAuthClient client = client("payments", OAuthClient.builder().retryPolicy(RetryPolicy.none()));
    server.enqueueClosed(Duration.ofHours(1));

    assertThatThrownBy(client::getToken)
        .isInstanceOf(io.tokenapi.sdk.ServiceUnavailableException.class);

    assertThat(gauge(TokenClientMetrics.STATE, "state", "closed_until")).isEqualTo(1);
    assertThat(gauge(TokenClientMetrics.STATE, "state", "fresh")).isZero();
    assertThat(gauge(TokenClientMetrics.CONSECUTIVE_FAILURES)).isEqualTo(1);
    assertThat(gauge(TokenClientMetrics.TIME_TO_EXPIRY)).isZero();
    assertThat(requests("failure", "none", "5xx", "ServiceUnavailableException").count())
        .isEqualTo(1);
  }
}
