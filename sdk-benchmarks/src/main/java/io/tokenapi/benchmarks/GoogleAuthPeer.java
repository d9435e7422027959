package io.tokenapi.benchmarks;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.OAuth2Credentials;
import java.io.IOException;
import java.time.Duration;
import java.util.Date;

/**
 * google-auth-library-java's token cache over our token endpoint. {@link OAuth2Credentials} is the
 * library's documented extension point for a non-Google token source: a subclass supplies {@code
 * refreshAccessToken()} and inherits the cache (immutable snapshot, fresh/stale/expired, one shared
 * refresh task). The fetch itself is the hand-written OkHttp + Jackson request, so only the caching
 * differs from ours.
 */
final class GoogleAuthPeer extends OAuth2Credentials {

  private static final long serialVersionUID = 1L;

  private final transient HandWrittenTokenClient fetcher;

  GoogleAuthPeer(HandWrittenTokenClient fetcher) {
    this.fetcher = fetcher;
  }

  /**
   * With the library's refresh and expiration margins set, for runs where the token turns stale.
   */
  GoogleAuthPeer(
      HandWrittenTokenClient fetcher, Duration refreshMargin, Duration expirationMargin) {
    super(null, refreshMargin, expirationMargin);
    this.fetcher = fetcher;
  }

  @Override
  public AccessToken refreshAccessToken() throws IOException {
    HandWrittenTokenClient.Token token = fetcher.fetch();
    return new AccessToken(token.value(), Date.from(token.expiresAt()));
  }

  @Override
  public boolean equals(Object other) {
    return this == other;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
