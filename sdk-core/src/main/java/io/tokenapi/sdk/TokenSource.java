package io.tokenapi.sdk;

import java.util.concurrent.CompletableFuture;

/**
 * Where the {@link TokenCache} gets a new token: a stage of the fetch pipeline. A source is asked,
 * never asks back: everything it needs about the cache's state comes in the {@link Fetch}.
 *
 * <pre>
 *   TokenCache ──▶ [SharedTokenFetcher] ──▶ RetryingTokenSource ──▶ TokenEndpoint
 *   (snapshot,      (optional: a TokenStore  (resilience4j Retry,    (one HTTP attempt)
 *    refresh,        shared by a fleet)       RetryRules)
 *    failures)
 * </pre>
 */
interface TokenSource {
  /**
   * A new token. The future completes exceptionally with an {@link OAuthException} when none could
   * be obtained. It may be complete on return when the first attempt ran on the calling thread
   * ({@link Fetch#blockingCaller}).
   */
  CompletableFuture<AccessToken> fetch(Fetch fetch);

  /** A resource server rejected {@code token}: never hand it out again. */
  void reject(AccessToken token);

  /** Closes this stage, then the ones below it. Idempotent. */
  void close();

  /**
   * What a caller of the cache above is told once it is closed, naming what the application holds:
   * an {@link OAuthClient} unless the source says otherwise (a {@link TenantTokens} tenant does).
   */
  default String closedMessage() {
    return "OAuthClient is closed: build a new client to get tokens.";
  }
}
