package io.tokenapi.sdk;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Unwrapping and awaiting the pipeline's futures, so every stage ends with the typed contract. */
final class Futures {
  private Futures() {}

  /** The failure inside the wrappers that {@link CompletableFuture} adds. */
  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * The failure as an {@link OAuthException}: itself when it is one, else wrapped. The one place an
   * unexpected failure gets the SDK's type.
   */
  static OAuthException typed(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof OAuthException) {
      return (OAuthException) cause;
    }
    return new OAuthException(
        "Token request failed unexpectedly ("
            + cause.getClass().getName()
            + "); if the client was closed, build a new one.",
        cause);
  }

  /**
   * Waits for a token future on the caller's thread, interruptibly, and rethrows its typed
   * exception. An interrupt ends only this caller's wait: the shared refresh goes on for the
   * others.
   */
  static AccessToken await(CompletableFuture<AccessToken> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OAuthException(
          "Interrupted while waiting for an access token; the refresh goes on for other callers."
              + " Call getToken() again if the work should continue.",
          e);
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof IllegalStateException) {
        // The client was closed while this caller waited: same type as calling a closed client,
        // this caller's stack.
        throw new IllegalStateException(cause.getMessage(), cause);
      }
      throw typed(cause);
    }
  }
}
