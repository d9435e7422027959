package io.tokenapi.sdk.resourcecontract;

import java.io.IOException;
import java.net.URI;

/**
 * A real resource server on loopback whose answers a test scripts and whose received calls it
 * reads. {@link HttpResourceServer} is the HTTP one; a gRPC integration brings its own.
 */
public interface ResourceServer extends AutoCloseable {

  /**
   * Where the resource is, addressed through {@code host} (the server listens on 127.0.0.1; the
   * host name only decides whether the integration sends the token).
   *
   * @param host {@link ResourceCallContract#ALLOWED_HOST} or {@link
   *     ResourceCallContract#OTHER_HOST}
   * @return the resource's URI
   */
  URI uri(String host);

  /**
   * The next call is answered 200 with {@code body}.
   *
   * @param body the body
   */
  void enqueueOk(String body);

  /**
   * The next call is answered 401 (gRPC: {@code UNAUTHENTICATED}); when {@code huge}, with a 6 KiB
   * {@code WWW-Authenticate} header and a 1 MiB body (gRPC: a 6 KiB status description). The header
   * stays under the 8 KiB that Reactor Netty and gRPC accept: past it the library itself refuses
   * the answer, before any integration sees it.
   *
   * @param huge whether the answer is oversized
   */
  void enqueueUnauthorized(boolean huge);

  /**
   * From now on, and instead of the script: a call carrying exactly {@code authorization} is
   * answered 401 (gRPC: {@code UNAUTHENTICATED}), every other call 200 with the body {@code
   * "renewed"}.
   *
   * @param authorization the rejected header value, {@code "Bearer <token>"}
   */
  void rejectOnly(String authorization);

  /**
   * The next call is answered with a redirect to {@code target}.
   *
   * @param target where to
   * @throws UnsupportedOperationException if the protocol has no redirects
   */
  void enqueueRedirect(URI target);

  /**
   * Whether the protocol has redirects.
   *
   * @return true for HTTP
   */
  boolean hasRedirects();

  /**
   * The next call received, waiting up to ten seconds.
   *
   * @return the call
   * @throws AssertionError if none arrived
   * @throws InterruptedException if interrupted while waiting
   */
  RecordedCall takeCall() throws InterruptedException;

  /**
   * How many calls were received so far.
   *
   * @return the count
   */
  int callCount();

  @Override
  void close() throws IOException;
}
