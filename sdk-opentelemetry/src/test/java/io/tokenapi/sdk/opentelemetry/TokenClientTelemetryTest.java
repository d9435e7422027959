package io.tokenapi.sdk.opentelemetry;

import static io.opentelemetry.api.common.AttributeKey.booleanKey;
import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthClientListener.AttemptEnded;
import io.tokenapi.sdk.OAuthClientListener.AttemptOutcome;
import io.tokenapi.sdk.OAuthClientListener.AttemptStarted;
import io.tokenapi.sdk.OAuthClientListener.ClosingCoverage;
import io.tokenapi.sdk.OAuthClientListener.FetchEnded;
import io.tokenapi.sdk.OAuthClientListener.FetchStarted;
import io.tokenapi.sdk.listenerscenarios.Scenarios;
import io.tokenapi.testkit.FakeTokenServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listener fed events directly, as the client fires them. */
class TokenClientTelemetryTest {
  private final TestTelemetry otel = new TestTelemetry();
  private final TokenClientTelemetry telemetry =
      TokenClientTelemetry.builder(otel.sdk).clientName("payments").build();

  @AfterEach
  void closeSdk() {
    otel.close();
  }

  private SpanData fetchSpan() {
    List<SpanData> fetches = otel.spansNamed(TokenClientTelemetry.FETCH_SPAN);
    assertThat(fetches).hasSize(1);
    return fetches.get(0);
  }

  private List<SpanData> attemptSpans() {
    return otel.spansNamed("POST");
  }

  private static List<PointData> points(Collection<MetricData> all, String name) {
    return TestTelemetry.points(TestTelemetry.metric(all, name).orElseThrow());
  }

  private static long sum(Collection<MetricData> all, String name, String key, String value) {
    return points(all, name).stream()
        .filter(p -> value.equals(p.getAttributes().get(stringKey(key))))
        .mapToLong(p -> ((LongPointData) p).getValue())
        .sum();
  }

