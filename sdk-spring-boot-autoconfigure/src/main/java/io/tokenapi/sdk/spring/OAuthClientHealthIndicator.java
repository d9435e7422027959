package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.TokenStatus;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * One client's health from {@link OAuthClient#status()}: never waits for a token request, never a
 * secret or token value in the details.
 *
 * <p>Without a usable token after a failure ({@code FAILING}) it asks for one in the background
 * ({@link OAuthClient#getTokenAsync()}, not waited for): an instance that readiness took out of the
 * load balancer gets no requests, so nothing else would call the provider again, and the instance
 * would stay out after the provider is back. The client's own failure back-off bounds these
 * requests (one per negative-cache window, at most one in flight), as it bounds callers'.
 *
 * <ul>
 *   <li>UP while a valid token is cached ({@code FRESH}, or {@code STALE} while it is refreshed);
 *   <li>DOWN when no valid token is cached and the last refresh failed ({@code FAILING}): also once
 *       the reopening the provider announced has passed without a token;
 *   <li>{@code management.health.tokenapi.closed-status} (UP by default) while the provider is
 *       closed until a time it announced ({@code CLOSED_UNTIL}, with a {@code retryAt} detail): a
 *       scheduled closure is not an outage, and a load balancer must not pull every instance for it
 *       each night;
 *   <li>UNKNOWN when no token is cached and none was asked for since ({@code EXPIRED}: a client
 *       that has not been used yet, or not since its token expired). Not DOWN: a health check that
 *       failed before the first call would keep traffic, and so the first call, away.
 * </ul>
 */
final class OAuthClientHealthIndicator implements HealthIndicator {
  private final OAuthClient client;
  private final Status closedStatus;

  OAuthClientHealthIndicator(OAuthClient client, Status closedStatus) {
    this.client = client;
    this.closedStatus = closedStatus;
  }

  @Override
  public Health health() {
    TokenStatus status = client.status();
    if (status.state() == TokenStatus.State.FAILING
        || (status.state() == TokenStatus.State.EXPIRED && status.consecutiveFailures() > 0)) {
      probe();
    }
    Health.Builder health =
        switch (status.state()) {
          case FRESH, STALE -> Health.up();
          case EXPIRED -> status.consecutiveFailures() > 0 ? Health.down() : Health.unknown();
          case FAILING -> Health.down();
          case CLOSED_UNTIL -> Health.status(closedStatus);
        };
    health.withDetail("state", status.state().name());
    status.expiresAt().ifPresent(t -> health.withDetail("expiresAt", t.toString()));
    status.lastSuccess().ifPresent(t -> health.withDetail("lastSuccess", t.toString()));
    status.retryAt().ifPresent(t -> health.withDetail("retryAt", t.toString()));
    if (status.consecutiveFailures() > 0) {
      health.withDetail("consecutiveFailures", status.consecutiveFailures());
    }
    // Type, status, code and errorId only: TokenStatus never keeps the server's text or a secret.
    status.lastFailure().ifPresent(f -> health.withDetail("lastFailure", f));
    return health.build();
  }

  /** Starts a token request without waiting for it; its outcome shows in the next status. */
  private void probe() {
    try {
      client.getTokenAsync();
    } catch (RuntimeException closedOrBroken) {
      // A closed client, or a listener that throws: health still reports the status it read.
    }
  }
}
