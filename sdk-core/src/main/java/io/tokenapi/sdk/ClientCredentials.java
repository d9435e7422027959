package io.tokenapi.sdk;

import java.util.ArrayList;
import java.util.List;

/**
 * Resolves the one credential a client authenticates with from its settings, and builds the JWT
 * signer of a {@code privateKeyJwt} client. Called by {@link OAuthClient.Builder#build()}: every
 * message names the setters to change.
 */
final class ClientCredentials {
  private ClientCredentials() {}

  /**
   * The one credential, checked.
   *
   * @throws IllegalStateException if there is not exactly one credential, a setting does not apply
   *     to it, a key does not fit, or {@code tlsClientAuth} lacks its client or {@code https://}
   */
  static ClientCredential resolve(ClientSettings s) {
    List<String> set = new ArrayList<>();
    if (s.clientSecret != null) {
      set.add("clientSecret(...)");
    }
    if (s.privateKey != null) {
      set.add("privateKeyJwt(...)");
    }
    if (s.clientAssertion != null) {
      set.add("clientAssertion(...)");
    }
    if (s.tlsClientAuth) {
      set.add("tlsClientAuth()");
    }
    if (set.isEmpty()) {
      throw new IllegalStateException(
          "clientSecret is not set: call clientSecret(...), or for a client without a shared"
              + " secret privateKeyJwt(...), clientAssertion(...) or tlsClientAuth()");
    }
    if (set.size() > 1) {
      throw new IllegalStateException(
          String.join(" and ", set)
              + " are all set: a client authenticates with exactly one credential, remove all"
              + " but one");
    }
    if (s.clientAuthenticationSet && s.clientSecret == null) {
      throw new IllegalStateException(
          "clientAuthentication(...) applies to clientSecret(...) only: "
              + set.get(0)
              + " always sends an RFC 6749 form, remove clientAuthentication(...)");
    }
    if (s.privateKey == null && (s.assertionAudience != null || s.assertionLifetime != null)) {
      throw new IllegalStateException(
          (s.assertionAudience != null ? "assertionAudience(...)" : "assertionLifetime(...)")
              + " applies to privateKeyJwt(...) only: an assertion from "
              + set.get(0)
              + " is made elsewhere, remove it");
    }
    if (s.clientSecret != null) {
      return ClientCredential.secret(s.clientSecret, s.clientAuthentication);
    }
    if (s.clientAssertion != null) {
      return ClientCredential.clientAssertion(s.clientAssertion);
    }
    if (s.tlsClientAuth) {
      if (s.httpClient == null) {
        throw new IllegalStateException(
            "tlsClientAuth() needs the client certificate: call httpClient(...) with an"
                + " OkHttpClient whose sslSocketFactory(...) holds it (for example from"
                + " okhttp-tls HandshakeCertificates with a HeldCertificate)");
      }
      if (!s.baseUrl.isHttps()) {
        throw new IllegalStateException(
            "tlsClientAuth() authenticates with a TLS client certificate, which http:// cannot"
                + " carry: use an https:// baseUrl");
      }
      return ClientCredential.tlsClientAuth();
    }
    return ClientCredential.privateKeyJwt(signer(s), s.keyId);
  }

  /** The signer of a {@code privateKeyJwt} client; the key is checked against the algorithm. */
  private static JwtAssertionSigner signer(ClientSettings s) {
    JwtAssertionSigner.Algorithm algorithm =
        JwtAssertionSigner.algorithmFor(s.privateKey, s.jwtAlgorithm);
    return new JwtAssertionSigner(
        s.privateKey,
        algorithm,
        s.keyId,
        s.clientId,
        s.assertionAudience != null ? s.assertionAudience : s.tokenUrl().toString(),
        s.assertionLifetime != null ? s.assertionLifetime : JwtAssertionSigner.DEFAULT_LIFETIME,
        s.clock);
  }
}
