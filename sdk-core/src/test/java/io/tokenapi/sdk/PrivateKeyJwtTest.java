package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import io.tokenapi.testkit.RecordedTokenRequest;
import io.tokenapi.testkit.junit5.FakeTokenServerExtension;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code private_key_jwt} on the wire: the RFC 7523 form, the JWT's header and claims, a signature
 * the JDK verifies with the public key, and a new assertion for every attempt, retries included.
 */
class PrivateKeyJwtTest {
  // Generated once: key generation is slow on a busy machine.
  static final KeyPair RSA = Jwts.rsa(2048);
  static final KeyPair P256 = Jwts.ec("secp256r1");
  static final KeyPair P384 = Jwts.ec("secp384r1");

  private static final String TOKEN_BODY =
      "{\"access_token\":\"jwt-client-token\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
  private static final Instant NOW = Instant.parse("2026-12-02T01:00:00Z");

  @RegisterExtension final FakeTokenServerExtension extension = new FakeTokenServerExtension();

  private final MutableClock clock = new MutableClock(NOW);

  private static KeyPair keys(String name) {
    switch (name) {
      case "RSA":
        return RSA;
      case "P256":
        return P256;
      case "P384":
        return P384;
      default:
        throw new IllegalArgumentException(name);
    }
  }

  private OAuthClient.Builder client(FakeTokenServer server) {
    return OAuthClient.builder()
        .baseUrl(server.baseUrl())
        .clientId("jwt-client")
        .clock(clock)
        .retryPolicy(RetryPolicy.none());
  }

  private static void okResponse(FakeTokenServer server) {
    server.enqueueResponse(200, Map.of("Content-Type", "application/json"), TOKEN_BODY);
  }

