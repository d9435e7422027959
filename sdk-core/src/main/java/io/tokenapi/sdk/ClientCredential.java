package io.tokenapi.sdk;

import java.util.function.Supplier;

/**
 * The one credential a client authenticates with, as {@link OAuthClient.Builder#build()} resolved
 * it. Holds secrets: no {@code toString()} beyond {@link #describe()}.
 */
final class ClientCredential {
  /** The kinds, by their RFC 8414 {@code token_endpoint_auth_method} names where one exists. */
  enum Kind {
    CLIENT_SECRET("client_secret"),
    PRIVATE_KEY_JWT("private_key_jwt"),
    CLIENT_ASSERTION("client_assertion"),
    TLS_CLIENT_AUTH("tls_client_auth");

    final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }
  }

  final Kind kind;

  /** Only for {@link Kind#CLIENT_SECRET}. */
  final String secret;

  /** Only for {@link Kind#CLIENT_SECRET}. */
  final ClientAuthentication authentication;

  /** A new assertion per call; only for the two assertion kinds. */
  final Supplier<String> assertions;

  private final String description;

  private ClientCredential(
      Kind kind,
      String secret,
      ClientAuthentication authentication,
      Supplier<String> assertions,
      String description) {
    this.kind = kind;
    this.secret = secret;
    this.authentication = authentication;
    this.assertions = assertions;
    this.description = description;
  }

  static ClientCredential secret(String secret, ClientAuthentication authentication) {
    return new ClientCredential(
        Kind.CLIENT_SECRET, secret, authentication, null, authentication.toString());
  }

  static ClientCredential privateKeyJwt(JwtAssertionSigner signer, String keyId) {
    return new ClientCredential(
        Kind.PRIVATE_KEY_JWT,
        null,
        null,
        signer::sign,
        "private_key_jwt (" + signer.algorithm() + ", kid=" + keyId + ")");
  }

  static ClientCredential clientAssertion(Supplier<String> assertions) {
    return new ClientCredential(
        Kind.CLIENT_ASSERTION, null, null, assertions, Kind.CLIENT_ASSERTION.wireName);
  }

  static ClientCredential tlsClientAuth() {
    return new ClientCredential(
        Kind.TLS_CLIENT_AUTH, null, null, null, Kind.TLS_CLIENT_AUTH.wireName);
  }

  /** Safe to log: the mode, algorithm and key id, never key, secret or assertion. */
  String describe() {
    return description;
  }

  @Override
  public String toString() {
    return "ClientCredential[" + description + "]";
  }
}
