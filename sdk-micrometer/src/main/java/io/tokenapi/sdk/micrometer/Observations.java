package io.tokenapi.sdk.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.RequestReplySenderContext;
import io.tokenapi.sdk.OAuthClientListener.AttemptEnded;
import io.tokenapi.sdk.OAuthClientListener.AttemptStarted;
import io.tokenapi.sdk.OAuthClientListener.FetchEnded;
import io.tokenapi.sdk.OAuthClientListener.FetchStarted;
import io.tokenapi.sdk.OAuthClientListener.RetryScheduled;
import io.tokenapi.sdk.OAuthClientListener.StoreEvent;
import io.tokenapi.sdk.OAuthClientListener.TokenObtained;
import io.tokenapi.sdk.OAuthClientListener.TokenOrigin;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fetches in flight: an Observation per fetch and per attempt, and where each fetch's token
 * came from. Events of one fetch arrive in order but on different threads.
 */
final class Observations {
  /** A bound on fetches tracked at once, in case a fetch never ends; past it, none is observed. */
  static final int MAX_OPEN_FETCHES = 1024;

  private final ObservationRegistry registry;
  private final String clientName;
  private final Map<Long, Fetch> open = new ConcurrentHashMap<>();

  Observations(ObservationRegistry registry, String clientName) {
    this.registry = registry;
    this.clientName = clientName;
  }

  private static final class Fetch {
    final Observation observation;
    volatile Observation attempt;
    volatile TokenOrigin origin;

    Fetch(Observation observation) {
      this.observation = observation;
    }
  }

  int openFetches() {
    return open.size();
  }

  void fetchStarted(FetchStarted event) {
    if (open.size() >= MAX_OPEN_FETCHES) {
      return;
    }
    // The parent is the Observation current on this thread (the caller's request, say).
    Observation observation =
        Observation.createNotStarted(TokenClientMetrics.FETCH_OBSERVATION, registry)
            .contextualName("token fetch")
            .lowCardinalityKeyValue("client.name", clientName)
            .lowCardinalityKeyValue("background", Boolean.toString(event.background()))
            .start();
    open.put(event.fetchId(), new Fetch(observation));
  }

  void attemptStarted(AttemptStarted event) {
    Fetch fetch = open.get(event.fetchId());
    if (fetch == null) {
      return;
    }
    // A client span. The token request carries no propagation headers (the SDK builds it), so
    // whatever a tracer injects is collected here and dropped.
    RequestReplySenderContext<Map<String, String>, Object> context =
        new RequestReplySenderContext<>((carrier, key, value) -> carrier.put(key, value));
    context.setCarrier(new HashMap<>());
    context.setRemoteServiceName(event.serverAddress());
    fetch.attempt =
        Observation.createNotStarted(
                TokenClientMetrics.ATTEMPT_OBSERVATION, () -> context, registry)
            .contextualName("http " + event.method().toLowerCase(java.util.Locale.ROOT))
            .parentObservation(fetch.observation)
            .lowCardinalityKeyValue("client.name", clientName)
            .lowCardinalityKeyValue("method", event.method())
            .highCardinalityKeyValue("server.address", event.serverAddress())
            .highCardinalityKeyValue("server.port", Integer.toString(event.serverPort()))
            .highCardinalityKeyValue("attempt", Integer.toString(event.attempt()))
            .start();
  }

  /**
   * Runs {@code send} with the attempt's Observation open in scope, so an HTTP span nests in it.
   */
  void aroundAttempt(AttemptStarted event, Runnable send) {
    Fetch fetch = open.get(event.fetchId());
    Observation attempt = fetch != null ? fetch.attempt : null;
    if (attempt == null) {
      send.run();
      return;
    }
    Observation.Scope scope = attempt.openScope();
    try {
      send.run();
    } finally {
      scope.close();
    }
  }

  void attemptEnded(AttemptEnded event) {
    Fetch fetch = open.get(event.fetchId());
    Observation attempt = fetch != null ? fetch.attempt : null;
    if (attempt == null) {
      return;
    }
    fetch.attempt = null;
    attempt
        .lowCardinalityKeyValue("outcome", TokenClientMetrics.lower(event.outcome()))
        .lowCardinalityKeyValue(
            "status", event.statusCode() > 0 ? Integer.toString(event.statusCode()) : "none")
        .lowCardinalityKeyValue("error", event.errorType() != null ? event.errorType() : "none");
    if (event.errorType() != null) {
      attempt.error(FailureSummary.of(event.errorType(), event.statusCode()));
    }
    attempt.stop();
  }

  void retryScheduled(RetryScheduled event) {
    Fetch fetch = open.get(event.fetchId());
    if (fetch != null) {
      fetch.observation.event(
          Observation.Event.of(
              "retry",
              String.format(
                  java.util.Locale.ROOT,
                  "retry in %.3f s (%s) after attempt %d: %s",
                  event.delay().toNanos() / 1e9,
                  TokenClientMetrics.lower(event.reason()),
                  event.attempt(),
                  event.cause().getClass().getSimpleName())));
    }
  }

  void tokenObtained(TokenObtained event) {
    Fetch fetch = open.get(event.fetchId());
    if (fetch != null) {
      fetch.origin = event.origin();
      fetch.observation.event(
          Observation.Event.of(
              "obtained", "token obtained from " + TokenClientMetrics.lower(event.origin())));
    }
  }

  void storeEvent(StoreEvent event) {
    Fetch fetch = open.get(event.fetchId());
    if (fetch != null) {
      String kind = TokenClientMetrics.lower(event.kind());
      fetch.observation.event(Observation.Event.of("store." + kind, "store " + kind));
    }
  }

  /** Ends the fetch's Observation, if any, and tells how the fetch ended. */
  FetchOutcome fetchEnded(FetchEnded event) {
    Fetch fetch = open.remove(event.fetchId());
    FetchOutcome outcome = FetchOutcome.of(event, fetch != null ? fetch.origin : null);
    if (fetch == null) {
      return outcome;
    }
    Observation attempt = fetch.attempt;
    if (attempt != null) {
      // The attempt's end was not told (the client closed during it): close it with the fetch.
      attempt.lowCardinalityKeyValue("outcome", "cancelled").stop();
    }
    fetch
        .observation
        .lowCardinalityKeyValue("outcome", outcome.outcome())
        .lowCardinalityKeyValue("source", outcome.source())
        .lowCardinalityKeyValue("status.class", outcome.statusClass())
        .lowCardinalityKeyValue("error", outcome.error())
        .highCardinalityKeyValue("attempts", Integer.toString(event.attempts()));
    if (event.failure() != null) {
      fetch.observation.error(FailureSummary.of(event.failure()));
    }
    fetch.observation.stop();
    return outcome;
  }
}
