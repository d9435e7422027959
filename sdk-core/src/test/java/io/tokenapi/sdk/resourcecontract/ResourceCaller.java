package io.tokenapi.sdk.resourcecontract;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * The integration under test, as the contract drives it: a client library set up the way the
 * integration's documentation says, with the integration allowed to send the token to {@link
 * ResourceCallContract#ALLOWED_HOST} only.
 */
public interface ResourceCaller extends AutoCloseable {

  /**
   * Calls {@code uri} and waits for the answer. A status the client library reports as an exception
   * (a 401 from Feign, say) is returned as a {@link Reply} with that status; only a failure to get
   * an answer is thrown.
   *
   * @param uri the resource
   * @return the answer
   * @throws Exception the client library's natural error when there is no answer
   */
  Reply call(URI uri) throws Exception;

  /**
   * Whether {@link #callAsync} is supported: the client library has an asynchronous path the
   * integration serves.
   *
   * @return false unless overridden
   */
  default boolean hasAsync() {
    return false;
  }

  /**
   * Starts calling {@code uri} on the library's asynchronous path and returns at once.
   *
   * @param uri the resource
   * @return the answer, or the library's error
   */
  default CompletableFuture<Reply> callAsync(URI uri) {
    throw new UnsupportedOperationException("no asynchronous path");
  }

  /**
   * The integration's own object (interceptor, filter, credentials), whose {@code toString()} is
   * checked for secrets.
   *
   * @return the integration object
   */
  Object integration();

  /** Releases the library's client (threads, connections); not the {@code OAuthClient}. */
  @Override
  void close();
}
