package io.tokenapi.sdk.feign;

import feign.Response;
import feign.RetryableException;

/**
 * A 401 for the bearer token this SDK sent: retryable once, by {@link OneRenewalRetryer}, with the
 * new token the interceptor puts on the request. Its cause is what the application's own error
 * decoder made of the 401, so a caller who unwraps sees that.
 */
final class RejectedTokenException extends RetryableException {
  private static final long serialVersionUID = 1L;

  RejectedTokenException(Response response, Exception decoded) {
    super(
        response.status(),
        "the server rejected the bearer token (401); retrying once with a new token",
        response.request().httpMethod(),
        decoded,
        (Long) null,
        response.request());
  }
}
