package io.tokenapi.sdk.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleGauge;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.trace.Tracer;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthClientListener;
import io.tokenapi.sdk.ServiceUnavailableException;
import io.tokenapi.sdk.TokenStatus;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Traces an {@link OAuthClient}'s token fetches and records its metrics with OpenTelemetry, on the
 * OpenTelemetry API alone. Attach it in two steps, because the listener must exist before the
 * client and the gauges read the built client:
 *
 * <pre>{@code
 * TokenClientTelemetry telemetry =
 *     TokenClientTelemetry.builder(openTelemetry).clientName("payments").build();
 * OAuthClient client = OAuthClient.builder()
 *     ...
 *     .listener(telemetry)     // spans, histograms and counters, from the client's events
 *     .build();
 * telemetry.bindTo(client);    // gauges, from client.status()
 * }</pre>
 *
 * <p><b>Spans.</b> One {@value #FETCH_SPAN} span ({@code INTERNAL}) per token fetch, a child of the
 * context current where the fetch starts (the caller's request, for a blocking or first caller).
 * Under it one {@code CLIENT} span per HTTP attempt, named after the method ({@code POST}), with
 * the HTTP client semantic-convention attributes {@code http.request.method}, {@code
 * server.address}, {@code server.port}, {@code http.response.status_code}, {@code error.type} and
 * {@code http.request.resend_count}. The attempt span is current on the thread that sends the
 * request (see {@link #aroundAttempt}). Retry waits, the token obtained and store steps are events
 * on the fetch span ({@value #RETRY_EVENT}, {@value #OBTAINED_EVENT}, {@value #STORE_EVENT}).
 *
 * <p><b>Metrics.</b> Histograms {@value #REQUEST_DURATION}, {@value #ATTEMPT_DURATION}, {@value
 * #REOPENING_WAIT_DURATION}; counters {@value #RETRIES}, {@value #STORE_EVENTS}; and, once {@link
 * #bindTo bound}, the observable {@value #TIME_TO_EXPIRY}, {@value #STATE}, {@value #STALE_SERVED},
 * {@value #CONSECUTIVE_FAILURES}; plus {@value #CLOSING_UNCOVERED}. Every instrument carries {@code
 * tokenapi.client.name}.
 *
 * <p>No attribute or event carries the client id, a secret, a token or the server's free text:
 * failures are described by type, HTTP status, error code and errorId only. One instance serves one
 * client; nothing here runs on the client's cache-hit path. Thread-safe.
 */
public final class TokenClientTelemetry implements OAuthClientListener, AutoCloseable {
  // Called inline (ListenerDispatcher.SDK_LISTENERS): on the thread of each step, not through the
  // client's bounded event
  // queue. It only starts and ends spans and records meters in memory, never blocking; and
  // aroundAttempt (always inline: it wraps the send) must find the span onAttemptStarted opened,
  // to make it current for the HTTP instrumentation of the token request.
  /** The instrumentation scope name of the tracer and the meter: {@value}. */
  public static final String INSTRUMENTATION_NAME = "io.tokenapi.sdk";

  /** The name of the span of one token fetch: {@value}. */
  public static final String FETCH_SPAN = "tokenapi.token.fetch";

  /** The fetch span's event for a scheduled retry: {@value}. */
  public static final String RETRY_EVENT = "tokenapi.retry.scheduled";

  /** The fetch span's event for the token obtained: {@value}. */
  public static final String OBTAINED_EVENT = "tokenapi.token.obtained";

  /** The fetch span's event for a store step: {@value}. */
  public static final String STORE_EVENT = "tokenapi.store";

  /**
   * Histogram (s) of token fetches: all attempts and waits, or the store lookup. Attributes {@code
   * tokenapi.outcome} ({@code success}, {@code failure}), {@code tokenapi.token.source} ({@code
   * provider}, {@code store}, {@code none}), {@code http.response.status_code} (the last answer's,
   * when there was one), {@code error.type} (on failure, the exception's class name).
   */
  public static final String REQUEST_DURATION = "tokenapi.token.request.duration";

  /**
   * Histogram (s) of HTTP attempts. Attributes {@code http.request.method}, {@code server.address},
   * {@code server.port}, {@code http.response.status_code}, {@code error.type} (the status code for
   * an HTTP error, else the failure's type), {@code tokenapi.outcome} ({@code success}, {@code
   * http_error}, {@code transport_error}, {@code invalid_response}, {@code cancelled}).
   */
  public static final String ATTEMPT_DURATION = "tokenapi.token.attempt.duration";

  /**
   * Counter of retries scheduled; attribute {@code tokenapi.retry.reason}: {@code backoff}, {@code
   * retry_after}, {@code working_hours}.
   */
  public static final String RETRIES = "tokenapi.token.retries";

  /**
   * Histogram (s) of the waits scheduled after a 503, for the provider to reopen; attribute {@code
   * tokenapi.retry.reason}.
   */
  public static final String REOPENING_WAIT_DURATION = "tokenapi.token.reopening.wait.duration";

  /**
   * Counter of store steps; attribute {@code tokenapi.store.event}: {@code hit}, {@code miss},
   * {@code lock_taken}, {@code lock_waited}, {@code lock_renewed}, {@code fallback}.
   */
  public static final String STORE_EVENTS = "tokenapi.token.store.events";

  /** Gauge (s) until the cached token expires; 0 without a valid token. */
  public static final String TIME_TO_EXPIRY = "tokenapi.token.time_to_expiry";

  /**
   * Gauge, 1 for the current state and 0 for the others; attribute {@code tokenapi.token.state}:
   * {@code fresh}, {@code stale}, {@code expired}, {@code failing}, {@code closed_until}.
   */
  public static final String STATE = "tokenapi.token.state";

  /** Counter of calls served a stale token (valid, due for refresh). */
  public static final String STALE_SERVED = "tokenapi.token.stale_served";

  /** Gauge of refreshes failed in a row since the last success. */
  public static final String CONSECUTIVE_FAILURES = "tokenapi.token.consecutive_failures";

  /**
   * Gauge (s) of the coming closed period that the token in hand does not cover, as last told by
   * the client; 0 when covered or never told.
   */
  public static final String CLOSING_UNCOVERED = "tokenapi.token.closing.uncovered";

  /** The {@code tokenapi.client.name} attribute when none is set: {@value}. */
  public static final String DEFAULT_CLIENT_NAME = "default";

  static final AttributeKey<String> CLIENT_NAME = AttributeKey.stringKey("tokenapi.client.name");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("tokenapi.outcome");
  static final AttributeKey<String> SOURCE = AttributeKey.stringKey("tokenapi.token.source");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("tokenapi.retry.reason");
  static final AttributeKey<String> STORE_KIND = AttributeKey.stringKey("tokenapi.store.event");
  static final AttributeKey<String> STATE_KEY = AttributeKey.stringKey("tokenapi.token.state");

  // Seconds: the HTTP semantic conventions' boundaries, then the long waits of a closed provider.
  private static final List<Double> ATTEMPT_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
  private static final List<Double> WAIT_BUCKETS =
      List.of(
          0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0,
          3600.0, 14400.0, 43200.0);

  private final Attributes clientAttributes;
  private final Clock clock;
  private final Meter meter;
  private final Spans spans;
  private final DoubleHistogram requestDuration;
  private final DoubleHistogram attemptDuration;
  private final DoubleHistogram reopeningWait;
  private final LongCounter retries;
  private final LongCounter storeEvents;
  private final ObservableDoubleGauge closingUncovered;
  private final AtomicBoolean bound = new AtomicBoolean();
  private volatile BatchCallback statusCallback;
  private volatile double closingUncoveredSeconds;
  private volatile boolean closed;

  private TokenClientTelemetry(Builder b) {
    this.clientAttributes = Attributes.of(CLIENT_NAME, b.clientName);
    this.clock = b.clock;
    String version = TokenClientTelemetry.class.getPackage().getImplementationVersion();
    Tracer tracer =
        version != null
            ? b.openTelemetry
                .tracerBuilder(INSTRUMENTATION_NAME)
                .setInstrumentationVersion(version)
                .build()
            : b.openTelemetry.getTracer(INSTRUMENTATION_NAME);
    this.meter =
        version != null
            ? b.openTelemetry
                .meterBuilder(INSTRUMENTATION_NAME)
                .setInstrumentationVersion(version)
                .build()
            : b.openTelemetry.getMeter(INSTRUMENTATION_NAME);
    this.spans = new Spans(tracer, b.clientName);
    this.requestDuration =
        meter
            .histogramBuilder(REQUEST_DURATION)
            .setDescription("Token fetches: all attempts and waits, or the store lookup")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(WAIT_BUCKETS)
            .build();
    this.attemptDuration =
        meter
            .histogramBuilder(ATTEMPT_DURATION)
            .setDescription("HTTP attempts to the token endpoint")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(ATTEMPT_BUCKETS)
            .build();
    this.reopeningWait =
        meter
            .histogramBuilder(REOPENING_WAIT_DURATION)
            .setDescription("Waits scheduled after a 503, for the token API to reopen")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(WAIT_BUCKETS)
            .build();
    this.retries =
        meter
            .counterBuilder(RETRIES)
            .setDescription("Retries of token requests scheduled, by the reason for the wait")
            .setUnit("{retry}")
            .build();
    this.storeEvents =
        meter
            .counterBuilder(STORE_EVENTS)
            .setDescription("Steps of token fetches through the shared token store")
            .setUnit("{event}")
            .build();
    // Zero points, so a rate is defined from the first export.
    for (RetryReason reason : RetryReason.values()) {
      retries.add(0, clientAttributes.toBuilder().put(REASON, lower(reason)).build());
    }
    for (StoreEventKind kind : StoreEventKind.values()) {
      storeEvents.add(0, clientAttributes.toBuilder().put(STORE_KIND, lower(kind)).build());
    }
    this.closingUncovered =
        meter
            .gaugeBuilder(CLOSING_UNCOVERED)
            .setDescription("Seconds of the coming closed period not covered by the token in hand")
            .setUnit("s")
            .buildWithCallback(m -> m.record(closingUncoveredSeconds, clientAttributes));
  }

  /**
   * Telemetry with the default client name.
   *
   * @param openTelemetry where spans and metrics go
   * @return the telemetry, to pass to {@link OAuthClient.Builder#listener}
   * @throws IllegalArgumentException if {@code openTelemetry} is null
   */
  public static TokenClientTelemetry create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * A builder of telemetry that goes to {@code openTelemetry}.
   *
   * @param openTelemetry where spans and metrics go
   * @return a new builder
   * @throws IllegalArgumentException if {@code openTelemetry} is null
   */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(nonNull(openTelemetry, "openTelemetry"));
  }

  /**
   * Registers the observable instruments that read {@code client}'s {@link OAuthClient#status()}
   * once per collection: {@value #TIME_TO_EXPIRY}, {@value #STATE}, {@value #STALE_SERVED}, {@value
   * #CONSECUTIVE_FAILURES}. The callback holds the client weakly.
   *
   * @param client the client this instance was given to as a listener
   * @return this instance
   * @throws IllegalArgumentException if {@code client} is null
   * @throws IllegalStateException if this instance is already bound to a client, or closed
   */
  public TokenClientTelemetry bindTo(OAuthClient client) {
    nonNull(client, "client");
    if (closed) {
      throw new IllegalStateException("TokenClientTelemetry is closed: build a new one");
    }
    if (!bound.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "TokenClientTelemetry is already bound to a client: build one per OAuthClient");
    }
    ObservableDoubleMeasurement expiry =
        meter
            .gaugeBuilder(TIME_TO_EXPIRY)
            .setDescription("Seconds until the cached token expires; 0 without a valid token")
            .setUnit("s")
            .buildObserver();
    ObservableLongMeasurement state =
        meter
            .gaugeBuilder(STATE)
            .setDescription("1 for the client's token state now, 0 for the others")
            .ofLongs()
            .buildObserver();
    ObservableLongMeasurement staleServed =
        meter
            .counterBuilder(STALE_SERVED)
            .setDescription("Calls served a stale token (valid, due for refresh)")
            .setUnit("{call}")
            .buildObserver();
    ObservableLongMeasurement failures =
        meter
            .gaugeBuilder(CONSECUTIVE_FAILURES)
            .setDescription("Token refreshes failed in a row since the last success")
            .setUnit("{failure}")
            .ofLongs()
            .buildObserver();
    WeakReference<OAuthClient> ref = new WeakReference<>(client);
    statusCallback =
        meter.batchCallback(
            () -> {
              OAuthClient c = ref.get();
              if (c == null) {
                return;
              }
              TokenStatus status = c.status();
              expiry.record(secondsToExpiry(status), clientAttributes);
              for (TokenStatus.State s : TokenStatus.State.values()) {
                state.record(
                    status.state() == s ? 1 : 0,
                    clientAttributes.toBuilder().put(STATE_KEY, lower(s)).build());
              }
              staleServed.record(status.staleServed(), clientAttributes);
              failures.record(status.consecutiveFailures(), clientAttributes);
            },
            expiry,
            state,
            staleServed,
            failures);
    return this;
  }

  /**
   * Stops the observable instruments and the recording of metrics; spans of fetches in flight still
   * end with their events.
   */
  @Override
  public void close() {
    closed = true;
    closingUncovered.close();
    BatchCallback callback = statusCallback;
    if (callback != null) {
      callback.close();
    }
  }

  @Override
  public void onFetchStarted(FetchStarted event) {
    spans.fetchStarted(event);
  }

  @Override
  public void onAttemptStarted(AttemptStarted event) {
    spans.attemptStarted(event);
  }

  /**
   * Runs {@code send} with the attempt's span current, so that code on the sending thread (a
   * context-propagating executor) sees it as the parent. An OkHttp {@code EventListener} of the
   * client given to {@code httpClient(...)} gets its events on the client's event thread instead,
   * where the span is not current.
   *
   * @param event the attempt
   * @param send sends the request
   */
  @Override
  public void aroundAttempt(AttemptStarted event, Runnable send) {
    spans.aroundAttempt(event, send);
  }

  @Override
  public void onAttemptEnded(AttemptEnded event) {
    Attributes attributes = spans.attemptEnded(event);
    if (!closed) {
      attemptDuration.record(seconds(event.duration()), attributes);
    }
  }

  @Override
  public void onRetryScheduled(RetryScheduled event) {
    spans.retryScheduled(event);
    if (closed) {
      return;
    }
    Attributes reason = clientAttributes.toBuilder().put(REASON, lower(event.reason())).build();
    retries.add(1, reason);
    if (event.cause() instanceof ServiceUnavailableException) {
      reopeningWait.record(seconds(event.delay()), reason);
    }
  }

  @Override
  public void onTokenObtained(TokenObtained event) {
    spans.tokenObtained(event);
  }

  @Override
  public void onStoreEvent(StoreEvent event) {
    spans.storeEvent(event);
    if (!closed) {
      storeEvents.add(1, clientAttributes.toBuilder().put(STORE_KIND, lower(event.kind())).build());
    }
  }

  @Override
  public void onClosingCoverage(ClosingCoverage event) {
    closingUncoveredSeconds = seconds(event.uncovered());
  }

  @Override
  public void onFetchEnded(FetchEnded event) {
    Attributes outcome = spans.fetchEnded(event);
    if (!closed) {
      requestDuration.record(seconds(event.duration()), outcome);
    }
  }

  /**
   * Describes the telemetry: its client name, never a secret.
   *
   * @return a description that is safe to log
   */
  @Override
  public String toString() {
    return "TokenClientTelemetry[" + clientAttributes.get(CLIENT_NAME) + "]";
  }

  private double secondsToExpiry(TokenStatus status) {
    Instant expiresAt = status.expiresAt().orElse(null);
    return expiresAt == null
        ? 0
        : Math.max(0, seconds(Duration.between(clock.instant(), expiresAt)));
  }

  static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  private static <T> T nonNull(T value, String name) {
    if (value == null) {
      throw new IllegalArgumentException(name + " == null");
    }
    return value;
  }

  /** Builds a {@link TokenClientTelemetry}. Every setter rejects null. Not thread-safe. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private String clientName = DEFAULT_CLIENT_NAME;
    private Clock clock = Clock.systemUTC();

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
    }

    /**
     * The {@code tokenapi.client.name} attribute, which tells this client's telemetry from other
     * clients'. Pick a short fixed name ({@code "payments"}); never the client id. Default {@value
     * TokenClientTelemetry#DEFAULT_CLIENT_NAME}.
     *
     * @param clientName the name
     * @return this builder
     * @throws IllegalArgumentException if {@code clientName} is null or blank
     */
    public Builder clientName(String clientName) {
      nonNull(clientName, "clientName");
      if (clientName.isBlank()) {
        throw new IllegalArgumentException("clientName is blank: give a short fixed name");
      }
      this.clientName = clientName;
      return this;
    }

    /**
     * The clock that {@value TokenClientTelemetry#TIME_TO_EXPIRY} counts from: give the client's
     * when it has its own ({@link OAuthClient.Builder#clock}). Default {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalArgumentException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      this.clock = nonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the telemetry and creates its instruments.
     *
     * @return the telemetry, to pass to {@link OAuthClient.Builder#listener} and then {@link
     *     TokenClientTelemetry#bindTo}
     */
    public TokenClientTelemetry build() {
      return new TokenClientTelemetry(this);
    }
  }
}
