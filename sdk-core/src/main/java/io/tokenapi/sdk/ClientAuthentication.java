package io.tokenapi.sdk;

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
  CLIENT_SECRET_BASIC
}
