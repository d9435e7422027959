package io.tokenapi.benchmarks;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;

/**
 * Our client at the refresh boundary: a one-hour token, the default 5-minute refresh-ahead window
 * and 30-second expiry margin, and an injected clock that the harness jumps to the middle of the
 * stale window.
 */
final class OursBoundary implements RefreshBoundaryHarness.Contender {

  static final long TOKEN_LIFETIME_SECONDS = 3600;
  private static final Duration REFRESH_AHEAD = Duration.ofMinutes(5);
  private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(30);

  private final MutableClock clock = new MutableClock(Instant.now());
  private final OAuthClient client;

  OursBoundary(FakeTokenServer server) {
    this.client =
        Contenders.ourClient(server)
            .clock(clock)
            .refreshAhead(REFRESH_AHEAD)
            .expiryMargin(EXPIRY_MARGIN)
            .build();
    client.getToken();
  }

  @Override
  public Object getToken() {
    return client.getToken();
  }

  @Override
  public Object cachedToken() {
    // A fresh token is returned without side effects; the harness calls this only outside the stale
    // window or to watch for the refreshed token, which getToken() returns as soon as it is stored.
    return client.getToken();
  }

  @Override
  public void approachStale(Duration margin) {
    // The clock jumps, so the token is "about to turn stale" at any moment we choose.
  }

  @Override
  public void crossIntoStale() {
    AccessToken token = client.getToken();
    // Halfway between turning stale (expiry - refreshAhead) and expiring for callers (expiry -
    // expiryMargin).
    long target =
        token.expiresAt().toEpochMilli()
            - (REFRESH_AHEAD.toMillis() + EXPIRY_MARGIN.toMillis()) / 2;
    clock.set(Instant.ofEpochMilli(target));
  }

  @Override
  public void close() {
    client.close();
  }
}