  @Test
  void success_aFetchSpanWithOneClientAttemptSpan_andHttpAttributes() {
    Scenarios.success(telemetry, 1);

    SpanData fetch = fetchSpan();
    assertThat(fetch.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(fetch.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(fetch.getAttributes().get(stringKey("tokenapi.client.name"))).isEqualTo("payments");
    assertThat(fetch.getAttributes().get(stringKey("tokenapi.outcome"))).isEqualTo("success");
    assertThat(fetch.getAttributes().get(stringKey("tokenapi.token.source"))).isEqualTo("provider");
    assertThat(fetch.getAttributes().get(longKey("tokenapi.fetch.attempts"))).isEqualTo(1);
    assertThat(fetch.getAttributes().get(booleanKey("tokenapi.fetch.background"))).isFalse();
    assertThat(fetch.getEvents())
        .extracting(EventData::getName)
        .containsExactly(TokenClientTelemetry.OBTAINED_EVENT);

    assertThat(attemptSpans()).hasSize(1);
    SpanData attempt = attemptSpans().get(0);
    assertThat(attempt.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(attempt.getParentSpanId()).isEqualTo(fetch.getSpanId());
    assertThat(attempt.getTraceId()).isEqualTo(fetch.getTraceId());
    assertThat(attempt.getAttributes().get(stringKey("http.request.method"))).isEqualTo("POST");
    assertThat(attempt.getAttributes().get(stringKey("server.address"))).isEqualTo("127.0.0.1");
    assertThat(attempt.getAttributes().get(longKey("server.port"))).isEqualTo(8443);
    assertThat(attempt.getAttributes().get(longKey("http.response.status_code"))).isEqualTo(200);
    assertThat(attempt.getAttributes().get(stringKey("error.type"))).isNull();
    assertThat(attempt.getAttributes().get(longKey("http.request.resend_count"))).isNull();

    Collection<MetricData> all = otel.collect();
    HistogramPointData request =
        (HistogramPointData) points(all, TokenClientTelemetry.REQUEST_DURATION).get(0);
    assertThat(request.getCount()).isEqualTo(1);
    assertThat(request.getSum()).isCloseTo(0.045, within(1e-9));
    assertThat(request.getAttributes().get(longKey("http.response.status_code"))).isEqualTo(200);
    assertThat(TestTelemetry.metric(all, TokenClientTelemetry.REQUEST_DURATION).get().getUnit())
        .isEqualTo("s");
    HistogramPointData attemptDuration =
        (HistogramPointData) points(all, TokenClientTelemetry.ATTEMPT_DURATION).get(0);
    assertThat(attemptDuration.getAttributes().get(stringKey("server.address")))
        .isEqualTo("127.0.0.1");
    assertThat(attemptDuration.getAttributes().get(stringKey("tokenapi.outcome")))
        .isEqualTo("success");
  }

  @Test
  void conflict_marksBothSpansAsErrors_withTheStatusAsErrorType_andNoMessage() {
    Scenarios.conflict(telemetry, 1);

    SpanData fetch = fetchSpan();
    assertThat(fetch.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(fetch.getStatus().getDescription())
        .isEqualTo("ConflictException status=409 code=CONFLICT errorId=e-409");
    assertThat(fetch.getAttributes().get(stringKey("error.type")))
        .isEqualTo("io.tokenapi.sdk.ConflictException");
    SpanData attempt = attemptSpans().get(0);
    assertThat(attempt.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attempt.getAttributes().get(stringKey("error.type"))).isEqualTo("409");
    assertThat(attempt.getAttributes().get(longKey("http.response.status_code"))).isEqualTo(409);

    Collection<MetricData> all = otel.collect();
    assertThat(sum(all, TokenClientTelemetry.RETRIES, "tokenapi.retry.reason", "backoff")).isZero();
    PointData request = points(all, TokenClientTelemetry.REQUEST_DURATION).get(0);
    assertThat(request.getAttributes().get(stringKey("tokenapi.outcome"))).isEqualTo("failure");
    assertThat(request.getAttributes().get(longKey("http.response.status_code"))).isEqualTo(409);
  }

  @Test
  void closedWithRetryAfter_twoAttempts_aRetryEvent_andTheWaitForReopening() {
    Scenarios.closedThenOpen(telemetry, 1);

    SpanData fetch = fetchSpan();
    EventData retry = fetch.getEvents().get(0);
    assertThat(retry.getName()).isEqualTo(TokenClientTelemetry.RETRY_EVENT);
    assertThat(retry.getAttributes().get(stringKey("tokenapi.retry.reason")))
        .isEqualTo("retry_after");
    assertThat(retry.getAttributes().get(doubleKey("tokenapi.retry.delay"))).isEqualTo(2.0);
    assertThat(retry.getAttributes().get(longKey("tokenapi.attempt"))).isEqualTo(1);
    assertThat(retry.getAttributes().get(longKey("http.response.status_code"))).isEqualTo(503);
    assertThat(attemptSpans()).hasSize(2);
    assertThat(attemptSpans())
        .allSatisfy(a -> assertThat(a.getParentSpanId()).isEqualTo(fetch.getSpanId()));
    assertThat(attemptSpans())
        .extracting(a -> a.getAttributes().get(longKey("http.request.resend_count")))
        .containsExactly(null, 1L);

    Collection<MetricData> all = otel.collect();
    assertThat(sum(all, TokenClientTelemetry.RETRIES, "tokenapi.retry.reason", "retry_after"))
        .isEqualTo(1);
    HistogramPointData wait =
        (HistogramPointData) points(all, TokenClientTelemetry.REOPENING_WAIT_DURATION).get(0);
    assertThat(wait.getCount()).isEqualTo(1);
    assertThat(wait.getSum()).isEqualTo(2.0);
  }

  @Test
  void transportFailure_errorTypeIsTheExceptionType_andBackoffIsCounted() {
    Scenarios.transportFailure(telemetry, 1);

    assertThat(attemptSpans())
        .extracting(a -> a.getAttributes().get(stringKey("error.type")))
        .containsExactly("SocketTimeoutException", "SocketTimeoutException");
    assertThat(fetchSpan().getAttributes().get(booleanKey("tokenapi.fetch.background"))).isTrue();
    Collection<MetricData> all = otel.collect();
    assertThat(sum(all, TokenClientTelemetry.RETRIES, "tokenapi.retry.reason", "backoff"))
        .isEqualTo(1);
    assertThat(TestTelemetry.metric(all, TokenClientTelemetry.REOPENING_WAIT_DURATION)).isEmpty();
  }

  @Test
  void storeHit_noAttemptSpan_aStoreEvent_andSourceStore() {
    Scenarios.storeHit(telemetry, 1);

    SpanData fetch = fetchSpan();
    assertThat(attemptSpans()).isEmpty();
    assertThat(fetch.getAttributes().get(stringKey("tokenapi.token.source"))).isEqualTo("store");
    assertThat(fetch.getEvents().get(0).getName()).isEqualTo(TokenClientTelemetry.STORE_EVENT);
    assertThat(fetch.getEvents().get(0).getAttributes().get(stringKey("tokenapi.store.event")))
        .isEqualTo("hit");
    Collection<MetricData> all = otel.collect();
    assertThat(sum(all, TokenClientTelemetry.STORE_EVENTS, "tokenapi.store.event", "hit"))
        .isEqualTo(1);
    assertThat(sum(all, TokenClientTelemetry.STORE_EVENTS, "tokenapi.store.event", "fallback"))
        .isZero();
  }

  @Test
  void theFetchSpan_isAChildOfTheCallersSpan_andTheAttemptSpanIsCurrentWhileSending() {
    List<Span> currentWhileSending = new ArrayList<>();
    Span caller = otel.sdk.getTracer("test").spanBuilder("GET /payments").startSpan();
    Scope scope = caller.makeCurrent();
    try {
      telemetry.onFetchStarted(new FetchStarted(3, false, Scenarios.NOW));
    } finally {
      scope.close();
    }
    caller.end();
    AttemptStarted started = new AttemptStarted(3, 1, false, "POST", "127.0.0.1", 8443);
    telemetry.onAttemptStarted(started);
    telemetry.aroundAttempt(started, () -> currentWhileSending.add(Span.current()));
    assertThat(Span.current().getSpanContext().isValid()).as("scope closed after send").isFalse();
    telemetry.onAttemptEnded(
        new AttemptEnded(3, 1, false, Duration.ofMillis(4), AttemptOutcome.SUCCESS, 200, null));
    telemetry.onFetchEnded(new FetchEnded(3, 1, Duration.ofMillis(5), null));

    SpanData fetch = fetchSpan();
    assertThat(fetch.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
    SpanData attempt = attemptSpans().get(0);
    assertThat(currentWhileSending).hasSize(1);
    assertThat(currentWhileSending.get(0).getSpanContext().getSpanId())
        .isEqualTo(attempt.getSpanId());
  }

  @Test
  void countersByReasonAndKind_existAtZero_beforeAnyEvent() {
    Collection<MetricData> all = otel.collect();
    assertThat(points(all, TokenClientTelemetry.RETRIES))
        .extracting(p -> p.getAttributes().get(stringKey("tokenapi.retry.reason")))
        .containsExactlyInAnyOrder("backoff", "retry_after", "working_hours");
    assertThat(points(all, TokenClientTelemetry.STORE_EVENTS)).hasSize(6);
    assertThat(points(all, TokenClientTelemetry.CLOSING_UNCOVERED)).hasSize(1);
  }

  @Test
  void closingCoverage_setsTheUncoveredGauge() {
    telemetry.onClosingCoverage(
        new ClosingCoverage(
            Scenarios.NOW,
            Scenarios.NOW.plusSeconds(3600),
            Scenarios.NOW.plusSeconds(600),
            Duration.ofSeconds(3000)));

    PointData point = points(otel.collect(), TokenClientTelemetry.CLOSING_UNCOVERED).get(0);
    assertThat(((io.opentelemetry.sdk.metrics.data.DoublePointData) point).getValue())
        .isEqualTo(3000);
  }

  @Test
  void bindTo_observesTheClientsStatus_onEachCollection() {
    try (FakeTokenServer server = new FakeTokenServer().start();
        OAuthClient client =
            OAuthClient.builder()
                .baseUrl(server.baseUrl())
                .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
                .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
                .listener(telemetry)
                .build()) {
      telemetry.bindTo(client);
      assertThat(state(otel.collect(), "expired")).isEqualTo(1);

      client.getToken();

      Collection<MetricData> all = otel.collect();
      assertThat(state(all, "fresh")).isEqualTo(1);
      assertThat(state(all, "expired")).isZero();
      assertThat(points(all, TokenClientTelemetry.STATE)).hasSize(5);
      double expiry =
          ((io.opentelemetry.sdk.metrics.data.DoublePointData)
                  points(all, TokenClientTelemetry.TIME_TO_EXPIRY).get(0))
              .getValue();
      assertThat(expiry).isCloseTo(3600, within(60.0));
      assertThat(points(all, TokenClientTelemetry.STALE_SERVED)).hasSize(1);
      assertThat(points(all, TokenClientTelemetry.CONSECUTIVE_FAILURES)).hasSize(1);
      assertThatThrownBy(() -> telemetry.bindTo(client))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("one per OAuthClient");

      telemetry.close();
      assertThat(TestTelemetry.metric(otel.collect(), TokenClientTelemetry.STATE)).isEmpty();
    }
  }

  private static long state(Collection<MetricData> all, String state) {
    return sum(all, TokenClientTelemetry.STATE, "tokenapi.token.state", state);
  }

  @Test
  void builder_rejectsNullsAndABlankName_namingTheArgument() {
    assertThatThrownBy(() -> TokenClientTelemetry.builder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("openTelemetry == null");
    TokenClientTelemetry.Builder builder = TokenClientTelemetry.builder(otel.sdk);
    assertThatThrownBy(() -> builder.clientName("")).hasMessageContaining("clientName is blank");
    assertThatThrownBy(() -> builder.clientName(null)).hasMessage("clientName == null");
    assertThatThrownBy(() -> builder.clock(null)).hasMessage("clock == null");
    assertThatThrownBy(() -> telemetry.bindTo(null)).hasMessage("client == null");
  }

  @Test
  void aFailedFetch_boundsTheServersCodeAndErrorId_inTheSpanStatus() {
    io.tokenapi.sdk.ConflictException hostile =
        new io.tokenapi.sdk.ConflictException(
            "409",
            new io.tokenapi.sdk.ApiError("id\n" + "x".repeat(500), "C\u0000D", null, null, null));

    assertThat(Spans.summary(hostile))
        .isEqualTo("ConflictException status=409 code=C?D errorId=id?" + "x".repeat(61));
  }
}
