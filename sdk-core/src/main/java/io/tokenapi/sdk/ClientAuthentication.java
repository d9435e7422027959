package io.tokenapi.sdk;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** How the client presents its id and secret to the token endpoint. */
public enum ClientAuthentication {
  /**
   * The provider's format, and the default: {@code POST} with an {@code application/json} body
   * {@code {"client_id": "...", "client_secret": "..."}} (plus {@code "scope"} when one is
   * configured).
   */
  JSON_BODY,
  /**
   * RFC 6749 {@code client_secret_post}: a form body {@code
   * grant_type=client_credentials&client_id=...&client_secret=...} (plus {@code scope}).
   */
  CLIENT_SECRET_POST,
  /**
   * RFC 6749 {@code client_secret_basic}: a form body {@code grant_type=client_credentials} (plus
   * {@code scope}) and an HTTP Basic {@code Authorization} header of the form-encoded id and secret
   * (RFC 6749 section 2.3.1).
   */
  CLIENT_SECRET_BASIC;

  /**
   * The {@code id:secret} pair of {@link #CLIENT_SECRET_BASIC}'s header, before Base64: id and
   * secret form-urlencoded first (RFC 6749 2.3.1).
   */
  static String basicPair(String clientId, String clientSecret) {
    return URLEncoder.encode(clientId, StandardCharsets.UTF_8)
        + ":"
        + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
  }
}
