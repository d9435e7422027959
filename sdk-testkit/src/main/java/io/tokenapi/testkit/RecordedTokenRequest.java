package io.tokenapi.testkit;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request received by a {@link FakeTokenServer}, with the client credentials it carried already
 * decoded.
 *
 * <p>Instances are immutable. {@link #toString()} shows the method, path, authentication style and
 * client id but never the client secret, the body or the headers (which hold the secret in the
 * form, JSON or Basic styles).
 */
public final class RecordedTokenRequest {

  /**
   * How the client presented its credentials. The names match the SDK's {@code
   * ClientAuthentication}.
   */
  public enum AuthStyle {
    /**
     * The provider's format: {@code application/json} body {@code {"client_id": ...,
     * "client_secret": ...}}.
     */
    JSON_BODY,
    /** RFC 6749 form body {@code grant_type=client_credentials&client_id=...&client_secret=...}. */
    CLIENT_SECRET_POST,
    /**
     * RFC 6749 form body plus {@code Authorization: Basic base64(urlencode(id):urlencode(secret))}.
     */
    CLIENT_SECRET_BASIC,
    /** No credentials were found in the request. */
    NONE
  }

  private final String method;
  private final String path;
  private final Map<String, List<String>> headers;
  private final String body;
  private final AuthStyle authStyle;
  private final String clientId;
  private final String clientSecret;
  private final String grantType;
  private final String scope;
  private final Instant receivedAt;

  /** Why the request cannot be served (malformed body, two authentication methods...), or null. */
  private final Problem problem;

  RecordedTokenRequest(
      String method,
      String path,
      Map<String, List<String>> headers,
      String body,
      AuthStyle authStyle,
      String clientId,
      String clientSecret,
      String grantType,
      String scope,
      Instant receivedAt,
      Problem problem) {
    this.method = Objects.requireNonNull(method, "method == null");
    this.path = Objects.requireNonNull(path, "path == null");
    this.headers = Map.copyOf(headers);
    this.body = Objects.requireNonNull(body, "body == null");
    this.authStyle = Objects.requireNonNull(authStyle, "authStyle == null");
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.grantType = grantType;
    this.scope = scope;
    this.receivedAt = Objects.requireNonNull(receivedAt, "receivedAt == null");
    this.problem = problem;
  }

  /**
   * Returns the HTTP method.
   *
   * @return the method, such as {@code "POST"}
   */
  public String method() {
    return method;
  }

  /**
   * Returns the request path without the query string.
   *
   * @return the encoded path, such as {@code "/v1/oauth/token"}
   */
  public String path() {
    return path;
  }

  /**
   * Returns all request headers. Names are lower case; a header sent several times has several
   * values.
   *
   * @return an unmodifiable map from lower-case header name to its values in the order received
   */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /**
   * Returns the first value of a header.
   *
   * @param name the header name, matched ignoring case
   * @return the first value, or empty when the header is absent
   */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * Returns the {@code Content-Type} header as sent, parameters included.
   *
   * @return the content type, or empty when the request had none
   */
  public Optional<String> contentType() {
    return header("Content-Type");
  }

  /**
   * Returns the request body decoded as UTF-8. It holds the client secret in the JSON and form
   * styles. Bodies longer than 64 KiB are cut at that size.
   *
   * @return the body, or an empty string when there was none
   */
  public String body() {
    return body;
  }

  /**
   * Returns how the client presented its credentials.
   *
   * @return the authentication style; {@link AuthStyle#NONE} when the request carried no
   *     credentials
   */
  public AuthStyle authStyle() {
    return authStyle;
  }

  /**
   * Returns the client id, decoded from the JSON body, the form or the Basic header.
   *
   * @return the client id, or empty when the request carried none
   */
  public Optional<String> clientId() {
    return Optional.ofNullable(clientId);
  }

  /**
   * Returns the client secret, decoded from the JSON body, the form or the Basic header.
   *
   * @return the client secret, or empty when the request carried none
   */
  public Optional<String> clientSecret() {
    return Optional.ofNullable(clientSecret);
  }

  /**
   * Returns the {@code grant_type} parameter.
   *
   * @return the grant type, such as {@code "client_credentials"}, or empty when absent (the
   *     provider's JSON format has none)
   */
  public Optional<String> grantType() {
    return Optional.ofNullable(grantType);
  }

  /**
   * Returns the {@code scope} parameter.
   *
   * @return the requested scope, or empty when absent
   */
  public Optional<String> scope() {
    return Optional.ofNullable(scope);
  }

  /**
   * Returns when the request arrived, read from the server's {@link
   * FakeTokenServer#clock(java.time.Clock) clock}.
   *
   * @return the arrival instant
   */
  public Instant receivedAt() {
    return receivedAt;
  }

  Problem problem() {
    return problem;
  }

  /**
   * Describes the request without the client secret, the body or the headers.
   *
   * @return a description such as {@code RecordedTokenRequest{POST /v1/oauth/token, JSON_BODY,
   *     clientId=test-client}}
   */
  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder("RecordedTokenRequest{")
            .append(method)
            .append(' ')
            .append(path)
            .append(", ")
            .append(authStyle);
    if (clientId != null) {
      s.append(", clientId=").append(clientId);
    }
    if (clientSecret != null) {
      s.append(", clientSecret=<redacted>");
    }
    if (grantType != null) {
      s.append(", grantType=").append(grantType);
    }
    if (scope != null) {
      s.append(", scope=").append(scope);
    }
    return s.append('}').toString();
  }

  /**
   * Why a request cannot be served.
   *
   * @param status the HTTP status to answer
   * @param code the error code: an RFC 6749 {@code error} when {@code oauth}, else the provider's
   *     {@code code}
   * @param text the human-readable description
   * @param oauth true to answer with an RFC 6749 body, false with the provider's envelope
   */
  record Problem(int status, String code, String text, boolean oauth) {}
}
