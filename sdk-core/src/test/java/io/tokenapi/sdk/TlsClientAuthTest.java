package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;

/**
 * {@code tlsClientAuth()} over real TLS: the certificate comes from the caller's OkHttpClient and
 * the form carries the client id and no secret.
 */
class TlsClientAuthTest {
  private static final HeldCertificate CA =
      new HeldCertificate.Builder().certificateAuthority(0).commonName("test-ca").build();
  private static final HeldCertificate SERVER =
      new HeldCertificate.Builder()
          .commonName("localhost")
          .addSubjectAlternativeName("localhost")
          .addSubjectAlternativeName("127.0.0.1")
          .signedBy(CA)
          .build();
  private static final HeldCertificate CLIENT =
      new HeldCertificate.Builder().commonName("mtls-client").signedBy(CA).build();

  @StartStop final MockWebServer server = new MockWebServer();

  @Test
  void tlsClientAuth_presentsTheCallersCertificate_andSendsClientIdWithoutSecret()
      throws Exception {
    HandshakeCertificates serverCertificates =
        new HandshakeCertificates.Builder()
            .heldCertificate(SERVER, CA.certificate())
            .addTrustedCertificate(CA.certificate())
            .build();
    server.useHttps(serverCertificates.sslSocketFactory());
    server.requireClientAuth();
    server.enqueue(
        new MockResponse.Builder()
            .body("{\"access_token\":\"mtls-token\",\"expires_in\":3600}")
            .build());
    HandshakeCertificates clientCertificates =
        new HandshakeCertificates.Builder()
            .addTrustedCertificate(CA.certificate())
            .heldCertificate(CLIENT, CA.certificate())
            .build();
    OkHttpClient http =
        new OkHttpClient.Builder()
            .sslSocketFactory(
                clientCertificates.sslSocketFactory(), clientCertificates.trustManager())
            .build();

    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.url("/"))
            .clientId("mtls-client")
            .tlsClientAuth()
            .httpClient(http)
            .tokenParameter("resource", "https://api.example.com")
            .retryPolicy(RetryPolicy.none())
            .build()) {
      assertThat(client.getToken().value()).isEqualTo("mtls-token");
    }

    RecordedRequest request = server.takeRequest();
    assertThat(request.getBody().utf8())
        .isEqualTo(
            "grant_type=client_credentials&client_id=mtls-client"
                + "&resource=https%3A%2F%2Fapi.example.com");
    assertThat(request.getHeaders().get("Authorization")).isNull();
    X509Certificate presented = (X509Certificate) request.getHandshake().peerCertificates().get(0);
    assertThat(presented).isEqualTo(CLIENT.certificate());
  }
}
