package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenapi.sdk.okhttp.BearerTokenInterceptor;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transport security: the real TLS path with a self-signed certificate the test trusts, TLS
 * failures as {@link TransportException}, clear-text HTTP only to loopback, a token request that
 * never follows a redirect, and a bearer token that goes only to the interceptor's allowed host.
 */
class TlsTest {
  private static final String SECRET = "tls-s3cret-77aa";
  private static final String TOKEN = "{\"access_token\":\"tls-token-value\",\"expires_in\":3600}";

  /**
   * One certificate for the whole class: generating an RSA/EC key per test is slow on a busy
   * machine.
   */
  private static final HeldCertificate LOCALHOST =
      new HeldCertificate.Builder()
          .commonName("localhost")
          .addSubjectAlternativeName("localhost")
          .addSubjectAlternativeName("127.0.0.1")
          .build();

  private static final HandshakeCertificates SERVER_CERTIFICATES =
      new HandshakeCertificates.Builder().heldCertificate(LOCALHOST).build();
  private static final HandshakeCertificates CLIENT_TRUST =
      new HandshakeCertificates.Builder().addTrustedCertificate(LOCALHOST.certificate()).build();

  @StartStop final MockWebServer server = new MockWebServer();
  @StartStop final MockWebServer elsewhere = new MockWebServer();

  private static OkHttpClient trustingClient() {
    return new OkHttpClient.Builder()
        .sslSocketFactory(CLIENT_TRUST.sslSocketFactory(), CLIENT_TRUST.trustManager())
        .build();
  }

  private OAuthClient.Builder client() {
    return OAuthClient.builder()
        .baseUrl(server.url("/"))
        .clientId("tls-client")
        .clientSecret(SECRET)
        .retryPolicy(RetryPolicy.none());
  }

