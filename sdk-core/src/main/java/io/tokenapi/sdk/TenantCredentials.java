package io.tokenapi.sdk;

import java.security.PrivateKey;
import java.util.function.Supplier;

/**
 * One tenant's client credentials, as a {@link TenantTokens.Builder#credentials credentials lookup}
 * returns them: a client id with exactly one of a secret, a private key for {@code
 * private_key_jwt}, or a supplier of client assertions. Immutable. {@link #toString()} names the
 * client id and the kind, never the secret, key or an assertion.
 */
public final class TenantCredentials {
  private final String clientId;
  private final String secret;
  private final PrivateKey key;
  private final String keyId;
  private final Supplier<String> assertions;

  private TenantCredentials(
      String clientId, String secret, PrivateKey key, String keyId, Supplier<String> assertions) {
    this.clientId = clientId;
    this.secret = secret;
    this.key = key;
    this.keyId = keyId;
    this.assertions = assertions;
  }

  /**
   * A client id and secret, sent the way {@link TenantTokens.Builder#clientAuthentication} says
   * (default the provider's JSON body).
   *
   * @param clientId the tenant's client id
   * @param secret the tenant's client secret
   * @return the credentials
   * @throws IllegalArgumentException if an argument is null or blank (the message never holds the
   *     secret)
   */
  public static TenantCredentials clientSecret(String clientId, String secret) {
    return new TenantCredentials(
        nonBlank(clientId, "clientId"), nonBlank(secret, "secret"), null, null, null);
  }

  /**
   * A client id and a private key: each token request carries a new JWT signed with the key ({@code
   * private_key_jwt}, RFC 7523), its algorithm chosen from the key (RS256 for RSA of at least 2048
   * bits, ES256/ES384 for EC P-256/P-384).
   *
   * @param clientId the tenant's client id, also the JWT's issuer and subject
   * @param key the tenant's private key
   * @param keyId the {@code kid} the provider knows the key by
   * @return the credentials
   * @throws IllegalArgumentException if an argument is null or blank, or the key does not fit
   */
  public static TenantCredentials privateKeyJwt(String clientId, PrivateKey key, String keyId) {
    if (key == null) {
      throw new Invalid("key == null");
    }
    try {
      JwtAssertionSigner.algorithmFor(key, null);
    } catch (IllegalStateException e) {
      throw new Invalid(e.getMessage());
    }
    return new TenantCredentials(
        nonBlank(clientId, "clientId"), null, key, nonBlank(keyId, "keyId"), null);
  }

  /**
   * A client id and a supplier of client assertions (RFC 7521), asked for a new one for each token
   * request: for assertions made elsewhere (a workload identity, a signing service).
   *
   * @param clientId the tenant's client id
   * @param assertion returns the assertion to send; see {@link ClientAssertions#fromFile}
   * @return the credentials
   * @throws IllegalArgumentException if an argument is null, or {@code clientId} is blank
   */
  public static TenantCredentials clientAssertion(String clientId, Supplier<String> assertion) {
    if (assertion == null) {
      throw new Invalid("assertion == null");
    }
    return new TenantCredentials(nonBlank(clientId, "clientId"), null, null, null, assertion);
  }

  /**
   * The client id.
   *
   * @return the client id, never null
   */
  public String clientId() {
    return clientId;
  }

  /** The credential the pipeline sends, resolved against the shared settings. */
  ClientCredential resolve(ClientSettings s) {
    if (secret != null) {
      return ClientCredential.secret(secret, s.clientAuthentication);
    }
    if (assertions != null) {
      return ClientCredential.clientAssertion(assertions);
    }
    JwtAssertionSigner signer =
        new JwtAssertionSigner(
            key,
            JwtAssertionSigner.algorithmFor(key, null),
            keyId,
            clientId,
            s.tokenUrl().toString(),
            JwtAssertionSigner.DEFAULT_LIFETIME,
            s.clock);
    return ClientCredential.privateKeyJwt(signer, keyId);
  }

  /** The secret, or null for the assertion kinds: for redacting echoed error text. */
  String secret() {
    return secret;
  }

  /**
   * Names the client id (control characters escaped) and the kind; never a secret, key or
   * assertion.
   *
   * @return a description that is safe to log
   */
  @Override
  public String toString() {
    String kind =
        secret != null
            ? "client_secret"
            : assertions != null
                ? "client_assertion"
                : "private_key_jwt (kid=" + ApiError.printable(keyId) + ")";
    return "TenantCredentials[clientId=" + ApiError.printable(clientId) + ", " + kind + "]";
  }

  private static String nonBlank(String value, String name) {
    if (value == null) {
      throw new Invalid(name + " == null");
    }
    if (value.isBlank()) {
      throw new Invalid(name + " is blank");
    }
    return value;
  }

  /**
   * Thrown by the factories: its message is the SDK's own and holds no secret, so a lookup that
   * lets it escape may have it quoted.
   */
  static final class Invalid extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }
}
