package io.tokenapi.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.ApiException;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Credentials;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * {@code private_key_jwt} (RFC 7523) against Spring Authorization Server: the server fetches the
 * clients' public keys from a JWK set URL this test serves, and verifies the SDK's assertions
 * signed with RSA and EC keys. Rejections (a wrong key, an expired assertion, a replayed {@code
 * jti}) come back as typed 401 exceptions.
 */
class PrivateKeyJwtInteropTest {
  private static final String RSA_KID = "rsa-1";
  private static final String P256_KID = "p256-1";
  private static final String P384_KID = "p384-1";

  private static KeyPair rsa;
  private static KeyPair p256;
  private static KeyPair p384;
  private static MockWebServer jwks;
  private static SpringAuthorizationServer server;

  @BeforeAll
  static void start() throws Exception {
    rsa = generate("RSA", null);
    p256 = generate("EC", "secp256r1");
    p384 = generate("EC", "secp384r1");
    JWKSet rsaSet =
        new JWKSet((JWK) new RSAKey.Builder((RSAPublicKey) rsa.getPublic()).keyID(RSA_KID).build());
    JWKSet p256Set =
        new JWKSet(
            (JWK)
                new ECKey.Builder(Curve.P_256, (ECPublicKey) p256.getPublic())
                    .keyID(P256_KID)
                    .build());
    JWKSet p384Set =
        new JWKSet(
            (JWK)
                new ECKey.Builder(Curve.P_384, (ECPublicKey) p384.getPublic())
                    .keyID(P384_KID)
                    .build());
    Map<String, String> sets =
        Map.of(
            "/jwks/rsa", rsaSet.toString(),
            "/jwks/p256", p256Set.toString(),
            "/jwks/p384", p384Set.toString());
    jwks = new MockWebServer();
    jwks.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String set = sets.get(request.getUrl().encodedPath());
            return set == null
                ? new MockResponse.Builder().code(404).build()
                : new MockResponse.Builder()
                    .addHeader("Content-Type", "application/jwk-set+json")
                    .body(set)
                    .build();
          }
        });
    jwks.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
    List<RegisteredClient> clients = new java.util.ArrayList<>(InteropClients.all());
    clients.add(jwtClient("jwt-rs256-client", SignatureAlgorithm.RS256, "/jwks/rsa"));
    clients.add(jwtClient("jwt-ps256-client", SignatureAlgorithm.PS256, "/jwks/rsa"));
    clients.add(jwtClient("jwt-es256-client", SignatureAlgorithm.ES256, "/jwks/p256"));
    clients.add(jwtClient("jwt-es384-client", SignatureAlgorithm.ES384, "/jwks/p384"));
    server = SpringAuthorizationServer.start(clients);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (jwks != null) {
      jwks.close();
    }
  }

  @BeforeEach
  void forgetRequests() {
    server.clearRecordedRequests();
  }

  private static KeyPair generate(String algorithm, String curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
    if (curve == null) {
      generator.initialize(2048);
    } else {
      generator.initialize(new ECGenParameterSpec(curve));
    }
    return generator.generateKeyPair();
  }

  private static RegisteredClient jwtClient(
      String clientId, SignatureAlgorithm algorithm, String jwksPath) {
    return RegisteredClient.withId(UUID.randomUUID().toString())
        .clientId(clientId)
        .clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
        .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
        .scopes(scopes -> scopes.addAll(List.of(InteropClients.SCOPES.split(" "))))
        .clientSettings(
            ClientSettings.builder()
                .jwkSetUrl(jwks.url(jwksPath).toString())
                .tokenEndpointAuthenticationSigningAlgorithm(algorithm)
                .build())
        .tokenSettings(
            TokenSettings.builder()
                .accessTokenFormat(OAuth2TokenFormat.REFERENCE)
                .accessTokenTimeToLive(InteropClients.ACCESS_TOKEN_LIFETIME)
                .build())
        .build();
  }

  private static OAuthClient.Builder client(String clientId) {
    return OAuthClient.builder()
        .baseUrl(server.baseUrl())
        .tokenPath(SpringAuthorizationServer.TOKEN_PATH)
        .clientId(clientId)
        .retryPolicy(RetryPolicy.none());
  }

  private static KeyPair keys(String name) {
    return switch (name) {
      case "rsa" -> rsa;
      case "p256" -> p256;
      case "p384" -> p384;
      default -> throw new IllegalArgumentException(name);
    };
  }

  @ParameterizedTest
  @CsvSource({
    "jwt-rs256-client, rsa, rsa-1, RS256",
    "jwt-ps256-client, rsa, rsa-1, PS256",
    "jwt-es256-client, p256, p256-1, ES256",
    "jwt-es384-client, p384, p384-1, ES384"
  })
  void privateKeyJwt_isAcceptedBySpring_forRsaAndEcKeys(
      String clientId, String keyName, String kid, String algorithm) {
    try (OAuthClient client =
        client(clientId)
            .privateKeyJwt(keys(keyName).getPrivate(), kid, algorithm)
            .scope("payments.read")
            .build()) {
      AccessToken token = client.getToken();

      assertThat(token.tokenType()).isEqualTo("Bearer");
      assertThat(token.scope()).contains("payments.read");
    }
    TokenRequestRecorder.RecordedTokenRequest request = server.lastTokenRequest();
    assertThat(request.contentType()).startsWith("application/x-www-form-urlencoded");
    assertThat(request.authorizationScheme()).isEmpty();
    assertThat(request.formValue("client_assertion_type"))
        .contains("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    assertThat(request.formValue("client_id")).contains(clientId);
    assertThat(request.formValue("client_secret")).isEmpty();
  }

  @Test
  void defaultRsaKey_signsRs256_andTheIssuerAsAudienceIsAcceptedToo() {
    try (OAuthClient client =
        client("jwt-rs256-client")
            .privateKeyJwt(rsa.getPrivate(), RSA_KID)
            .assertionAudience(server.baseUrl()) // Spring's issuer: http://127.0.0.1:<port>
            .build()) {
      assertThat(client.getToken().value()).isNotBlank();
    }
  }

  @Test
  void everyRefresh_sendsANewJti_soAReplayCheckingServerKeepsIssuingTokens() {
    try (OAuthClient client =
        client("jwt-es256-client").privateKeyJwt(p256.getPrivate(), P256_KID).build()) {
      AccessToken first = client.getToken();
      AccessToken second = client.refresh();
      AccessToken third = client.refresh();

      assertThat(List.of(first, second, third)).doesNotHaveDuplicates();
    }
    assertThat(server.tokenRequestCount()).isEqualTo(3);
  }

  @Test
  void readmePrivateKeyJwtExample_withAPemKey_getsAToken() throws Exception {
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(rsa.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    try (OAuthClient client =
        ClientCredentialsReadmeExamples.privateKeyJwt(server.baseUrl(), pem)) {
      assertThat(client.getToken().scope()).contains("payments.read");
    }
  }

  @Test
  void readmeClientAssertionExample_readsTheFile_andARotatedFileForTheNextRequest(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("client-assertion");
    Files.writeString(file, externalAssertion() + "\n");
    try (OAuthClient client =
        ClientCredentialsReadmeExamples.clientAssertionFromFile(server.baseUrl(), file)) {
      AccessToken first = client.getToken();
      // The platform rotates the file; the old assertion's jti would be refused as a replay.
      Files.writeString(file, externalAssertion());
      AccessToken second = client.refresh();

      assertThat(second).isNotEqualTo(first);
    }
    assertThat(server.tokenRequestCount()).isEqualTo(2);
  }

  /** An assertion issued outside the SDK (by Nimbus, as a platform's token service might). */
  private static String externalAssertion() throws Exception {
    Instant now = Instant.now();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(RSA_KID).build(),
            new JWTClaimsSet.Builder()
                .issuer("jwt-rs256-client")
                .subject("jwt-rs256-client")
                .audience(server.tokenUrl())
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(120)))
                .build());
    jwt.sign(new RSASSASigner(rsa.getPrivate()));
    return jwt.serialize();
  }

  @Test
  void resourceParameter_reachesTheServer_andBecomesTheTokensAudience() throws Exception {
    AccessToken token;
    try (OAuthClient client =
        ClientCredentialsReadmeExamples.tokenParameters(server.baseUrl(), rsa.getPrivate())) {
      token = client.getToken();
    }
    assertThat(server.lastTokenRequest().formValue("resource"))
        .contains("https://payments.example.com");
    Map<String, Object> introspection = introspect(token.value());
    assertThat(introspection).containsEntry("active", true);
    assertThat(introspection.get("aud"))
        .isEqualTo(List.of("https://payments.example.com", "payments-api"));
    assertThat(introspection).containsEntry("client_id", "jwt-rs256-client");
  }

  @Test
  void assertionSignedWithAnotherKey_is401InvalidClient_notRetried() throws Exception {
    KeyPair wrong = generate("RSA", null);
    try (OAuthClient client =
        client("jwt-rs256-client")
            .privateKeyJwt(wrong.getPrivate(), RSA_KID) // the right kid, the wrong key
            .retryPolicy(RetryPolicy.defaults())
            .build()) {
      ApiException e = catchThrowableOfType(ApiException.class, client::getToken);

      assertThat(e.statusCode()).isEqualTo(401);
      assertThat(e.error().orElseThrow().code()).isEqualTo("invalid_client");
      assertThat(e.isRetryable()).isFalse();
      assertNoAssertionIn(e);
    }
    assertThat(server.tokenRequestCount()).isEqualTo(1);
  }

  @Test
  void expiredAssertion_is401InvalidClient() {
    // A client clock ten minutes slow: the assertion expired long before Spring's 60 s clock skew.
    Clock slow = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));
    try (OAuthClient client =
        client("jwt-es384-client").privateKeyJwt(p384.getPrivate(), P384_KID).clock(slow).build()) {
      ApiException e = catchThrowableOfType(ApiException.class, client::getToken);

      assertThat(e.statusCode()).isEqualTo(401);
      assertThat(e.error().orElseThrow().code()).isEqualTo("invalid_client");
      assertNoAssertionIn(e);
    }
  }

  @Test
  void replayedAssertion_sameJti_is401InvalidClient() {
    try (OAuthClient client =
        client("jwt-rs256-client").privateKeyJwt(rsa.getPrivate(), RSA_KID).build()) {
      client.getToken();
    }
    String captured = server.lastTokenRequest().formValue("client_assertion").orElseThrow();

    try (OAuthClient replaying =
        client("jwt-rs256-client").clientAssertion(() -> captured).build()) {
      ApiException e = catchThrowableOfType(ApiException.class, replaying::getToken);

      assertThat(e.statusCode()).isEqualTo(401);
      assertThat(e.error().orElseThrow().code()).isEqualTo("invalid_client");
      assertThat(String.valueOf(e)).doesNotContain(captured);
    }
  }

  private static void assertNoAssertionIn(Throwable e) {
    String sent = server.lastTokenRequest().formValue("client_assertion").orElseThrow();
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t)).doesNotContain(sent);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> introspect(String token) throws Exception {
    Request request =
        new Request.Builder()
            .url(server.baseUrl() + "/oauth2/introspect")
            .header(
                "Authorization",
                Credentials.basic(InteropClients.BASIC_ID, InteropClients.BASIC_SECRET))
            .post(new FormBody.Builder().add("token", token).build())
            .build();
    try (Response response = new OkHttpClient().newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(200);
      return new ObjectMapper().readValue(response.body().string(), Map.class);
    }
  }
}
