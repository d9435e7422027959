package io.tokenapi.interop;

import io.tokenapi.sdk.ClientAssertions;
import io.tokenapi.sdk.OAuthClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * The snippets of docs/credentials.md's section "Client credentials without a shared secret",
 * compiled here and run against the embedded server by the interop tests. {@link
 * ClientCredentialsReadmeTest} checks that the docs show exactly the regions marked {@code //
 * README name: begin/end}.
 */
final class ClientCredentialsReadmeExamples {
  private ClientCredentialsReadmeExamples() {}

  static OAuthClient privateKeyJwt(String authServerUrl, String privateKeyPem)
      throws GeneralSecurityException {
    // README private-key-jwt: begin
    // A PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"); KeyFactory "EC" for an EC key.
    byte[] der = Base64.getMimeDecoder().decode(privateKeyPem.replaceAll("-----[A-Z ]+-----", ""));
    PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));

    OAuthClient client =
        OAuthClient.builder()
            .baseUrl(authServerUrl) // e.g. "https://auth.example.com"
            .tokenPath("/oauth2/token")
            .clientId("jwt-rs256-client")
            .privateKeyJwt(key, "rsa-1") // the kid under which the server knows the public key
            .scope("payments.read")
            .build();
    // README private-key-jwt: end
    return client;
  }

  static OAuthClient clientAssertionFromFile(String authServerUrl, Path assertionFile) {
    // README client-assertion: begin
    OAuthClient client =
        OAuthClient.builder()
            .baseUrl(authServerUrl)
            .tokenPath("/oauth2/token")
            .clientId("jwt-rs256-client")
            // e.g. Path.of("/var/run/secrets/tokens/client-assertion"): read for every request
            .clientAssertion(ClientAssertions.fromFile(assertionFile))
            .build();
    // README client-assertion: end
    return client;
  }

  static OAuthClient tlsClientAuth(
      String authServerUrl,
      String certificateAndKeyPem,
      X509Certificate issuer,
      X509Certificate serverCa) {
    // README tls-client-auth: begin
    // The client certificate and its PKCS#8 private key, PEM, in one string.
    HeldCertificate clientCertificate = HeldCertificate.decode(certificateAndKeyPem);
    HandshakeCertificates tls =
        new HandshakeCertificates.Builder()
            .heldCertificate(clientCertificate, issuer) // the chain up to the CA the server trusts
            .addTrustedCertificate(serverCa) // or .addPlatformTrustedCertificates()
            .build();
    OkHttpClient http =
        new OkHttpClient.Builder()
            .sslSocketFactory(tls.sslSocketFactory(), tls.trustManager())
            .build();

    OAuthClient client =
        OAuthClient.builder()
            .baseUrl(authServerUrl) // https:// only
            .tokenPath("/oauth2/token")
            .clientId("mtls-client")
            .tlsClientAuth()
            .httpClient(http) // the certificate comes from this client's TLS settings
            .build();
    // README tls-client-auth: end
    return client;
  }

  static OAuthClient tokenParameters(String authServerUrl, PrivateKey key) {
    // README token-parameters: begin
    OAuthClient client =
        OAuthClient.builder()
            .baseUrl(authServerUrl)
            .tokenPath("/oauth2/token")
            .clientId("jwt-rs256-client")
            .privateKeyJwt(key, "rsa-1")
            .tokenParameter("resource", "https://payments.example.com") // RFC 8707
            .tokenParameter("audience", "payments-api") // Auth0 and others
            .build();
    // README token-parameters: end
    return client;
  }
}
