package io.tokenapi.sdk.httpclient5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the shared contract does not cover: HttpClient 5's redirect hops, the caller's own header,
 * one-shot entities, plain http to a remote host, and the builders' checks. Real loopback servers;
 * {@code localhost} is the allowed host, each server on its own port.
 */
class HandlerRulesTest {
  private final MockWebServer api = new MockWebServer();
  private final MockWebServer other = new MockWebServer();
  private FakeTokenServer tokenServer;
  private OAuthClient client;
  private CloseableHttpClient http;

  @BeforeEach
  void start() throws IOException {
    tokenServer = new FakeTokenServer().start();
    api.start(InetAddress.getByName("127.0.0.1"), 0);
    other.start(InetAddress.getByName("127.0.0.1"), 0);
    client =
        OAuthClient.builder()
            .baseUrl(tokenServer.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .retryPolicy(RetryPolicy.none())
            .build();
    http =
        HttpClients.custom()
            .addExecInterceptorAfter(
                ChainElement.REDIRECT.name(),
                BearerTokenExecChainHandler.NAME,
                BearerTokenExecChainHandler.builder(client).allowHost("localhost").build())
            .build();
  }

  @AfterEach
  void stop() throws IOException {
    http.close();
    client.close();
    tokenServer.close();
    api.close();
    other.close();
  }

  private String url(MockWebServer server, String path) {
    return "http://localhost:" + server.getPort() + path;
  }

  private static String authorization(MockWebServer server) throws InterruptedException {
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request).as("a request arrived").isNotNull();
    return request.getHeaders().get("Authorization");
  }

  private int get(String url) throws IOException {
    return code(new HttpGet(url));
  }

  private int code(ClassicHttpRequest request) throws IOException {
    Integer code = http.execute(request, response -> response.getCode());
    return code;
  }

  @Test
  void redirectToAnotherPortOfAnAllowedHost_carriesNoToken() throws Exception {
    api.enqueue(redirect(url(other, "/moved")));
    other.enqueue(new MockResponse.Builder().body("moved").build());

    assertThat(get(url(api, "/start"))).isEqualTo(200);

    assertThat(authorization(api)).startsWith("Bearer ");
    assertThat(authorization(other)).isNull();
  }

  @Test
  void redirectOnTheSameHostAndPort_keepsTheToken() throws Exception {
    api.enqueue(redirect(url(api, "/next")));
    api.enqueue(new MockResponse.Builder().body("here").build());

    assertThat(get(url(api, "/start"))).isEqualTo(200);

    String first = authorization(api);
    assertThat(first).startsWith("Bearer ");
    assertThat(authorization(api)).isEqualTo(first);
    assertThat(tokenServer.requestCount()).isOne();
  }

  @Test
  void callersOwnAuthorization_isSentAsItIs_andNoTokenFetched() throws Exception {
    api.enqueue(new MockResponse.Builder().body("ok").build());
    HttpGet request = new HttpGet(url(api, "/"));
    request.setHeader("Authorization", "Basic dXNlcjpwYXNz");

    code(request);

    assertThat(authorization(api)).isEqualTo("Basic dXNlcjpwYXNz");
    assertThat(tokenServer.requestCount()).isZero();
  }

  @Test
  void oneShotEntity_on401_isNotReplayed_butTheTokenIsDropped() throws Exception {
    api.enqueue(new MockResponse.Builder().code(401).build());
    api.enqueue(new MockResponse.Builder().body("later").build());
    HttpPost post = new HttpPost(url(api, "/"));
    post.setEntity(
        new InputStreamEntity(
            new ByteArrayInputStream(new byte[] {1, 2, 3}),
            3,
            ContentType.APPLICATION_OCTET_STREAM));

    assertThat(code(post)).isEqualTo(401);
    assertThat(api.getRequestCount()).isOne();

    // The caller's own retry gets a new token.
    assertThat(get(url(api, "/"))).isEqualTo(200);
    authorization(api);
    assertThat(authorization(api)).isEqualTo("Bearer " + tokenServer.issuedTokens().get(1));
  }

  @Test
  void plainHttpToARemoteAllowedHost_isRefused_beforeAnyTokenIsFetched() throws Exception {
    try (CloseableHttpClient remote =
        HttpClients.custom()
            .addExecInterceptorAfter(
                ChainElement.REDIRECT.name(),
                BearerTokenExecChainHandler.NAME,
                BearerTokenExecChainHandler.builder(client).allowHost("api.example.com").build())
            .build()) {
      assertThatThrownBy(
              () -> remote.execute(new HttpGet("http://api.example.com/"), r -> r.getCode()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Refusing to send a bearer token over http:// to api.example.com");
    }
    assertThat(tokenServer.requestCount()).isZero();
  }

  @Test
  void async_redirectToAnotherPortOfAnAllowedHost_carriesNoToken() throws Exception {
    api.enqueue(redirect(url(other, "/moved")));
    other.enqueue(new MockResponse.Builder().body("moved").build());
    try (CloseableHttpAsyncClient async =
        HttpAsyncClients.custom()
            .addExecInterceptorAfter(
                ChainElement.REDIRECT.name(),
                BearerTokenAsyncExecChainHandler.NAME,
                BearerTokenAsyncExecChainHandler.builder(client).allowHost("localhost").build())
            .build()) {
      async.start();
      SimpleHttpResponse response =
          async
              .execute(SimpleRequestBuilder.get(url(api, "/start")).build(), null)
              .get(5, TimeUnit.SECONDS);
      assertThat(response.getCode()).isEqualTo(200);
    }
    assertThat(authorization(api)).startsWith("Bearer ");
    assertThat(authorization(other)).isNull();
  }

  @Test
  void async_closedOAuthClient_failsTheCall_insteadOfTheReactor() throws Exception {
    client.close();
    try (CloseableHttpAsyncClient async =
        HttpAsyncClients.custom()
            .addExecInterceptorAfter(
                ChainElement.REDIRECT.name(),
                BearerTokenAsyncExecChainHandler.NAME,
                BearerTokenAsyncExecChainHandler.builder(client).allowHost("localhost").build())
            .build()) {
      async.start();
      assertThatThrownBy(
              () ->
                  async
                      .execute(SimpleRequestBuilder.get(url(api, "/")).build(), null)
                      .get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(IOException.class)
          .hasMessageContaining("No access token for the request");
    }
    assertThat(api.getRequestCount()).isZero();
  }

  @Test
  void builders_rejectBadInput_withMessagesThatSayWhatToDo() {
    assertThatThrownBy(() -> BearerTokenExecChainHandler.builder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("client == null");
    assertThatThrownBy(() -> BearerTokenAsyncExecChainHandler.builder(client).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("call allowHost(\"api.example.com\")");
    assertThatThrownBy(() -> BearerTokenExecChainHandler.builder(client).allowHost("https://x/y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a host name");
    assertThatThrownBy(
            () -> BearerTokenExecChainHandler.builder(client).allowHost("evil\r\nX-Injected: 1"))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("\r", "\n");
    assertThat(BearerTokenExecChainHandler.builder(client).allowHost("API.Example.COM").build())
        .hasToString("BearerTokenExecChainHandler[hosts=[api.example.com]]");
  }

  private static MockResponse redirect(String location) {
    return new MockResponse.Builder().code(302).addHeader("Location", location).build();
  }
}
