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
  private static final int MAX_TEXT = 200;

  private ExceptionFactory() {}

  static ApiException forStatus(String url, int status, ApiError error, Instant retryAt) {
    return forStatus(url, status, error, retryAt, false);
  }

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

  /**
   * A caller's own copy of a failure shared by every caller of one refresh (or remembered for the
   * failure window): same type, message and fields; an {@link ApiException} has the shared one as
   * its cause, the others keep their cause and take the shared one's stack. A caller can add
   * suppressed exceptions to it or rethrow it without another caller ever seeing that.
   */
  static OAuthException forCaller(OAuthException shared) {
    String message = shared.getMessage();
    OAuthException copy;
    if (shared instanceof ApiException) {
      ApiException api = (ApiException) shared;
      ApiError error = api.error().orElse(null);
      if (shared instanceof ConflictException) {
        copy = new ConflictException(message, error);
      } else if (shared instanceof InternalServerErrorException) {
        copy = new InternalServerErrorException(message, error);
      } else if (shared instanceof ServiceUnavailableException) {
        copy =
            new ServiceUnavailableException(
                message, error, ((ServiceUnavailableException) shared).retryAt().orElse(null));
      } else if (shared instanceof RateLimitedException) {
        copy =
            new RateLimitedException(
                message, error, ((RateLimitedException) shared).retryAt().orElse(null));
      } else if (shared.getClass() == ApiException.class) {
        copy = new ApiException(message, api.statusCode(), error);
      } else {
        return shared;
      }
      copy.initCause(shared);
      return copy;
    }
    // These keep their cause (the I/O failure, the parse error), which callers test for, and take
    // the shared one's stack instead.
    if (shared instanceof TransportException) {
      copy = new TransportException(message, shared.getCause());
    } else if (shared instanceof InvalidResponseException) {
      copy =
          new InvalidResponseException(
              message, ((InvalidResponseException) shared).statusCode(), shared.getCause());
    } else if (shared.getClass() == OAuthException.class) {
      copy = new OAuthException(message, shared.getCause());
    } else {
      return shared;
    }
    copy.setStackTrace(shared.getStackTrace());
    return copy;
  }

  static TransportException transport(String url, IOException e) {
    return new TransportException(
        "Token request to "
            + url
            + " failed before an HTTP answer: "
            + e.getClass().getSimpleName()
            + (e.getMessage() != null ? ": " + e.getMessage() : "")
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
    sb.append("code=").append(printable(error.code()));
    if (error.errorId() != null) {
      sb.append(", errorId=").append(printable(error.errorId()));
    }
    sb.append(')');
    if (error.text() != null) {
      String text = error.text();
      // The caller appends ". <advice>": drop the provider's own full stop so the message does not
      // read "..".
      while (text.endsWith(".") && !text.endsWith("...")) {
        text = text.substring(0, text.length() - 1);
      }
      sb.append(": ").append(printable(text));
    }
    return sb.toString();
  }

  /**
   * The server's text made safe for one log line: at most {@value #MAX_TEXT} characters, and line
   * breaks, other control characters and invisible format characters (such as bidi overrides)
   * escaped ({@link SafeText}), so that a hostile error body can neither flood a log nor forge log
   * lines.
   */
  static String printable(String text) {
    return SafeText.of(text, MAX_TEXT);
  }
}