  private static void assertNoSecret(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t)).doesNotContain(SECRET);
    }
  }

  @Test
  void https_withATrustedSelfSignedCertificate_getsAToken_overTls() throws Exception {
    server.useHttps(SERVER_CERTIFICATES.sslSocketFactory());
    server.enqueue(new MockResponse.Builder().body(TOKEN).build());
    OkHttpClient caller = trustingClient();

    try (OAuthClient client = client().httpClient(caller).build()) {
      assertThat(client.getToken().value()).isEqualTo("tls-token-value");
    }

    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request.getUrl().isHttps()).isTrue();
    assertThat(request.getHandshake()).isNotNull();
    assertThat(request.getHandshake().tlsVersion().javaName()).startsWith("TLSv1.");
    assertThat(request.getBody().utf8()).contains(SECRET);
    // close() left the caller's client alone: it still makes calls.
    server.enqueue(new MockResponse.Builder().body("ok").build());
    try (Response r =
        caller.newCall(new Request.Builder().url(server.url("/other")).build()).execute()) {
      assertThat(r.code()).isEqualTo(200);
    }
  }

  @Test
  void https_withAnUntrustedCertificate_isTransportException_andTheSecretIsNeverSent()
      throws Exception {
    server.useHttps(SERVER_CERTIFICATES.sslSocketFactory());
    server.enqueue(new MockResponse.Builder().body(TOKEN).build());

    TransportException e;
    // The SDK's own OkHttpClient trusts only the JVM's CAs, not the self-signed certificate.
    try (OAuthClient client = client().build()) {
      e = catchThrowableOfType(TransportException.class, client::getToken);
    }

    assertThat(e).isNotNull();
    assertThat(e.getCause()).isInstanceOf(SSLHandshakeException.class);
    assertNoSecret(e);
    RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
    assertThat(
            request == null
                || request.getBody() == null
                || !request.getBody().utf8().contains(SECRET))
        .as("no token request body reached the server")
        .isTrue();
  }

  @Test
  void https_withACertificateForAnotherHost_isTransportException() throws Exception {
    HeldCertificate other =
        new HeldCertificate.Builder().addSubjectAlternativeName("api.example.com").build();
    server.useHttps(
        new HandshakeCertificates.Builder().heldCertificate(other).build().sslSocketFactory());
    server.enqueue(new MockResponse.Builder().body(TOKEN).build());
    HandshakeCertificates trustOther =
        new HandshakeCertificates.Builder().addTrustedCertificate(other.certificate()).build();
    OkHttpClient caller =
        new OkHttpClient.Builder()
            .sslSocketFactory(trustOther.sslSocketFactory(), trustOther.trustManager())
            .build();

    TransportException e;
    try (OAuthClient client = client().httpClient(caller).build()) {
      e = catchThrowableOfType(TransportException.class, client::getToken);
    }

    assertThat(e).isNotNull();
    assertThat(e.getCause()).isInstanceOf(javax.net.ssl.SSLPeerUnverifiedException.class);
    assertNoSecret(e);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://api.example.com",
        "http://10.0.0.1",
        "http://192.168.1.10:8080",
        "http://0.0.0.0",
        "http://127.0.0.1.nip.io",
        "http://localhost.example.com",
        "http://[fe80::1]",
        "http://localhost@evil.example.com"
      })
  void plainHttp_toAHostThatIsNotLoopback_isRefusedAtBuild(String baseUrl) {
    assertThatThrownBy(
            () ->
                OAuthClient.builder().baseUrl(baseUrl).clientId("id").clientSecret(SECRET).build())
        .isInstanceOfAny(IllegalStateException.class, IllegalArgumentException.class)
        .satisfies(TlsTest::assertNoSecret);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://localhost:1",
        "http://127.0.0.1:1",
        "http://127.42.0.7:1",
        "http://[::1]:1",
        "https://api.example.com"
      })
  void loopbackHttp_andHttpsAnywhere_areAllowed(String baseUrl) {
    OAuthClient.builder().baseUrl(baseUrl).clientId("id").clientSecret(SECRET).build().close();
  }

  @ParameterizedTest
  @ValueSource(ints = {301, 302, 303, 307, 308})
  void tokenRequest_neverFollowsARedirect_evenWhenTheCallersClientWould(int status)
      throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .code(status)
            .setHeader("Location", elsewhere.url("/steal").toString())
            .build());
    elsewhere.enqueue(new MockResponse.Builder().body(TOKEN).build());
    OkHttpClient caller =
        new OkHttpClient.Builder().followRedirects(true).followSslRedirects(true).build();

    ApiException e;
    try (OAuthClient client = client().httpClient(caller).build()) {
      e = catchThrowableOfType(ApiException.class, client::getToken);
    }

    assertThat(e).isNotNull();
    assertThat(e.statusCode()).isEqualTo(status);
    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage()).contains("never follows redirects");
    assertThat(elsewhere.getRequestCount())
        .as("requests that reached the redirect target")
        .isZero();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  /**
   * Every host name resolves to the loopback resource server, so lookalike hosts really receive the
   * request: only the allowed host may see the token, and for the others no token is even fetched.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "api.example.com",
        "API.Example.COM",
        "evil.example.com",
        "api.example.com.evil.test",
        "xapi.example.com",
        "example.com",
        "api-example.com",
        "api.example.co",
        "localhost",
        "127.0.0.1"
      })
  void bearerTokenInterceptor_sendsTheTokenOnlyToItsAllowedHost(String host) throws Exception {
    server.enqueue(new MockResponse.Builder().body(TOKEN).build());
    elsewhere.enqueue(new MockResponse.Builder().body("ok").build());
    InetAddress loopback = elsewhere.getSocketAddress().getAddress();
    boolean allowed = host.equalsIgnoreCase("api.example.com");

    try (OAuthClient client = client().build()) {
      OkHttpClient api =
          new OkHttpClient.Builder()
              .dns(name -> List.of(loopback))
              .addInterceptor(
                  BearerTokenInterceptor.builder(client)
                      .allowHost("api.example.com")
                      .allowInsecureHttp() // plain http only because every name is loopback here
                      .build())
              .build();
      String url = "http://" + host + ":" + elsewhere.getPort() + "/accounts";
      try (Response r = api.newCall(new Request.Builder().url(url).build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      api.connectionPool().evictAll();
    }

    RecordedRequest request = elsewhere.takeRequest(5, TimeUnit.SECONDS);
    String authorization = request.getHeaders().get("Authorization");
    if (allowed) {
      assertThat(authorization).isEqualTo("Bearer tls-token-value");
    } else {
      assertThat(authorization).as("Authorization sent to %s", host).isNull();
      assertThat(server.getRequestCount())
          .as("token requests for a host off the allow-list")
          .isZero();
    }
  }

  @Test
  void httpsTokenEndpoint_redirectingToPlainHttp_isNotFollowed() throws Exception {
    server.useHttps(SERVER_CERTIFICATES.sslSocketFactory());
    server.enqueue(
        new MockResponse.Builder()
            .code(307)
            .setHeader("Location", elsewhere.url("/steal").toString())
            .build());

    ApiException e;
    try (OAuthClient client = client().httpClient(trustingClient()).build()) {
      e = catchThrowableOfType(ApiException.class, client::getToken);
    }

    assertThat(e.statusCode()).isEqualTo(307);
    assertThat(elsewhere.getRequestCount()).isZero();
  }
}
