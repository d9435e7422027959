package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Credential settings: exactly one credential, keys that fit, and messages naming the setter. */
class ClientCredentialsBuilderTest {
  private static final KeyPair RSA = PrivateKeyJwtTest.RSA;
  private static final KeyPair P256 = PrivateKeyJwtTest.P256;

  private static OAuthClient.Builder base() {
    return OAuthClient.builder().baseUrl("https://auth.example.com").clientId("id");
  }

  @Test
  void noCredential_namesEverySetterThatGivesOne() {
    assertThatThrownBy(() -> base().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clientSecret is not set")
        .hasMessageContaining("privateKeyJwt(...)")
        .hasMessageContaining("clientAssertion(...)")
        .hasMessageContaining("tlsClientAuth()");
  }

  @Test
  void twoCredentials_isIllegalState_namingBoth() {
    assertThatThrownBy(
            () -> base().clientSecret("s3cr3t").privateKeyJwt(RSA.getPrivate(), "k").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clientSecret(...) and privateKeyJwt(...)")
        .hasMessageContaining("exactly one credential")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> base().clientAssertion(() -> "a").tlsClientAuth().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clientAssertion(...) and tlsClientAuth()");
    assertThatThrownBy(
            () ->
                base()
                    .clientSecret("s")
                    .privateKeyJwt(RSA.getPrivate(), "k")
                    .clientAssertion(() -> "a")
                    .tlsClientAuth()
                    .build())
        .hasMessageContaining(
            "clientSecret(...) and privateKeyJwt(...) and clientAssertion(...) and tlsClientAuth()");
  }

  @Test
  void clientAuthentication_withoutASecret_isIllegalState() {
    assertThatThrownBy(
            () ->
                base()
                    .privateKeyJwt(RSA.getPrivate(), "k")
                    .clientAuthentication(ClientAuthentication.CLIENT_SECRET_BASIC)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clientAuthentication(...) applies to clientSecret(...) only");
  }

  @Test
  void assertionSettings_withoutPrivateKeyJwt_areIllegalState() {
    assertThatThrownBy(
            () -> base().clientSecret("s").assertionAudience("https://issuer.example").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("assertionAudience(...) applies to privateKeyJwt(...) only");
    assertThatThrownBy(
            () ->
                base().clientAssertion(() -> "a").assertionLifetime(Duration.ofSeconds(30)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("assertionLifetime(...) applies to privateKeyJwt(...) only");
  }

  @Test
  void nullAndBlankArguments_areIllegalArguments_namingTheArgument() {
    OAuthClient.Builder b = base();
    assertThatThrownBy(() -> b.privateKeyJwt(null, "k")).hasMessage("key == null");
    assertThatThrownBy(() -> b.privateKeyJwt(RSA.getPrivate(), null)).hasMessage("keyId == null");
    assertThatThrownBy(() -> b.privateKeyJwt(RSA.getPrivate(), " ")).hasMessage("keyId is blank");
    assertThatThrownBy(() -> b.privateKeyJwt(RSA.getPrivate(), "k", null))
        .hasMessage("algorithm == null");
    assertThatThrownBy(() -> b.privateKeyJwt(RSA.getPrivate(), "k", "HS256"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RS256, PS256, ES256 or ES384");
    assertThatThrownBy(() -> b.privateKeyJwt(RSA.getPrivate(), "k", "none"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.clientAssertion(null)).hasMessage("assertions == null");
    assertThatThrownBy(() -> b.assertionAudience(null)).hasMessage("audience == null");
    assertThatThrownBy(() -> b.assertionAudience("")).hasMessage("audience is blank");
    assertThatThrownBy(() -> b.assertionLifetime(null)).hasMessage("assertionLifetime == null");
    assertThatThrownBy(() -> b.assertionLifetime(Duration.ofMinutes(6)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 minutes");
    assertThatThrownBy(() -> b.assertionLifetime(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.tokenParameter(null, "v")).hasMessage("name == null");
    assertThatThrownBy(() -> b.tokenParameter(" ", "v")).hasMessage("name is blank");
    assertThatThrownBy(() -> b.tokenParameter("audience", null)).hasMessage("value == null");
    assertThatThrownBy(() -> ClientAssertions.fromFile(null)).hasMessage("file == null");
  }

  @Test
  void rsaKeyUnder2048Bits_isRefusedAtBuild() {
    KeyPair small = Jwts.rsa(1024);
    assertThatThrownBy(() -> base().privateKeyJwt(small.getPrivate(), "k").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("1024-bit RSA key")
        .hasMessageContaining("at least 2048 bits");
  }

  @Test
  void ecKeyOnAnotherCurve_isRefusedAtBuild() {
    KeyPair p521 = Jwts.ec("secp521r1");
    assertThatThrownBy(() -> base().privateKeyJwt(p521.getPrivate(), "k").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("P-256")
        .hasMessageContaining("P-384");
  }

  @Test
  void algorithmThatDoesNotFitTheKey_isRefusedAtBuild() {
    assertThatThrownBy(() -> base().privateKeyJwt(RSA.getPrivate(), "k", "ES256").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("RSA key with algorithm ES256");
    assertThatThrownBy(() -> base().privateKeyJwt(P256.getPrivate(), "k", "ES384").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("use ES256");
    assertThatThrownBy(() -> base().privateKeyJwt(P256.getPrivate(), "k", "RS256").build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void keyOfAnotherType_isRefusedAtBuild() throws Exception {
    KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    assertThatThrownBy(() -> base().privateKeyJwt(ed.getPrivate(), "k").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("EdDSA key")
        .hasMessageContaining("RSA (RS256, PS256) or EC P-256/P-384");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "grant_type",
        "client_id",
        "client_secret",
        "client_assertion",
        "client_assertion_type",
        "scope"
      })
  void tokenParameter_withTheSdksOwnName_isRefusedAtTheSetter(String name) {
    assertThatThrownBy(() -> base().clientSecret("s").tokenParameter(name, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokenParameter(\"" + name + "\"")
        .hasMessageContaining("the SDK sets itself");
  }

  @Test
  void tlsClientAuth_withoutHttpClient_isRefused_namingHttpClient() {
    assertThatThrownBy(() -> base().tlsClientAuth().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tlsClientAuth() needs the client certificate")
        .hasMessageContaining("httpClient(...)");
  }

  @Test
  void tlsClientAuth_overHttp_isRefused() {
    assertThatThrownBy(
            () ->
                base()
                    .baseUrl("http://127.0.0.1:8080")
                    .httpClient(new OkHttpClient())
                    .tlsClientAuth()
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("https://");
  }

  @Test
  void toString_namesTheCredentialKind_neverTheKeyOrAnAssertion() {
    try (OAuthClient jwt =
            base()
                .privateKeyJwt(P256.getPrivate(), "key-7")
                .tokenParameter("audience", "https://api.example.com/secret-ish")
                .build();
        OAuthClient assertion =
            base().clientAssertion(() -> "eyJhbGciOiJub25lIn0.eyJ9.sig").build();
        OAuthClient tls = base().httpClient(new OkHttpClient()).tlsClientAuth().build()) {
      assertThat(jwt.toString())
          .contains("private_key_jwt (ES256, kid=key-7)")
          .contains("tokenParameters=[audience]")
          .doesNotContain("secret-ish")
          .doesNotContain(P256.getPrivate().toString());
      assertThat(assertion.toString()).contains("client_assertion").doesNotContain("eyJ");
      assertThat(tls.toString()).contains("tls_client_auth");
    }
  }
}
