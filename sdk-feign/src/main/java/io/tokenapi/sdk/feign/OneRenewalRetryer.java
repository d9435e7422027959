package io.tokenapi.sdk.feign;

import feign.RetryableException;
import feign.Retryer;

/**
 * Retries a call at once, a single time, after a {@link RejectedTokenException}; every other
 * retryable failure goes to the application's retryer. Feign clones the retryer for each call, so
 * "once" is per call.
 */
final class OneRenewalRetryer implements Retryer {
  private final Retryer delegate;
  private boolean renewed;

  OneRenewalRetryer(Retryer delegate) {
    this.delegate = delegate;
  }

  @Override
  public void continueOrPropagate(RetryableException e) {
    if (e instanceof RejectedTokenException) {
      if (renewed) {
        throw e;
      }
      renewed = true;
      return;
    }
    delegate.continueOrPropagate(e);
  }

  @Override
  // Feign calls this for each call: the renewal allowance starts afresh.
  public Retryer clone() {
    return new OneRenewalRetryer(delegate.clone());
  }
}
