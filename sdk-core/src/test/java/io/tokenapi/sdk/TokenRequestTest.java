package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** The exact token request on the wire for each client authentication mode. */
class TokenRequestTest {
  @StartStop final MockWebServer server = new MockWebServer();

  private RecordedRequest send(ClientAuthentication mode, String id, String secret, String scope)
      throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .addHeader("Content-Type", "application/json")
            .body("{\"access_token\":\"tok-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}")
            .build());
    OAuthClient.Builder b =
        OAuthClient.builder()
            .baseUrl(server.url("/").toString())
            .clientId(id)
            .clientSecret(secret)
            .clientAuthentication(mode)
            .retryPolicy(RetryPolicy.none());
    if (scope != null) {
      b.scope(scope);
    }
    try (OAuthClient client = b.build()) {
      assertThat(client.getToken().value()).isEqualTo("tok-1");
    }
    return server.takeRequest();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(RecordedRequest r) throws Exception {
    return new ObjectMapper().readValue(r.getBody().utf8(), Map.class);
  }

  @Test
  void jsonBody_isTheDefault_andPostsIdAndSecretAsJson() throws Exception {
    RecordedRequest r = send(ClientAuthentication.JSON_BODY, "my-id", "my-secret", null);

    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/oauth/token");
    assertThat(r.getHeaders().get("Content-Type")).isEqualTo("application/json; charset=utf-8");
    assertThat(r.getHeaders().get("Accept")).isEqualTo("application/json");
    assertThat(r.getHeaders().get("Authorization")).isNull();
    assertThat(r.getHeaders().get("User-Agent")).startsWith("tokenapi-java/");
    Map<String, Object> body = parse(r);
    assertThat(body)
        .containsOnly(Map.entry("client_id", "my-id"), Map.entry("client_secret", "my-secret"));
  }

  @Test
  void jsonBody_withScope_addsScopeField() throws Exception {
    RecordedRequest r = send(ClientAuthentication.JSON_BODY, "my-id", "my-secret", "payments.read");

    Map<String, Object> body = parse(r);
    assertThat(body).containsEntry("scope", "payments.read").hasSize(3);
  }

  @Test
  void jsonBody_escapesQuotesAndUnicodeInCredentials() throws Exception {
    RecordedRequest r = send(ClientAuthentication.JSON_BODY, "id\"with\\quote", "sé\"cret", null);

    Map<String, Object> body = parse(r);
    assertThat(body.get("client_id")).isEqualTo("id\"with\\quote");
    assertThat(body.get("client_secret")).isEqualTo("sé\"cret");
  }

  @Test
  void clientSecretPost_sendsRfc6749FormWithCredentials() throws Exception {
    RecordedRequest r = send(ClientAuthentication.CLIENT_SECRET_POST, "my id", "s:e%c+r&t", "a b");

    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getHeaders().get("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(r.getHeaders().get("Authorization")).isNull();
    assertThat(r.getBody().utf8())
        .isEqualTo(
            "grant_type=client_credentials&client_id=my+id&client_secret=s%3Ae%25c%2Br%26t&scope=a+b");
  }

  @Test
  void clientSecretBasic_formEncodesIdAndSecretBeforeBase64() throws Exception {
    RecordedRequest r = send(ClientAuthentication.CLIENT_SECRET_BASIC, "my id", "s:e%c+r ü", null);

    assertThat(r.getBody().utf8()).isEqualTo("grant_type=client_credentials");
    String auth = r.getHeaders().get("Authorization");
    assertThat(auth).startsWith("Basic ");
    String decoded =
        new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
    // RFC 6749 2.3.1: application/x-www-form-urlencoded, so space is '+', ':' is %3A.
    assertThat(decoded).isEqualTo("my+id:s%3Ae%25c%2Br+%C3%BC");
  }

  @Test
  void clientSecretBasic_withScope_putsScopeInForm() throws Exception {
    RecordedRequest r = send(ClientAuthentication.CLIENT_SECRET_BASIC, "id", "secret", "payments");

    assertThat(r.getBody().utf8()).isEqualTo("grant_type=client_credentials&scope=payments");
  }

  @Test
  void tokenPath_isAppendedToBaseUrlPath() throws Exception {
    server.enqueue(new MockResponse.Builder().body("{\"access_token\":\"t\"}").build());
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.url("/api/").toString())
            .tokenPath("oauth2/token")
            .clientId("id")
            .clientSecret("secret")
            .build()) {
      client.getToken();
    }
    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/api/oauth2/token");
  }

  @Test
  void callersOkHttpClient_isReusedButItsInterceptorsNeverSeeTheTokenRequest() throws Exception {
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    okhttp3.OkHttpClient callers =
        new okhttp3.OkHttpClient.Builder()
            .addInterceptor(
                chain -> {
                  seen.add("application " + chain.request().url());
                  return chain.proceed(chain.request());
                })
            .addNetworkInterceptor(
                chain -> {
                  seen.add("network " + chain.request().url());
                  return chain.proceed(chain.request());
                })
            .build();
    server.enqueue(new MockResponse.Builder().body("{\"access_token\":\"t\"}").build());
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.url("/").toString())
            .clientId("id")
            .clientSecret("secret")
            .httpClient(callers)
            .build()) {
      assertThat(client.getToken().value()).isEqualTo("t");
    }
    assertThat(seen).isEmpty();
    assertThat(callers.interceptors()).hasSize(1);
    assertThat(callers.networkInterceptors()).hasSize(1);
    assertThat(callers.dispatcher().executorService().isShutdown()).isFalse();
  }
}
