package io.tokenapi.sdk.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.observation.ObservationRegistry;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthClientListener;
import io.tokenapi.sdk.ServiceUnavailableException;
import io.tokenapi.sdk.TokenStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records an {@link OAuthClient}'s token requests in a Micrometer {@link MeterRegistry} and, when
 * an {@link ObservationRegistry} is given, as Observations (so Micrometer Tracing turns them into
 * spans). Attach it in two steps, because the listener must exist before the client and the gauges
 * read the built client:
 *
 * <pre>{@code
 * TokenClientMetrics metrics =
 *     TokenClientMetrics.builder(meterRegistry).clientName("payments").build();
 * OAuthClient client = OAuthClient.builder()
 *     ...
 *     .listener(metrics)      // timers and counters, from the client's events
 *     .build();
 * metrics.bindTo(client);     // gauges, from client.status()
 * }</pre>
 *
 * <p>The meters (names as Micrometer writes them; a Prometheus registry appends {@code _seconds},
 * {@code _total}): {@value #REQUESTS} (timer, one per token fetch), {@value #ATTEMPTS} (timer, one
 * per HTTP attempt), {@value #RETRIES} (counter), {@value #REOPENING_WAIT} (timer of the waits
 * after a 503), {@value #TIME_TO_EXPIRY}, {@value #STATE}, {@value #CONSECUTIVE_FAILURES} and
 * {@value #CLOSING_UNCOVERED} (gauges), {@value #STALE_SERVED} and {@value #STORE_EVENTS}
 * (counters). Every meter carries the tag {@code client.name} and the extra {@link
 * Builder#tags(Iterable) tags}; the other tags have a small fixed set of values, listed with each
 * name constant. No tag or Observation key value carries the client id, a secret or a token.
 *
 * <p>One instance serves one client. Nothing here runs on the client's cache-hit path: the client
 * calls a listener only when it fetches, and the gauges read {@link OAuthClient#status()} when the
 * registry is scraped. Thread-safe.
 */
public final class TokenClientMetrics implements OAuthClientListener, AutoCloseable {
  // Called inline (ListenerDispatcher.SDK_LISTENERS): on the thread of each step, not through the
  // client's bounded event
  // queue. It only updates meters in memory and never blocks, so it needs no bound; and called
  // inline, the meters are exact when getToken() returns (a scrape right after a fetch sees it).
  /**
   * Timer, one recording per token fetch (all its attempts and retry waits, or the store lookup),
   * recorded when it ends. Tags: {@code outcome} ({@code success}, {@code failure}), {@code source}
   * ({@code provider}, {@code store}, {@code none}), {@code status.class} (the last HTTP status's
   * class: {@code 2xx}, {@code 4xx}, {@code 5xx}, ..., or {@code none} without an answer), {@code
   * error} (the failure's simple class name, {@code none} on success).
   */
  public static final String REQUESTS = "tokenapi.token.requests";

  /**
   * Timer, one recording per HTTP attempt to the token endpoint. Tags: {@code outcome} ({@code
   * success}, {@code http_error}, {@code transport_error}, {@code invalid_response}, {@code
   * cancelled}), {@code status} (the HTTP status, {@code none} without an answer), {@code error}
   * (the failure's simple class name, {@code none} on success).
   */
  public static final String ATTEMPTS = "tokenapi.token.attempts";

  /**
   * Counter of retries scheduled. Tag {@code reason}: {@code backoff}, {@code retry_after}, {@code
   * working_hours}.
   */
  public static final String RETRIES = "tokenapi.token.retries";

  /**
   * Timer of the waits scheduled after a 503 (the provider is closed): its count is the number of
   * such waits, its total the time spent waiting for the provider to reopen. Tag {@code reason} as
   * for {@value #RETRIES}.
   */
  public static final String REOPENING_WAIT = "tokenapi.token.reopening.wait";

  /** Gauge, seconds until the cached token expires; 0 without a valid token. */
  public static final String TIME_TO_EXPIRY = "tokenapi.token.time.to.expiry";

  /**
   * Gauges, one per state, 1 for the client's current state and 0 for the others. Tag {@code
   * state}: {@code fresh}, {@code stale}, {@code expired}, {@code failing}, {@code closed_until}.
   */
  public static final String STATE = "tokenapi.token.state";

  /** Function counter of the calls served a stale token (valid, due for refresh). */
  public static final String STALE_SERVED = "tokenapi.token.stale.served";

  /** Gauge, refreshes failed in a row since the last success. */
  public static final String CONSECUTIVE_FAILURES = "tokenapi.token.consecutive.failures";

  /**
   * Counter of the steps through a shared token store. Tag {@code kind}: {@code hit}, {@code miss},
   * {@code lock_taken}, {@code lock_waited}, {@code lock_renewed}, {@code fallback}.
   */
  public static final String STORE_EVENTS = "tokenapi.token.store.events";

  /**
   * Gauge, seconds of the coming closed period that the token in hand does not cover, as last told
   * by the client (with working hours configured); 0 when covered or never told.
   */
  public static final String CLOSING_UNCOVERED = "tokenapi.token.closing.uncovered";

  /**
   * Observation name of a token fetch (low-cardinality keys {@code client.name}, {@code
   * background}, then {@code outcome}, {@code source}, {@code status.class}, {@code error}).
   */
  public static final String FETCH_OBSERVATION = "tokenapi.token.fetch";

  /**
   * Observation name of one HTTP attempt, a child of its fetch, in a {@link
   * io.micrometer.observation.transport.RequestReplySenderContext} (a client span). Low-cardinality
   * keys {@code client.name}, {@code method}, then {@code outcome}, {@code status}, {@code error};
   * high-cardinality {@code server.address}, {@code server.port}, {@code attempt}.
   */
  public static final String ATTEMPT_OBSERVATION = "tokenapi.token.attempt";

  /** The {@code client.name} tag when none is set: {@value}. */
  public static final String DEFAULT_CLIENT_NAME = "default";

  private final MeterRegistry registry;
  private final Tags tags;
  private final Clock clock;
  private final Observations observations;
  private final Map<RetryReason, Counter> retries = new EnumMap<>(RetryReason.class);
  private final Map<RetryReason, Timer> reopeningWaits = new EnumMap<>(RetryReason.class);
  private final Map<StoreEventKind, Counter> storeEvents = new EnumMap<>(StoreEventKind.class);
  private final Set<Meter> meters = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean bound = new AtomicBoolean();
  private volatile double closingUncoveredSeconds;
  private volatile boolean closed;

  private TokenClientMetrics(Builder b) {
    this.registry = b.registry;
    this.tags = Tags.of("client.name", b.clientName).and(b.tags);
    this.clock = b.clock;
    this.observations = new Observations(b.observationRegistry, b.clientName);
    for (RetryReason reason : RetryReason.values()) {
      retries.put(
          reason,
          keep(
              Counter.builder(RETRIES)
                  .description("Retries of token requests scheduled, by the reason for the wait")
                  .tags(tags)
                  .tag("reason", lower(reason))
                  .register(registry)));
      reopeningWaits.put(
          reason,
          keep(
              Timer.builder(REOPENING_WAIT)
                  .description("Waits scheduled after a 503, for the token API to reopen")
                  .tags(tags)
                  .tag("reason", lower(reason))
                  .register(registry)));
    }
    for (StoreEventKind kind : StoreEventKind.values()) {
      storeEvents.put(
          kind,
          keep(
              Counter.builder(STORE_EVENTS)
                  .description("Steps of token fetches through the shared token store")
                  .tags(tags)
                  .tag("kind", lower(kind))
                  .register(registry)));
    }
    keep(
        Gauge.builder(CLOSING_UNCOVERED, this, m -> m.closingUncoveredSeconds)
            .description("Seconds of the coming closed period not covered by the token in hand")
            .baseUnit("seconds")
            .tags(tags)
            .register(registry));
  }

  /**
   * A builder of metrics recorded in {@code registry}.
   *
   * @param registry where the meters are registered
   * @return a new builder
   * @throws IllegalArgumentException if {@code registry} is null
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(nonNull(registry, "registry"));
  }

  /**
   * A filter that keeps the meters an {@link ObservationRegistry} would derive from this class's
   * Observations out of a registry: with Micrometer's {@code DefaultMeterObservationHandler}
   * (Spring Boot installs one), every fetch and attempt would otherwise be timed twice, as {@value
   * #REQUESTS} and {@code tokenapi.token.fetch} (plus {@code .active} and a counter per event), and
   * as {@value #ATTEMPTS} and {@code tokenapi.token.attempt}. The Observations themselves, and so
   * the spans, are untouched. The Spring Boot starter registers it; elsewhere add it with {@code
   * registry.config().meterFilter(...)} before any meter is registered.
   *
   * @return a filter that denies the meters named {@value #FETCH_OBSERVATION} and {@value
   *     #ATTEMPT_OBSERVATION}, and those under them
   */
  public static MeterFilter denyObservationMeters() {
    return MeterFilter.deny(id -> isObservationMeter(id.getName()));
  }

  static boolean isObservationMeter(String name) {
    return name.equals(FETCH_OBSERVATION)
        || name.startsWith(FETCH_OBSERVATION + ".")
        || name.equals(ATTEMPT_OBSERVATION)
        || name.startsWith(ATTEMPT_OBSERVATION + ".");
  }

  /**
   * Registers the gauges that read {@code client}'s {@link OAuthClient#status()}: {@value
   * #TIME_TO_EXPIRY}, {@value #STATE}, {@value #STALE_SERVED}, {@value #CONSECUTIVE_FAILURES}. The
   * registry holds the client weakly, as Micrometer gauges do.
   *
   * @param client the client this instance was given to as a listener
   * @return this instance
   * @throws IllegalArgumentException if {@code client} is null
   * @throws IllegalStateException if this instance is already bound to a client, or closed
   */
  public TokenClientMetrics bindTo(OAuthClient client) {
    nonNull(client, "client");
    if (closed) {
      throw new IllegalStateException("TokenClientMetrics is closed: build a new one");
    }
    if (!bound.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "TokenClientMetrics is already bound to a client: build one per OAuthClient");
    }
    keep(
        Gauge.builder(TIME_TO_EXPIRY, client, this::secondsToExpiry)
            .description("Seconds until the cached token expires; 0 without a valid token")
            .baseUnit("seconds")
            .tags(tags)
            .register(registry));
    for (TokenStatus.State state : TokenStatus.State.values()) {
      keep(
          Gauge.builder(STATE, client, c -> c.status().state() == state ? 1 : 0)
              .description("1 for the client's token state now, 0 for the others")
              .tags(tags)
              .tag("state", lower(state))
              .register(registry));
    }
    keep(
        FunctionCounter.builder(STALE_SERVED, client, c -> c.status().staleServed())
            .description("Calls served a stale token (valid, due for refresh)")
            .tags(tags)
            .register(registry));
    keep(
        Gauge.builder(CONSECUTIVE_FAILURES, client, c -> c.status().consecutiveFailures())
            .description("Token refreshes failed in a row since the last success")
            .tags(tags)
            .register(registry));
    return this;
  }

  /**
   * Removes this instance's meters from the registry and stops recording; call it when the client
   * is closed and its series should go away. Open Observations are left to end with the client's
   * events, which no longer record meters.
   */
  @Override
  public void close() {
    closed = true;
    for (Meter meter : meters) {
      registry.remove(meter);
    }
    meters.clear();
  }

  @Override
  public void onFetchStarted(FetchStarted event) {
    observations.fetchStarted(event);
  }

  @Override
  public void onAttemptStarted(AttemptStarted event) {
    observations.attemptStarted(event);
  }

  @Override
  public void aroundAttempt(AttemptStarted event, Runnable send) {
    observations.aroundAttempt(event, send);
  }

  @Override
  public void onAttemptEnded(AttemptEnded event) {
    observations.attemptEnded(event);
    if (closed) {
      return;
    }
    keep(Timer.builder(ATTEMPTS)
            .description("HTTP attempts to the token endpoint")
            .tags(tags)
            .tag("outcome", lower(event.outcome()))
            .tag("status", event.statusCode() > 0 ? Integer.toString(event.statusCode()) : "none")
            .tag("error", event.errorType() != null ? event.errorType() : "none")
            .register(registry))
        .record(event.duration());
  }

  @Override
  public void onRetryScheduled(RetryScheduled event) {
    observations.retryScheduled(event);
    if (closed) {
      return;
    }
    retries.get(event.reason()).increment();
    if (event.cause() instanceof ServiceUnavailableException) {
      reopeningWaits.get(event.reason()).record(event.delay());
    }
  }

  @Override
  public void onTokenObtained(TokenObtained event) {
    observations.tokenObtained(event);
  }

  @Override
  public void onStoreEvent(StoreEvent event) {
    observations.storeEvent(event);
    if (!closed) {
      storeEvents.get(event.kind()).increment();
    }
  }

  @Override
  public void onClosingCoverage(ClosingCoverage event) {
    closingUncoveredSeconds = seconds(event.uncovered());
  }

  @Override
  public void onFetchEnded(FetchEnded event) {
    FetchOutcome outcome = observations.fetchEnded(event);
    if (closed) {
      return;
    }
    keep(Timer.builder(REQUESTS)
            .description("Token fetches: all attempts and waits, or the store lookup")
            .tags(tags)
            .tag("outcome", outcome.outcome())
            .tag("source", outcome.source())
            .tag("status.class", outcome.statusClass())
            .tag("error", outcome.error())
            .register(registry))
        .record(event.duration());
  }

  /**
   * Describes the binder: its tags, never a secret.
   *
   * @return a description that is safe to log
   */
  @Override
  public String toString() {
    return "TokenClientMetrics" + tags;
  }

  private double secondsToExpiry(OAuthClient client) {
    Optional<Instant> expiresAt = client.status().expiresAt();
    if (expiresAt.isEmpty()) {
      return 0;
    }
    return Math.max(0, seconds(Duration.between(clock.instant(), expiresAt.get())));
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }

  private static double seconds(Duration d) {
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

  /** Builds a {@link TokenClientMetrics}. Every setter rejects null. Not thread-safe. */
  public static final class Builder {
    private final MeterRegistry registry;
    private String clientName = DEFAULT_CLIENT_NAME;
    private Tags tags = Tags.empty();
    private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;
    private Clock clock = Clock.systemUTC();

    private Builder(MeterRegistry registry) {
      this.registry = registry;
    }

    /**
     * The {@code client.name} tag, which tells this client's series from other clients' in one
     * registry. Pick a short fixed name ({@code "payments"}); never the client id. Default {@value
     * TokenClientMetrics#DEFAULT_CLIENT_NAME}.
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
     * Extra tags on every meter (low-cardinality ones, for example the region). Default none.
     *
     * @param tags the tags
     * @return this builder
     * @throws IllegalArgumentException if {@code tags} is null
     */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = Tags.of(nonNull(tags, "tags"));
      return this;
    }

    /**
     * Where to emit an Observation per token fetch ({@value TokenClientMetrics#FETCH_OBSERVATION})
     * and per HTTP attempt ({@value TokenClientMetrics#ATTEMPT_OBSERVATION}). Default {@link
     * ObservationRegistry#NOOP}: no Observations.
     *
     * @param observationRegistry the registry, for example Spring Boot's
     * @return this builder
     * @throws IllegalArgumentException if {@code observationRegistry} is null
     */
    public Builder observationRegistry(ObservationRegistry observationRegistry) {
      this.observationRegistry = nonNull(observationRegistry, "observationRegistry");
      return this;
    }

    /**
     * The clock that {@value TokenClientMetrics#TIME_TO_EXPIRY} counts from: give the client's when
     * it has its own ({@link OAuthClient.Builder#clock}). Default {@link Clock#systemUTC()}.
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
     * Builds the metrics and registers the meters that do not need the client (counters by reason
     * and kind start at 0, so a rate is defined from the first scrape).
     *
     * @return the metrics, to pass to {@link OAuthClient.Builder#listener} and then {@link
     *     TokenClientMetrics#bindTo}
     */
    public TokenClientMetrics build() {
      return new TokenClientMetrics(this);
    }
  }
}
