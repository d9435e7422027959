package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/**
 * {@code tokenParameter(...)}: sent in order after the SDK's own fields, in every request format,
 * and part of what keeps two clients' tokens apart in a shared store.
 */
class TokenParameterTest {
  @StartStop final MockWebServer server = new MockWebServer();

  private void enqueueTokens(int count) {
    for (int i = 1; i <= count; i++) {
      server.enqueue(
          new MockResponse.Builder()
              .body("{\"access_token\":\"param-token-" + i + "\",\"expires_in\":3600}")
              .build());
    }
  }

  private OAuthClient.Builder secretClient(ClientAuthentication mode) {
    return OAuthClient.builder()
        .baseUrl(server.url("/"))
        .clientId("id")
        .clientSecret("secret")
        .clientAuthentication(mode)
        .retryPolicy(RetryPolicy.none());
  }

  @Test
  void form_sendsParametersInOrder_afterScope_repeatedNamesKept() throws Exception {
    enqueueTokens(1);
    try (OAuthClient client =
        secretClient(ClientAuthentication.CLIENT_SECRET_BASIC)
            .scope("read")
            .tokenParameter("resource", "https://a.example.com")
            .tokenParameter("audience", "api")
            .tokenParameter("resource", "https://b.example.com")
            .build()) {
      client.getToken();
    }
    assertThat(server.takeRequest().getBody().utf8())
        .isEqualTo(
            "grant_type=client_credentials&scope=read"
                + "&resource=https%3A%2F%2Fa.example.com&audience=api"
                + "&resource=https%3A%2F%2Fb.example.com");
  }

  @Test
  @SuppressWarnings("unchecked")
  void jsonBody_carriesParametersAsFields_aRepeatedNameAsAnArray() throws Exception {
    enqueueTokens(1);
    try (OAuthClient client =
        secretClient(ClientAuthentication.JSON_BODY)
            .tokenParameter("audience", "api")
            .tokenParameter("resource", "r1")
            .tokenParameter("resource", "r2")
            .build()) {
      client.getToken();
    }
    Map<String, Object> body =
        new ObjectMapper().readValue(server.takeRequest().getBody().utf8(), Map.class);
    assertThat(body.keySet()).containsExactly("client_id", "client_secret", "audience", "resource");
    assertThat(body)
        .containsEntry("audience", "api")
        .containsEntry("resource", List.of("r1", "r2"));
  }

  @Test
  void privateKeyJwt_sendsParametersAfterTheAssertion() throws Exception {
    enqueueTokens(1);
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.url("/"))
            .clientId("id")
            .privateKeyJwt(PrivateKeyJwtTest.P256.getPrivate(), "k")
            .tokenParameter("audience", "https://api.example.com")
            .build()) {
      client.getToken();
    }
    assertThat(Jwts.form(server.takeRequest().getBody().utf8()).keySet())
        .containsExactly(
            "grant_type", "client_id", "client_assertion_type", "client_assertion", "audience");
  }

  @Test
  void sharedStore_clientsThatDifferInParameters_neverShareAToken() {
    enqueueTokens(3);
    InMemoryTokenStore store = new InMemoryTokenStore();
    try (OAuthClient a1 =
            secretClient(ClientAuthentication.JSON_BODY)
                .tokenParameter("audience", "a")
                .tokenStore(store)
                .build();
        OAuthClient a2 =
            secretClient(ClientAuthentication.JSON_BODY)
                .tokenParameter("audience", "a")
                .tokenStore(store)
                .build();
        OAuthClient b =
            secretClient(ClientAuthentication.JSON_BODY)
                .tokenParameter("audience", "b")
                .tokenStore(store)
                .build();
        OAuthClient none = secretClient(ClientAuthentication.JSON_BODY).tokenStore(store).build()) {
      String shared = a1.getToken().value();
      assertThat(a2.getToken().value()).isEqualTo(shared);
      assertThat(b.getToken().value()).isNotEqualTo(shared);
      assertThat(none.getToken().value()).isNotEqualTo(shared).isNotEqualTo(b.getToken().value());
    }
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void storeKey_ofASecretClientWithoutParameters_isUnchanged_othersDifferByKindAndParameters() {
    HttpUrl url = HttpUrl.get("https://auth.example.com/token");
    ClientCredential secret = ClientCredential.secret("s", ClientAuthentication.JSON_BODY);
    String plain = SharedTokenFetcher.key(url, "id", "read");
    assertThat(
            SharedTokenFetcher.key(
                url, "id", "read", TokenRequestFactory.storeKeyVariant(secret, List.of())))
        .isEqualTo(plain);
    String tls =
        SharedTokenFetcher.key(
            url,
            "id",
            "read",
            TokenRequestFactory.storeKeyVariant(ClientCredential.tlsClientAuth(), List.of()));
    String withParameter =
        SharedTokenFetcher.key(
            url,
            "id",
            "read",
            TokenRequestFactory.storeKeyVariant(secret, List.of(Map.entry("resource", "r"))));
    // A value that imitates a separator does not collide with two parameters.
    String twoParameters =
        SharedTokenFetcher.key(
            url,
            "id",
            "read",
            TokenRequestFactory.storeKeyVariant(
                secret, List.of(Map.entry("a", "1"), Map.entry("b", "2"))));
    String oneImitating =
        SharedTokenFetcher.key(
            url,
            "id",
            "read",
            TokenRequestFactory.storeKeyVariant(secret, List.of(Map.entry("a", "1&b=2"))));
    assertThat(List.of(plain, tls, withParameter, twoParameters, oneImitating))
        .doesNotHaveDuplicates();
  }
}
