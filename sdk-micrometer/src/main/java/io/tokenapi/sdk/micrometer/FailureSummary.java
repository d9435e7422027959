package io.tokenapi.sdk.micrometer;

import io.tokenapi.sdk.ApiError;
import io.tokenapi.sdk.ApiException;
import io.tokenapi.sdk.OAuthException;

/**
 * What an Observation's error carries instead of the client's exception: its type, HTTP status,
 * error code and errorId. The exception's message may quote the server's free text, which a span
 * must not carry to a tracing backend.
 */
final class FailureSummary extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private FailureSummary(String summary) {
    super(summary, null, false, false);
  }

  static FailureSummary of(OAuthException failure) {
    StringBuilder s = new StringBuilder(failure.getClass().getSimpleName());
    if (failure instanceof ApiException api) {
      s.append(" status=").append(api.statusCode());
      if (api.error().isPresent()) {
        ApiError error = api.error().get();
        if (error.code() != null) {
          s.append(" code=").append(printable(error.code()));
        }
        if (error.errorId() != null) {
          s.append(" errorId=").append(printable(error.errorId()));
        }
      }
    }
    return new FailureSummary(s.toString());
  }

  static FailureSummary of(String errorType, int status) {
    return new FailureSummary(errorType + (status > 0 ? " status=" + status : ""));
  }

  /** The server's value, at most 64 printable ASCII characters: it is the server's text. */
  static String printable(String value) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < value.length() && s.length() < 64; i++) {
      char c = value.charAt(i);
      s.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return s.toString();
  }
}
