package io.tokenapi.sdk.opentelemetry;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tokenapi.sdk.ConflictException;
import io.tokenapi.sdk.InMemoryTokenStore;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.testkit.FakeTokenServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real client against the fake token server, traced and metered by an in-memory SDK. */
@Timeout(30)
class TokenClientTelemetryEndToEndTest {
  private final FakeTokenServer server = new FakeTokenServer().start();
  private final TestTelemetry otel = new TestTelemetry();
  private final List<OAuthClient> clients = new ArrayList<>();

  @AfterEach
  void close() {
    clients.forEach(OAuthClient::close);
    server.close();
    otel.close();
  }

  private OAuthClient client(String name, OAuthClient.Builder builder) {
    TokenClientTelemetry telemetry =
        TokenClientTelemetry.builder(otel.sdk).clientName(name).build();
    OAuthClient client =
        builder
            .baseUrl(server.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .listener(telemetry)
            .build();
    telemetry.bindTo(client);
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

  private SpanData onlyFetch() {
    List<SpanData> fetches = otel.spansNamed(TokenClientTelemetry.FETCH_SPAN);
    assertThat(fetches).hasSize(1);
    return fetches.get(0);
  }

  private static List<PointData> points(Collection<MetricData> all, String name) {
    return TestTelemetry.points(TestTelemetry.metric(all, name).orElseThrow());
  }

  private static long retries(Collection<MetricData> all, String reason) {
    return points(all, TokenClientTelemetry.RETRIES).stream()
        .filter(p -> "payments".equals(p.getAttributes().get(TokenClientTelemetry.CLIENT_NAME)))
        .filter(p -> reason.equals(p.getAttributes().get(TokenClientTelemetry.REASON)))
        .mapToLong(p -> ((LongPointData) p).getValue())
        .sum();
  }

  @Test
  void success_aFetchSpanWithOneClientSpan_toTheTokenEndpoint() {
    client().getToken();

    SpanData fetch = onlyFetch();
    List<SpanData> attempts = otel.spansNamed("POST");
    assertThat(attempts).hasSize(1);
    SpanData attempt = attempts.get(0);
    assertThat(attempt.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(attempt.getParentSpanId()).isEqualTo(fetch.getSpanId());
    assertThat(attempt.getAttributes().get(stringKey("server.address"))).isEqualTo("127.0.0.1");
    assertThat(attempt.getAttributes().get(longKey("server.port"))).isEqualTo(server.port());
    assertThat(attempt.getAttributes().get(longKey("http.response.status_code"))).isEqualTo(200);
    assertThat(fetch.getAttributes().get(stringKey("tokenapi.token.source"))).isEqualTo("provider");
    HistogramPointData request =
        (HistogramPointData) points(otel.collect(), TokenClientTelemetry.REQUEST_DURATION).get(0);
    assertThat(request.getCount()).isEqualTo(1);
  }

  @Test
  void conflict_errorSpans_andAFailedRequest() {
    OAuthClient client = client();
    server.enqueueConflict();

    assertThatThrownBy(client::getToken).isInstanceOf(ConflictException.class);

    SpanData fetch = onlyFetch();
    assertThat(fetch.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(fetch.getAttributes().get(stringKey("error.type")))
        .isEqualTo(ConflictException.class.getName());
    assertThat(otel.spansNamed("POST").get(0).getAttributes().get(stringKey("error.type")))
        .isEqualTo("409");
    assertThat(retries(otel.collect(), "backoff")).isZero();
  }

  @Test
  void closedWithRetryAfter_aRetryEventOnTheFetch_andTwoAttempts() {
    OAuthClient client = client();
    server.enqueueClosed(Duration.ofSeconds(1));

    client.getToken();

    SpanData fetch = onlyFetch();
    assertThat(fetch.getEvents())
        .extracting(EventData::getName)
        .contains(TokenClientTelemetry.RETRY_EVENT, TokenClientTelemetry.OBTAINED_EVENT);
    assertThat(otel.spansNamed("POST"))
        .extracting(s -> s.getAttributes().get(longKey("http.response.status_code")))
        .containsExactly(503L, 200L);
    Collection<MetricData> all = otel.collect();
    assertThat(retries(all, "retry_after")).isEqualTo(1);
    HistogramPointData wait =
        (HistogramPointData) points(all, TokenClientTelemetry.REOPENING_WAIT_DURATION).get(0);
    assertThat(wait.getSum()).isBetween(0.9, 1.1);
  }

  @Test
  void transportFailure_anErrorAttempt_thenBackoff_thenSuccess() {
    OAuthClient client = client();
    server.enqueueDisconnect();

    client.getToken();

    List<SpanData> attempts = otel.spansNamed("POST");
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attempts.get(0).getAttributes().get(longKey("http.response.status_code"))).isNull();
    assertThat(retries(otel.collect(), "backoff")).isEqualTo(1);
  }

  @Test
  void storeHit_aFetchSpanWithoutAttempts_sourceStore() {
    InMemoryTokenStore store = new InMemoryTokenStore();
    client("first", OAuthClient.builder().tokenStore(store)).getToken();
    otel.spans.reset();

    client("payments", OAuthClient.builder().tokenStore(store)).getToken();

    SpanData fetch = onlyFetch();
    assertThat(otel.spansNamed("POST")).isEmpty();
    assertThat(fetch.getAttributes().get(stringKey("tokenapi.token.source"))).isEqualTo("store");
    assertThat(fetch.getEvents())
        .anySatisfy(
            e ->
                assertThat(e.getAttributes().get(stringKey("tokenapi.store.event")))
                    .isEqualTo("hit"));
  }

  @Test
  void noAttributeOrEvent_carriesTheSecretATokenOrTheClientId() {
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

    List<String> texts = new ArrayList<>();
    for (SpanData span : otel.spans()) {
      texts.add(span.getName());
      texts.add(span.getStatus().toString());
      texts.add(span.getAttributes().toString());
      for (EventData event : span.getEvents()) {
        texts.add(event.getName() + " " + event.getAttributes());
      }
    }
    for (MetricData metric : otel.collect()) {
      texts.add(metric.getName() + " " + metric.getDescription());
      for (PointData point : metric.getData().getPoints()) {
        texts.add(point.getAttributes().toString());
      }
    }
    assertThat(server.issuedTokens()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(texts).hasSizeGreaterThan(30);
    for (String text : texts) {
      assertThat(text)
          .doesNotContain(FakeTokenServer.DEFAULT_CLIENT_SECRET)
          .doesNotContain(FakeTokenServer.DEFAULT_CLIENT_ID);
      for (String token : server.issuedTokens()) {
        assertThat(text).doesNotContain(token);
      }
    }
  }
}
