package io.tokenapi.sdk;

import io.tokenapi.sdk.internal.SafeText;
import java.io.IOException;
import java.time.Instant;

/**
 * The one place that turns an HTTP status or an I/O failure into the SDK's typed exceptions, with
 * messages that say what happened and what to do. Messages carry the status, the error code and the
 * errorId, never a secret.
 */
final class ExceptionFactory {
  /** How much of an I/O exception's message a TransportException quotes. */
  private static final int MAX_IO_MESSAGE_CHARS = 300;

  private ExceptionFactory() {}

  /**
   * @param retryAtFromWorkingHours whether {@code retryAt} is the working hours' next opening
   *     rather than the server's Retry-After
   */
  static ApiException forStatus(
      String url, int status, ApiError error, Instant retryAt, boolean retryAtFromWorkingHours) {
    String what = "Token request to " + url + " failed with HTTP " + status + describe(error);
    switch (status) {
      case 409:
        return new ConflictException(
            what
                + ". The provider reports a conflict for this client (for example a concurrent token request);"
                + " it is not retried: try again later.",
            error);
      case 500:
        return new InternalServerErrorException(
            what
                + ". The provider had an internal error; it is retried per RetryPolicy. If it persists,"
                + " contact the provider with the errorId.",
            error);
      case 503:
        return new ServiceUnavailableException(
            what
                + ". The token API is closed (non-working hours) or unavailable; "
                + (retryAt != null
                    ? "it expects requests again at " + retryAt + "."
                    : "try again later."),
            error,
            retryAt,
            retryAtFromWorkingHours);
      case 429:
        return new RateLimitedException(what + ". " + advice(status), error, retryAt);
      default:
        return new ApiException(what + ". " + advice(status), status, error);
    }
  }

  static TransportException transport(String url, IOException e) {
    return new TransportException(
        "Token request to "
            + url
            + " failed before an HTTP answer: "
            + e.getClass().getSimpleName()
            // OkHttp quotes the server's bytes in some messages (a bad chunk-size line).
            + (e.getMessage() != null
                ? ": " + SafeText.of(e.getMessage(), MAX_IO_MESSAGE_CHARS)
                : "")
            + ". Check network access to the token API; transport failures are retried per RetryPolicy.",
        e);
  }

  private static String advice(int status) {
    if (status >= 300 && status < 400) {
      return "The token request never follows redirects (a redirect could carry the client secret elsewhere):"
          + " point baseUrl and tokenPath at the final location.";
    }
    switch (status) {
      case 400:
        return "The provider rejected the request: check the client id, the scope and the client authentication"
            + " mode.";
      case 401:
        return "The provider did not accept the client credentials: check the client id and secret and the client"
            + " authentication mode.";
      case 403:
        return "The client is not allowed to get this token: check its permissions and the requested scope.";
      case 404:
        return "No token endpoint there: check baseUrl and tokenPath.";
      case 408:
      case 429:
      case 502:
      case 504:
        return "This is transient and retried per RetryPolicy; if it persists, try again later.";
      default:
        return status >= 500
            ? "The provider failed; try again later."
            : "The provider refused the request; it is not retried.";
    }
  }

  private static String describe(ApiError error) {
    if (error == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" (");
    sb.append("code=").append(ApiError.printable(error.code()));
    if (error.errorId() != null) {
      sb.append(", errorId=").append(ApiError.printable(error.errorId()));
    }
    sb.append(')');
    if (error.text() != null) {
      String text = error.text();
      // The caller appends ". <advice>": drop the provider's own full stop so the message does not
      // read "..".
      while (text.endsWith(".") && !text.endsWith("...")) {
        text = text.substring(0, text.length() - 1);
      }
      sb.append(": ").append(ApiError.printable(text));
    }
    return sb.toString();
  }
}