  @ParameterizedTest
  @CsvSource({"RSA,,RS256", "RSA,PS256,PS256", "P256,,ES256", "P384,,ES384", "RSA,rs256,RS256"})
  void privateKeyJwt_sendsRfc7523Form_withASignedJwtTheJdkVerifies(
      String keyName, String requested, String expected) throws Exception {
    FakeTokenServer server = extension.server();
    okResponse(server);
    KeyPair keys = keys(keyName);
    OAuthClient.Builder builder = client(server);
    if (requested == null) {
      builder.privateKeyJwt(keys.getPrivate(), "key-1");
    } else {
      builder.privateKeyJwt(keys.getPrivate(), "key-1", requested);
    }

    try (OAuthClient client = builder.scope("payments.read").build()) {
      assertThat(client.getToken().value()).isEqualTo("jwt-client-token");
    }

    RecordedTokenRequest request = server.takeRequest();
    assertThat(request.contentType())
        .hasValueSatisfying(
            type -> assertThat(type).startsWith("application/x-www-form-urlencoded"));
    assertThat(request.header("Authorization")).isEmpty();
    Map<String, String> form = Jwts.form(request.body());
    assertThat(form.keySet())
        .containsExactly(
            "grant_type", "client_id", "client_assertion_type", "client_assertion", "scope");
    assertThat(form)
        .containsEntry("grant_type", "client_credentials")
        .containsEntry("client_id", "jwt-client")
        .containsEntry(
            "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        .containsEntry("scope", "payments.read");
    String jwt = form.get("client_assertion");
    assertThat(Jwts.header(jwt))
        .containsOnly(
            Map.entry("alg", expected), Map.entry("typ", "JWT"), Map.entry("kid", "key-1"));
    Map<String, Object> claims = Jwts.claims(jwt);
    assertThat(claims)
        .containsEntry("iss", "jwt-client")
        .containsEntry("sub", "jwt-client")
        .containsEntry("aud", server.tokenUrl())
        .containsEntry("iat", (int) NOW.getEpochSecond())
        .containsEntry("exp", (int) NOW.plusSeconds(60).getEpochSecond())
        .containsOnlyKeys("iss", "sub", "aud", "jti", "iat", "exp");
    assertThat((String) claims.get("jti")).hasSizeGreaterThanOrEqualTo(32);
    Jwts.assertSignedBy(jwt, keys.getPublic(), expected);
  }

  @Test
  void assertionAudienceAndLifetime_setAudAndExp() {
    FakeTokenServer server = extension.server();
    okResponse(server);
    try (OAuthClient client =
        client(server)
            .privateKeyJwt(P256.getPrivate(), "ec-key")
            .assertionAudience("https://issuer.example.com")
            .assertionLifetime(Duration.ofMinutes(5))
            .build()) {
      client.getToken();
    }
    Map<String, Object> claims =
        Jwts.claims(Jwts.form(server.takeRequest().body()).get("client_assertion"));
    assertThat(claims)
        .containsEntry("aud", "https://issuer.example.com")
        .containsEntry("exp", (int) NOW.plusSeconds(300).getEpochSecond());
  }

  @Test
  void everyAttempt_retriesIncluded_carriesANewAssertion_withFreshJtiAndExp() throws Exception {
    FakeTokenServer server = extension.server();
    server.enqueueServerError(); // 500: retried
    okResponse(server);
    List<Duration> waits = new ArrayList<>();
    try (OAuthClient client =
        client(server)
            .privateKeyJwt(RSA.getPrivate(), "key-1")
            .retryPolicy(
                RetryPolicy.builder()
                    .initialBackoff(Duration.ofMillis(1))
                    .maxBackoff(Duration.ofMillis(1))
                    .build())
            .listener(
                // Inline (not on the event thread): the hook must move the clock before the retry
                // is signed.
                new InlineHook() {
                  @Override
                  public void onRetryScheduled(RetryScheduled event) {
                    waits.add(event.delay());
                    clock.advance(Duration.ofSeconds(7)); // the retry is signed later
                  }
                })
            .build()) {
      assertThat(client.getToken().value()).isEqualTo("jwt-client-token");
    }

    assertThat(server.requestCount()).isEqualTo(2);
    assertThat(waits).hasSize(1);
    String first = Jwts.form(server.takeRequest().body()).get("client_assertion");
    String retry = Jwts.form(server.takeRequest().body()).get("client_assertion");
    assertThat(retry).isNotEqualTo(first);
    assertThat(Jwts.claims(retry).get("jti")).isNotEqualTo(Jwts.claims(first).get("jti"));
    assertThat(Jwts.claims(first)).containsEntry("exp", (int) NOW.plusSeconds(60).getEpochSecond());
    assertThat(Jwts.claims(retry))
        .containsEntry("iat", (int) NOW.plusSeconds(7).getEpochSecond())
        .containsEntry("exp", (int) NOW.plusSeconds(67).getEpochSecond());
    Jwts.assertSignedBy(first, RSA.getPublic(), "RS256");
    Jwts.assertSignedBy(retry, RSA.getPublic(), "RS256");
  }

  @Test
  void everyRefresh_carriesANewAssertion() {
    FakeTokenServer server = extension.server();
    okResponse(server);
    okResponse(server);
    try (OAuthClient client = client(server).privateKeyJwt(P384.getPrivate(), "k").build()) {
      client.getToken();
      client.refresh();
    }
    String first = Jwts.form(server.takeRequest().body()).get("client_assertion");
    String second = Jwts.form(server.takeRequest().body()).get("client_assertion");
    assertThat(Jwts.claims(second).get("jti")).isNotEqualTo(Jwts.claims(first).get("jti"));
  }

  @Test
  void keyAndAssertions_neverReachLogsMessagesOrToString_evenWhenTheServerEchoesThem() {
    FakeTokenServer server = extension.server();
    server.enqueueServerError();
    try (CapturingLogs logs = CapturingLogs.start();
        OAuthClient client =
            client(server)
                .privateKeyJwt(RSA.getPrivate(), "key-1")
                .retryPolicy(
                    RetryPolicy.builder()
                        .maxAttempts(2)
                        .initialBackoff(Duration.ofMillis(1))
                        .maxBackoff(Duration.ofMillis(1))
                        .build())
                .build()) {
      // The retry's answer echoes a JWT into its error text, as a server that quotes what it got
      // might: any compact JWS is redacted, not only the current attempt's assertion.
      server.enqueueResponse(
          401,
          Map.of("Content-Type", "application/json"),
          "{\"error\":\"invalid_client\",\"error_description\":\"eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiIxIn0.c2ln\"}");
      OAuthException e = catchThrowableOfType(OAuthException.class, client::getToken);

      String sent = Jwts.form(server.takeRequest().body()).get("client_assertion");
      String key = java.util.Base64.getEncoder().encodeToString(RSA.getPrivate().getEncoded());
      for (String text :
          List.of(
              String.valueOf(e), logs.allText(), client.toString(), String.valueOf(e.getCause()))) {
        assertThat(text).doesNotContain(sent).doesNotContain("eyJ").doesNotContain(key);
      }
      assertThat(((ApiException) e).error().orElseThrow().text()).isEqualTo(Redactor.REDACTED);
    }
  }

  @Test
  void clientIdWithQuotes_isJsonEscapedInTheClaims() {
    FakeTokenServer server = extension.server();
    okResponse(server);
    try (OAuthClient client =
        client(server)
            .clientId("tenant \"a\"\\ü")
            .privateKeyJwt(P256.getPrivate(), "kid \"1\"")
            .build()) {
      client.getToken();
    }
    String jwt = Jwts.form(server.takeRequest().body()).get("client_assertion");
    assertThat(Jwts.claims(jwt)).containsEntry("iss", "tenant \"a\"\\ü");
    assertThat(Jwts.header(jwt)).containsEntry("kid", "kid \"1\"");
  }

  /** A test hook called on the step's thread, as the SDK's own listeners are. */
  private interface InlineHook extends OAuthClientListener, ListenerDispatcher.Inline {}
}
