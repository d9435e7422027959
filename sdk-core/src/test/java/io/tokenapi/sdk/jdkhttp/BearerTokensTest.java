package io.tokenapi.sdk.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.testkit.FakeTokenServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The java.net.http path: the header goes on the request, and a 401 for it leads to one new token.
 */
class BearerTokensTest {
  private final FakeTokenServer tokenServer = new FakeTokenServer().credentials("id", "secret");
  @StartStop final MockWebServer api = new MockWebServer();
  private final HttpClient http = HttpClient.newHttpClient();
  private OAuthClient client;

  @BeforeEach
  void setUp() {
    tokenServer.start();
    client =
        OAuthClient.builder()
            .baseUrl(tokenServer.baseUrl())
            .clientId("id")
            .clientSecret("secret")
            .retryPolicy(RetryPolicy.none())
            .build();
  }

  @AfterEach
  void tearDown() {
    client.close();
    tokenServer.close();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), BodyHandlers.ofString());
  }

  @Test
  void authorize_setsTheBearerHeader_replacingAnyOther() throws Exception {
    api.enqueue(new MockResponse.Builder().body("ok").build());

    HttpRequest.Builder request =
        HttpRequest.newBuilder(api.url("/accounts").uri()).header("Authorization", "old");
    HttpResponse<String> response = send(BearerTokens.authorize(client, request));

    assertThat(response.statusCode()).isEqualTo(200);
    RecordedRequest recorded = api.takeRequest(5, TimeUnit.SECONDS);
    assertThat(recorded).isNotNull();
    assertThat(recorded.getHeaders().values("Authorization"))
        .containsExactly("Bearer fake-token-1");
  }

  @Test
  void invalidateIfRejected_after401_dropsThatToken_soTheRetryGetsANewOne() throws Exception {
    api.enqueue(new MockResponse.Builder().code(401).build());
    api.enqueue(new MockResponse.Builder().body("ok").build());

    HttpResponse<String> first =
        send(BearerTokens.authorize(client, HttpRequest.newBuilder(api.url("/a").uri())));
    assertThat(BearerTokens.invalidateIfRejected(client, first)).isTrue();
    HttpResponse<String> retry =
        send(BearerTokens.authorize(client, HttpRequest.newBuilder(api.url("/a").uri())));

    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(api.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
        .isEqualTo("Bearer fake-token-1");
    assertThat(api.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
        .isEqualTo("Bearer fake-token-2");
    assertThat(BearerTokens.invalidateIfRejected(client, retry)).isFalse();
    assertThat(tokenServer.issuedTokens()).hasSize(2);
  }

  @Test
  void invalidateIfRejected_for401WithoutABearerToken_changesNothing() throws Exception {
    AccessToken cached = client.getToken();
    api.enqueue(new MockResponse.Builder().code(401).build());

    HttpResponse<String> response = send(HttpRequest.newBuilder(api.url("/a").uri()));

    assertThat(BearerTokens.invalidateIfRejected(client, response)).isFalse();
    assertThat(client.getToken()).isEqualTo(cached);
    assertThat(tokenServer.issuedTokens()).hasSize(1);
  }
}
