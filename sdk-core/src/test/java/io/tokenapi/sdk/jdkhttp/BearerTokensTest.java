package io.tokenapi.sdk.jdkhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.testkit.FakeTokenServer;
import java.net.URI;
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
  @StartStop final MockWebServer elsewhere = new MockWebServer();
  private OAuthClient client;
  private BearerTokens tokens;

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
    tokens = BearerTokens.builder(client).allowHost(api.getHostName()).build();
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
    HttpResponse<String> response = send(tokens.authorize(request));

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
        send(tokens.authorize(HttpRequest.newBuilder(api.url("/a").uri())));
    assertThat(tokens.invalidateIfRejected(first)).isTrue();
    HttpResponse<String> retry =
        send(tokens.authorize(HttpRequest.newBuilder(api.url("/a").uri())));

    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(api.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
        .isEqualTo("Bearer fake-token-1");
    assertThat(api.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
        .isEqualTo("Bearer fake-token-2");
    assertThat(tokens.invalidateIfRejected(retry)).isFalse();
    assertThat(tokenServer.issuedTokens()).hasSize(2);
  }

  @Test
  void invalidateIfRejected_for401WithoutABearerToken_changesNothing() throws Exception {
    AccessToken cached = client.getToken();
    api.enqueue(new MockResponse.Builder().code(401).build());

    HttpResponse<String> response = send(HttpRequest.newBuilder(api.url("/a").uri()));

    assertThat(tokens.invalidateIfRejected(response)).isFalse();
    assertThat(client.getToken()).isEqualTo(cached);
    assertThat(tokenServer.issuedTokens()).hasSize(1);
  }

  /** The second server under another name for this machine: a different host to the client. */
  private URI elsewhere(String path) {
    return URI.create("http://127.0.0.1:" + elsewhere.getPort() + path);
  }

  @Test
  void hostNotAllowed_isRefused_beforeATokenIsFetched() {
    assertThatThrownBy(() -> tokens.authorize(HttpRequest.newBuilder(elsewhere("/a"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("127.0.0.1")
        .hasMessageContaining("allowHost(...)");
    assertThat(tokenServer.requestCount()).isZero();
  }

  @Test
  void plainHttpToANonLoopbackHost_isRefused() {
    BearerTokens remote = BearerTokens.builder(client).allowHost("api.example.com").build();
    assertThatThrownBy(
            () -> remote.authorize(HttpRequest.newBuilder(URI.create("http://api.example.com/a"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://");
    assertThat(tokenServer.requestCount()).isZero();
  }

  @Test
  void builder_withoutAHost_isRefused() {
    assertThatThrownBy(() -> BearerTokens.builder(client).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("allowHost");
  }

  @Test
  void send_after401_retriesOnceWithANewToken() throws Exception {
    api.enqueue(new MockResponse.Builder().code(401).build());
    api.enqueue(new MockResponse.Builder().body("ok").build());

    HttpResponse<String> response =
        tokens.send(http, HttpRequest.newBuilder(api.url("/a").uri()), BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(api.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
        .isEqualTo("Bearer fake-token-1");
    assertThat(api.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Authorization"))
        .isEqualTo("Bearer fake-token-2");
  }

  /**
   * JDK 17's HttpClient with Redirect.NORMAL sends the Authorization header on to the redirect's
   * host; send() refuses such a client before anything is sent.
   */
  @Test
  void send_withAClientThatFollowsRedirects_isRefused_andNothingIsSent() {
    HttpClient following =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    api.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", elsewhere("/stolen").toString())
            .build());

    assertThatThrownBy(
            () ->
                tokens.send(
                    following,
                    HttpRequest.newBuilder(api.url("/a").uri()),
                    BodyHandlers.ofString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Redirect.NEVER");
    assertThat(api.getRequestCount()).isZero();
    assertThat(elsewhere.getRequestCount()).isZero();
    assertThat(tokenServer.requestCount()).isZero();
  }

  @Test
  void send_aCrossHostRedirect_isReturned_andTheOtherHostGetsNothing() throws Exception {
    api.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", elsewhere("/stolen").toString())
            .build());

    HttpResponse<String> response =
        tokens.send(http, HttpRequest.newBuilder(api.url("/a").uri()), BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(elsewhere.getRequestCount()).isZero();
  }

  /**
   * What send() guards against, shown on the JDK that runs the test: with Redirect.NORMAL and the
   * header set by authorize(), JDK 17 forwards it across hosts (JDK 25 strips it).
   */
  @Test
  void authorize_withAFollowingClient_onThisJdk_documentsTheForwarding() throws Exception {
    HttpClient following =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    api.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", elsewhere("/stolen").toString())
            .build());
    elsewhere.enqueue(new MockResponse.Builder().body("other host").build());

    following.send(
        tokens.authorize(HttpRequest.newBuilder(api.url("/a").uri())).build(),
        BodyHandlers.ofString());

    RecordedRequest atOtherHost = elsewhere.takeRequest(5, TimeUnit.SECONDS);
    assertThat(atOtherHost).isNotNull();
    if (Runtime.version().feature() == 17) {
      assertThat(atOtherHost.getHeaders().get("Authorization")).startsWith("Bearer ");
    }
  }
}
