package io.tokenapi.sdk.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.observation.transport.RequestReplySenderContext;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthClientListener.AttemptStarted;
import io.tokenapi.sdk.OAuthClientListener.ClosingCoverage;
import io.tokenapi.sdk.OAuthClientListener.FetchStarted;
import io.tokenapi.sdk.listenerscenarios.Scenarios;
import io.tokenapi.testkit.FakeTokenServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The listener fed events directly, as the client fires them. */
class TokenClientMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TestObservationRegistry observations = TestObservationRegistry.create();
  private final TokenClientMetrics metrics =
      TokenClientMetrics.builder(registry)
          .clientName("payments")
          .tags(Tags.of("region", "eu"))
          .observationRegistry(observations)
          .build();

  private Timer requests(String outcome, String source, String statusClass, String error) {
    return registry
        .get(TokenClientMetrics.REQUESTS)
        .tags("client.name", "payments", "region", "eu")
        .tags("outcome", outcome, "source", source, "status.class", statusClass, "error", error)
        .timer();
  }

  private Timer attempts(String outcome, String status, String error) {
    return registry
        .get(TokenClientMetrics.ATTEMPTS)
        .tags("client.name", "payments", "outcome", outcome, "status", status, "error", error)
        .timer();
  }

  private double retries(String reason) {
    return registry.get(TokenClientMetrics.RETRIES).tag("reason", reason).counter().count();
  }

  @Test
  void success_recordsOneRequestAndOneAttempt_fromTheProvider() {
    Scenarios.success(metrics, 1);

    Timer request = requests("success", "provider", "2xx", "none");
    assertThat(request.count()).isEqualTo(1);
    assertThat(request.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(45);
    assertThat(attempts("success", "200", "none").count()).isEqualTo(1);
    assertThat(registry.get(TokenClientMetrics.REQUESTS).timers()).hasSize(1);
  }

  @Test
  void conflict_recordsAFailedRequest_with4xxAndTheExceptionType() {
    Scenarios.conflict(metrics, 1);

    assertThat(requests("failure", "none", "4xx", "ConflictException").count()).isEqualTo(1);
    assertThat(attempts("http_error", "409", "ConflictException").count()).isEqualTo(1);
    assertThat(retries("backoff") + retries("retry_after") + retries("working_hours")).isZero();
  }

  @Test
  void closedWithRetryAfter_countsTheRetry_andTheWaitForReopening() {
    Scenarios.closedThenOpen(metrics, 1);

    assertThat(retries("retry_after")).isEqualTo(1);
    assertThat(retries("backoff")).isZero();
    Timer wait =
        registry.get(TokenClientMetrics.REOPENING_WAIT).tag("reason", "retry_after").timer();
    assertThat(wait.count()).isEqualTo(1);
    assertThat(wait.totalTime(TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(attempts("http_error", "503", "ServiceUnavailableException").count()).isEqualTo(1);
    assertThat(attempts("success", "200", "none").count()).isEqualTo(1);
    assertThat(requests("success", "provider", "2xx", "none").totalTime(TimeUnit.MILLISECONDS))
        .isEqualTo(2050);
  }

  @Test
  void transportFailure_backsOff_andRecordsNoReopeningWait() {
    Scenarios.transportFailure(metrics, 1);

    assertThat(retries("backoff")).isEqualTo(1);
    assertThat(registry.get(TokenClientMetrics.REOPENING_WAIT).timers())
        .allSatisfy(t -> assertThat(t.count()).isZero());
    assertThat(attempts("transport_error", "none", "SocketTimeoutException").count()).isEqualTo(2);
    assertThat(requests("failure", "none", "none", "TransportException").count()).isEqualTo(1);
  }

  @Test
  void storeHit_recordsARequestFromTheStore_andCountsTheHit() {
    Scenarios.storeHit(metrics, 1);

    assertThat(requests("success", "store", "none", "none").count()).isEqualTo(1);
    assertThat(registry.find(TokenClientMetrics.ATTEMPTS).timers()).isEmpty();
    assertThat(registry.get(TokenClientMetrics.STORE_EVENTS).tag("kind", "hit").counter().count())
        .isEqualTo(1);
    assertThat(
            registry.get(TokenClientMetrics.STORE_EVENTS).tag("kind", "fallback").counter().count())
        .isZero();
  }

  @Test
  void countersByReasonAndKind_existAtZero_beforeAnyEvent() {
    assertThat(registry.get(TokenClientMetrics.RETRIES).counters())
        .extracting(c -> c.getId().getTag("reason"))
        .containsExactlyInAnyOrder("backoff", "retry_after", "working_hours");
    assertThat(registry.get(TokenClientMetrics.STORE_EVENTS).counters())
        .extracting(c -> c.getId().getTag("kind"))
        .containsExactlyInAnyOrder(
            "hit", "miss", "lock_taken", "lock_waited", "lock_renewed", "fallback");
    assertThat(registry.get(TokenClientMetrics.CLOSING_UNCOVERED).gauge().value()).isZero();
  }

  @Test
  void closingCoverage_setsTheUncoveredGauge() {
    metrics.onClosingCoverage(
        new ClosingCoverage(
            Scenarios.NOW,
            Scenarios.NOW.plusSeconds(3600),
            Scenarios.NOW.plusSeconds(600),
            Duration.ofSeconds(3000)));

    assertThat(registry.get(TokenClientMetrics.CLOSING_UNCOVERED).gauge().value()).isEqualTo(3000);
  }

  @Test
  void everyMeter_carriesTheClientNameAndExtraTags() {
    Scenarios.closedThenOpen(metrics, 1);
    Scenarios.storeHit(metrics, 2);

    assertThat(registry.getMeters())
        .isNotEmpty()
        .allSatisfy(
            m ->
                assertThat(m.getId().getTags())
                    .contains(Tag.of("client.name", "payments"), Tag.of("region", "eu")));
  }

  @Test
  void observations_aFetchWithOneChildPerAttempt_andTheAttemptIsCurrentWhileSending() {
    List<Observation> currentWhileSending = new ArrayList<>();
    metrics.onFetchStarted(new FetchStarted(7, false, Scenarios.NOW));
    AttemptStarted started = new AttemptStarted(7, 1, true, "POST", "127.0.0.1", 8443);
    metrics.onAttemptStarted(started);
    metrics.aroundAttempt(
        started, () -> currentWhileSending.add(observations.getCurrentObservation()));
    assertThat(observations.getCurrentObservation()).as("scope closed after send").isNull();
    metrics.onAttemptEnded(
        new io.tokenapi.sdk.OAuthClientListener.AttemptEnded(
            7,
            1,
            true,
            Duration.ofMillis(5),
            io.tokenapi.sdk.OAuthClientListener.AttemptOutcome.SUCCESS,
            200,
            null));
    metrics.onFetchEnded(
        new io.tokenapi.sdk.OAuthClientListener.FetchEnded(7, 1, Duration.ofMillis(6), null));

    assertThat(currentWhileSending).hasSize(1);
    Observation.Context attemptContext = currentWhileSending.get(0).getContext();
    assertThat(attemptContext.getName()).isEqualTo(TokenClientMetrics.ATTEMPT_OBSERVATION);
    assertThat(attemptContext).isInstanceOf(RequestReplySenderContext.class);
    assertThat(attemptContext.getParentObservation().getContextView().getName())
        .isEqualTo(TokenClientMetrics.FETCH_OBSERVATION);
    TestObservationRegistryAssert.assertThat(observations)
        .hasNumberOfObservationsWithNameEqualTo(TokenClientMetrics.FETCH_OBSERVATION, 1)
        .hasNumberOfObservationsWithNameEqualTo(TokenClientMetrics.ATTEMPT_OBSERVATION, 1)
        .hasObservationWithNameEqualTo(TokenClientMetrics.ATTEMPT_OBSERVATION)
        .that()
        .hasContextualNameEqualTo("http post")
        .hasLowCardinalityKeyValue("client.name", "payments")
        .hasLowCardinalityKeyValue("method", "POST")
        .hasLowCardinalityKeyValue("outcome", "success")
        .hasLowCardinalityKeyValue("status", "200")
        .hasHighCardinalityKeyValue("server.address", "127.0.0.1")
        .hasHighCardinalityKeyValue("server.port", "8443")
        .hasBeenStarted()
        .hasBeenStopped();
  }

  @Test
  void denyObservationMeters_keepsTheMetersAHandlerDerives_outOfTheRegistry() {
    for (boolean filtered : new boolean[] {false, true}) {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      if (filtered) {
        meters.config().meterFilter(TokenClientMetrics.denyObservationMeters());
      }
      ObservationRegistry observed = ObservationRegistry.create();
      observed.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
      Scenarios.closedThenOpen(
          TokenClientMetrics.builder(meters).observationRegistry(observed).build(), 1);

      List<String> names = meters.getMeters().stream().map(m -> m.getId().getName()).toList();
      assertThat(names).contains(TokenClientMetrics.REQUESTS, TokenClientMetrics.ATTEMPTS);
      if (filtered) {
        assertThat(names).noneMatch(TokenClientMetrics::isObservationMeter);
      } else {
        // What Spring Boot's handler makes of the Observations: the same facts, timed again.
        assertThat(names)
            .contains(
                TokenClientMetrics.FETCH_OBSERVATION,
                TokenClientMetrics.ATTEMPT_OBSERVATION,
                TokenClientMetrics.FETCH_OBSERVATION + ".active");
      }
    }
    assertThat(TokenClientMetrics.isObservationMeter(TokenClientMetrics.ATTEMPTS)).isFalse();
    assertThat(TokenClientMetrics.isObservationMeter("tokenapi.token.fetch.retry")).isTrue();
  }

  @Test
  void observations_closedThenOpen_twoAttempts_aRetryEvent_andASuccessfulFetch() {
    List<String> events = new ArrayList<>();
    observations
        .observationConfig()
        .observationHandler(
            new ObservationHandler<>() {
              @Override
              public void onEvent(Observation.Event event, Observation.Context context) {
                events.add(context.getName() + ": " + event.getContextualName());
              }

              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }
            });

    Scenarios.closedThenOpen(metrics, 1);

    TestObservationRegistryAssert.assertThat(observations)
        .hasNumberOfObservationsWithNameEqualTo(TokenClientMetrics.ATTEMPT_OBSERVATION, 2)
        .hasObservationWithNameEqualTo(TokenClientMetrics.FETCH_OBSERVATION)
        .that()
        .hasLowCardinalityKeyValue("outcome", "success")
        .hasLowCardinalityKeyValue("source", "provider")
        .hasLowCardinalityKeyValue("status.class", "2xx")
        .hasHighCardinalityKeyValue("attempts", "2")
        .doesNotHaveError()
        .hasBeenStopped();
    TestObservationRegistryAssert.assertThat(observations)
        .hasAnObservation(
            o ->
                o.hasNameEqualTo(TokenClientMetrics.ATTEMPT_OBSERVATION)
                    .hasLowCardinalityKeyValue("status", "503")
                    .hasLowCardinalityKeyValue("error", "ServiceUnavailableException")
                    .hasError());
    assertThat(events)
        .containsExactly(
            "tokenapi.token.fetch: retry in 2.000 s (retry_after) after attempt 1:"
                + " ServiceUnavailableException",
            "tokenapi.token.fetch: token obtained from provider");
  }

  @Test
  void observations_aFailedFetch_carriesTheSummaryNotTheMessage() {
    Scenarios.conflict(metrics, 1);

    TestObservationRegistryAssert.assertThat(observations)
        .hasObservationWithNameEqualTo(TokenClientMetrics.FETCH_OBSERVATION)
        .that()
        .hasLowCardinalityKeyValue("outcome", "failure")
        .hasLowCardinalityKeyValue("error", "ConflictException")
        .assertThatError()
        .hasMessage("ConflictException status=409 code=CONFLICT errorId=e-409");
  }

  @Test
  void withoutAnObservationRegistry_metricsStillRecord_andNoFetchStaysOpen() {
    TokenClientMetrics plain = TokenClientMetrics.builder(registry).build();
    Scenarios.closedThenOpen(plain, 1);
    Scenarios.storeHit(plain, 2);

    assertThat(
            registry
                .get(TokenClientMetrics.REQUESTS)
                .tags("client.name", TokenClientMetrics.DEFAULT_CLIENT_NAME)
                .timers())
        .hasSize(2);
  }

  @Test
  void bindTo_registersStatusGauges_thatFollowTheClient() {
    try (FakeTokenServer server = new FakeTokenServer().start();
        OAuthClient client =
            OAuthClient.builder()
                .baseUrl(server.baseUrl())
                .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
                .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
                .listener(metrics)
                .build()) {
      metrics.bindTo(client);
      assertThat(state("expired")).isEqualTo(1);
      assertThat(state("fresh")).isZero();
      assertThat(registry.get(TokenClientMetrics.TIME_TO_EXPIRY).gauge().value()).isZero();

      client.getToken();

      assertThat(state("fresh")).isEqualTo(1);
      assertThat(state("expired")).isZero();
      assertThat(registry.get(TokenClientMetrics.TIME_TO_EXPIRY).gauge().value())
          .isCloseTo(3600, within(60.0));
      assertThat(registry.get(TokenClientMetrics.TIME_TO_EXPIRY).gauge().getId().getBaseUnit())
          .isEqualTo("seconds");
      assertThat(registry.get(TokenClientMetrics.STALE_SERVED).functionCounter().count()).isZero();
      assertThat(registry.get(TokenClientMetrics.CONSECUTIVE_FAILURES).gauge().value()).isZero();
      assertThat(registry.get(TokenClientMetrics.STATE).gauges()).hasSize(5);
    }
  }

  private double state(String state) {
    return registry.get(TokenClientMetrics.STATE).tag("state", state).gauge().value();
  }

  @Test
  void close_removesEveryMeter_andLaterEventsRecordNothing() {
    Scenarios.success(metrics, 1);
    assertThat(registry.getMeters()).isNotEmpty();

    metrics.close();
    Scenarios.success(metrics, 2);

    assertThat(registry.getMeters()).extracting(Meter::getId).isEmpty();
    assertThatThrownBy(() -> metrics.bindTo(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void bindTo_secondClient_isRefused() {
    try (FakeTokenServer server = new FakeTokenServer().start();
        OAuthClient client =
            OAuthClient.builder()
                .baseUrl(server.baseUrl())
                .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
                .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
                .build()) {
      metrics.bindTo(client);

      assertThatThrownBy(() -> metrics.bindTo(client))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("one per OAuthClient");
    }
  }

  @Test
  void builder_rejectsNullsAndABlankName_namingTheArgument() {
    assertThatThrownBy(() -> TokenClientMetrics.builder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("registry == null");
    TokenClientMetrics.Builder builder = TokenClientMetrics.builder(registry);
    assertThatThrownBy(() -> builder.clientName(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clientName is blank");
    assertThatThrownBy(() -> builder.clientName(null)).hasMessage("clientName == null");
    assertThatThrownBy(() -> builder.observationRegistry(null))
        .hasMessage("observationRegistry == null");
    assertThatThrownBy(() -> builder.tags(null)).hasMessage("tags == null");
    assertThatThrownBy(() -> builder.clock(null)).hasMessage("clock == null");
  }

  @Test
  void aFailedFetch_boundsTheServersCodeAndErrorId_inTheSummary() {
    io.tokenapi.sdk.ConflictException hostile =
        new io.tokenapi.sdk.ConflictException(
            "409",
            new io.tokenapi.sdk.ApiError("id\n" + "x".repeat(500), "C\u0000D", null, null, null));

    assertThat(FailureSummary.of(hostile).getMessage())
        .isEqualTo("ConflictException status=409 code=C?D errorId=id?" + "x".repeat(61));
  }
}
