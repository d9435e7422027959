package io.tokenapi.sdk;

import io.tokenapi.sdk.internal.SafeText;
import java.util.Optional;

/**
 * The error body of a failed token request.
 *
 * <p>Parsed from the provider's envelope {@code {errorId, code, text, parameter_name,
 * parameter_value}} and from RFC 6749 section 5.2 bodies, where {@code error} becomes {@link
 * #code()} and {@code error_description} becomes {@link #text()}. The client secret and token
 * values are replaced by {@code [REDACTED]} wherever the server echoed them.
 */
public final class ApiError {
  /** The longest server text {@link #printable} keeps. */
  private static final int MAX_TEXT = 200;

  private final String errorId;
  private final String code;
  private final String text;
  private final String parameterName;
  private final Object parameterValue;

  /**
   * Creates an error value.
   *
   * @param errorId the server's id of this error event, or null
   * @param code the error code, or null
   * @param text the human-readable text, or null
   * @param parameterName the request parameter the error is about, or null
   * @param parameterValue that parameter's value as plain Java (String, Number, Boolean, List, Map)
   *     or null
   */
  public ApiError(
      String errorId, String code, String text, String parameterName, Object parameterValue) {
    this.errorId = errorId;
    this.code = code;
    this.text = text;
    this.parameterName = parameterName;
    this.parameterValue = parameterValue;
  }

  /**
   * The server's id of this error event ({@code errorId}), for support requests.
   *
   * @return the error id, or null when the server sent none
   */
  public String errorId() {
    return errorId;
  }

  /**
   * The error code ({@code code}, or RFC 6749 {@code error}).
   *
   * @return the code, or null when the server sent none
   */
  public String code() {
    return code;
  }

  /**
   * The error text ({@code text}, or RFC 6749 {@code error_description}).
   *
   * @return the text, or null when the server sent none
   */
  public String text() {
    return text;
  }

  /**
   * The request parameter the error is about ({@code parameter_name}), usually for validation
   * errors.
   *
   * @return the parameter name, or empty
   */
  public Optional<String> parameterName() {
    return Optional.ofNullable(parameterName);
  }

  /**
   * The value of that parameter as the server echoed it ({@code parameter_value}): String, Number,
   * Boolean, List, Map or null. A client secret echoed here is replaced by {@code [REDACTED]}.
   *
   * @return the value, or null
   */
  public Object parameterValue() {
    return parameterValue;
  }

  /**
   * Describes the error by id, code, text and parameter name; the parameter value is left out
   * because it may be an input the caller considers sensitive. The server's texts are cut to 200
   * characters each, with control characters, line separators and invisible format characters
   * escaped, so no server text can start a new log line.
   *
   * @return a description that is safe to log
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ApiError[");
    sb.append("code=").append(printable(code));
    if (errorId != null) {
      sb.append(", errorId=").append(printable(errorId));
    }
    if (text != null) {
      sb.append(", text=").append(printable(text));
    }
    if (parameterName != null) {
      sb.append(", parameter=").append(printable(parameterName));
    }
    return sb.append(']').toString();
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
