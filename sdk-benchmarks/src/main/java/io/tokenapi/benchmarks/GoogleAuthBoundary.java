package io.tokenapi.benchmarks;

import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Date;

/**
 * google-auth at the refresh boundary. Its clock cannot be injected through public API, so this
 * uses real time and a short-lived token: 3 s lifetime, stale 2 s before expiry (refresh margin),
 * expired 0.5 s before. Note that {@code getRequestMetadata(URI)} runs the refresh on the first
 * caller that sees the stale token.
 */
final class GoogleAuthBoundary implements RefreshBoundaryHarness.Contender {

  static final long TOKEN_LIFETIME_SECONDS = 3;
  private static final Duration REFRESH_MARGIN = Duration.ofSeconds(2);
  private static final Duration EXPIRATION_MARGIN = Duration.ofMillis(500);
  private static final URI RESOURCE_URI = URI.create("https://api.example.com/v1/payments");

  private final GoogleAuthPeer credentials;

  GoogleAuthBoundary(FakeTokenServer server) throws IOException {
    this.credentials =
        new GoogleAuthPeer(Contenders.handWritten(server), REFRESH_MARGIN, EXPIRATION_MARGIN);
    credentials.getRequestMetadata(RESOURCE_URI);
  }

  @Override
  public Object getToken() throws IOException {
    return credentials.getRequestMetadata(RESOURCE_URI);
  }

  @Override
  public Object cachedToken() {
    return credentials.getAccessToken();
  }

  @Override
  public void approachStale(Duration margin) throws InterruptedException {
    Date expiry = credentials.getAccessToken().getExpirationTime();
    long staleAtMillis = expiry.getTime() - REFRESH_MARGIN.toMillis();
    long sleepMillis = staleAtMillis - margin.toMillis() - System.currentTimeMillis();
    if (sleepMillis > 0) {
      Thread.sleep(sleepMillis);
    }
  }

  @Override
  public void crossIntoStale() {
    // Real time crosses by itself: approachStale() returned MARGIN before the stale moment.
  }
}
