package io.tokenapi.sdk.micrometer;

import io.tokenapi.sdk.ApiException;
import io.tokenapi.sdk.OAuthClientListener.FetchEnded;
import io.tokenapi.sdk.OAuthClientListener.TokenOrigin;

/** The low-cardinality tag values of an ended fetch. */
record FetchOutcome(String outcome, String source, String statusClass, String error) {

  /**
   * @param origin where the token came from, or null when the fetch did not say (then a success
   *     without an HTTP attempt is the store's)
   */
  static FetchOutcome of(FetchEnded event, TokenOrigin origin) {
    if (event.failure() == null) {
      boolean store = origin != null ? origin == TokenOrigin.STORE : event.attempts() == 0;
      return new FetchOutcome(
          "success", store ? "store" : "provider", store ? "none" : "2xx", "none");
    }
    int status = event.failure() instanceof ApiException api ? api.statusCode() : 0;
    return new FetchOutcome(
        "failure", "none", statusClass(status), event.failure().getClass().getSimpleName());
  }

  static String statusClass(int status) {
    return status >= 100 && status < 600 ? (status / 100) + "xx" : "none";
  }
}
