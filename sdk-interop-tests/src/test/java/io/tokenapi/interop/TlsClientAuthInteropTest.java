package io.tokenapi.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.ApiException;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * {@code tls_client_auth} (RFC 8705) against Spring Authorization Server over real TLS: the server
 * (Tomcat, TLS 1.3) asks for a client certificate and trusts one test CA; clients present
 * certificates from okhttp-tls {@link HeldCertificate}s signed by it. Spring matches the
 * certificate's subject DN against the registered client's. Tomcat warns at start that JSSE's TLS
 * 1.3 has no post-handshake authentication: harmless here, the certificate is asked for in the
 * handshake itself.
 */
class TlsClientAuthInteropTest {
  private static final String CLIENT_ID = "mtls-client";
  private static final char[] PASSWORD = "changeit".toCharArray();

  private static HeldCertificate ca;
  private static HeldCertificate clientCertificate;
  private static SpringAuthorizationServer server;

  @BeforeAll
  static void start() throws Exception {
    ca =
        new HeldCertificate.Builder().certificateAuthority(0).commonName("interop-test-ca").build();
    HeldCertificate serverCertificate =
        new HeldCertificate.Builder()
            .commonName("localhost")
            .addSubjectAlternativeName("127.0.0.1")
            .addSubjectAlternativeName("localhost")
            .signedBy(ca)
            .build();
    clientCertificate =
        new HeldCertificate.Builder()
            .commonName(CLIENT_ID)
            .organizationalUnit("payments")
            .signedBy(ca)
            .build();

    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "server",
        serverCertificate.keyPair().getPrivate(),
        PASSWORD,
        new Certificate[] {serverCertificate.certificate(), ca.certificate()});
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());

    List<RegisteredClient> clients = new ArrayList<>(InteropClients.all());
    clients.add(
        RegisteredClient.withId(UUID.randomUUID().toString())
            .clientId(CLIENT_ID)
            .clientAuthenticationMethod(ClientAuthenticationMethod.TLS_CLIENT_AUTH)
            .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
            .scopes(scopes -> scopes.addAll(List.of(InteropClients.SCOPES.split(" "))))
            .clientSettings(
                ClientSettings.builder()
                    // RFC 2253 form, as Spring compares it: "OU=payments,CN=mtls-client"
                    .x509CertificateSubjectDN(
                        clientCertificate.certificate().getSubjectX500Principal().getName())
                    .build())
            .tokenSettings(
                TokenSettings.builder().accessTokenFormat(OAuth2TokenFormat.REFERENCE).build())
            .build());
    server =
        SpringAuthorizationServer.start(
            clients, new SpringAuthorizationServer.Tls(keys, new String(PASSWORD), trust));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void forgetRequests() {
    server.clearRecordedRequests();
  }

  /** An OkHttpClient that trusts the test CA and presents {@code certificate}, if not null. */
  private static OkHttpClient httpClient(HeldCertificate certificate) {
    HandshakeCertificates.Builder tls =
        new HandshakeCertificates.Builder().addTrustedCertificate(ca.certificate());
    if (certificate != null) {
      tls.heldCertificate(certificate, ca.certificate());
    }
    HandshakeCertificates handshake = tls.build();
    return new OkHttpClient.Builder()
        .sslSocketFactory(handshake.sslSocketFactory(), handshake.trustManager())
        .build();
  }

  private static OAuthClient.Builder client(OkHttpClient http) {
    return OAuthClient.builder()
        .baseUrl(server.baseUrl())
        .tokenPath(SpringAuthorizationServer.TOKEN_PATH)
        .clientId(CLIENT_ID)
        .tlsClientAuth()
        .httpClient(http)
        .retryPolicy(RetryPolicy.none());
  }

  @Test
  void tlsClientAuth_withTheRegisteredCertificate_getsAToken() {
    try (OAuthClient client =
        client(httpClient(clientCertificate)).scope("payments.read").build()) {
      AccessToken token = client.getToken();

      assertThat(token.tokenType()).isEqualTo("Bearer");
      assertThat(token.scope()).contains("payments.read");
    }
    TokenRequestRecorder.RecordedTokenRequest request = server.lastTokenRequest();
    assertThat(request.form().keySet())
        .containsExactlyInAnyOrder("grant_type", "client_id", "scope");
    assertThat(request.authorizationScheme()).isEmpty();
  }

  @Test
  void readmeExample_withAPemCertificateAndKey_getsAToken() {
    String pem = clientCertificate.certificatePem() + clientCertificate.privateKeyPkcs8Pem();
    try (OAuthClient client =
        ClientCredentialsReadmeExamples.tlsClientAuth(
            server.baseUrl(), pem, ca.certificate(), ca.certificate())) {
      assertThat(client.getToken().tokenType()).isEqualTo("Bearer");
    }
  }

  @Test
  void certificateWithAnotherSubject_is401InvalidClient() {
    HeldCertificate stranger =
        new HeldCertificate.Builder().commonName("someone-else").signedBy(ca).build();
    try (OAuthClient client = client(httpClient(stranger)).build()) {
      ApiException e = catchThrowableOfType(ApiException.class, client::getToken);

      assertThat(e.statusCode()).isEqualTo(401);
      assertThat(e.error().orElseThrow().code()).isEqualTo("invalid_client");
    }
  }

  @Test
  void noClientCertificate_is401_withoutAnErrorBody() {
    // No certificate and no other credential: no client authentication is even attempted, so Spring
    // Security's entry point answers a bare 401 instead of an RFC 6749 invalid_client body.
    try (OAuthClient client = client(httpClient(null)).build()) {
      ApiException e = catchThrowableOfType(ApiException.class, client::getToken);

      assertThat(e.statusCode()).isEqualTo(401);
      assertThat(e.error()).isEmpty();
      assertThat(e.isRetryable()).isFalse();
    }
  }
}
