package io.tokenapi.examples;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.jdkhttp.BearerTokens;
import io.tokenapi.sdk.okhttp.BearerTokenInterceptor;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Calls a resource API with the token: OkHttp with {@link BearerTokenInterceptor}, and {@code
 * java.net.http} with {@link BearerTokens}. The resource server is a fake on 127.0.0.1 that accepts
 * only tokens the {@link FakeTokenServer} issued and has not revoked.
 */
public final class ResourceCallExample {
  private ResourceCallExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   * @throws Exception if a call fails
   */
  public static void main(String[] args) throws Exception {
    try (FakeTokenServer tokens = new FakeTokenServer().start();
        MockWebServer accounts = new MockWebServer();
        OAuthClient client =
            OAuthClient.builder()
                .baseUrl(tokens.baseUrl())
                .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
                .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
                .build()) {
      accounts.setDispatcher(new AccountsApi(tokens));
      accounts.start(InetAddress.getByName("127.0.0.1"), 0);
      // The same server under two names: the token goes to "localhost" only.
      HttpUrl api = accounts.url("/v1/accounts").newBuilder().host("localhost").build();
      HttpUrl elsewhere = api.newBuilder().host("127.0.0.1").build();

      OkHttpClient http = withBearerToken(client, "localhost");
      try {
        System.out.println("OkHttp + BearerTokenInterceptor:");
        System.out.println("  " + get(http, api));
        tokens.revoke(tokens.lastIssuedToken());
        System.out.println(
            "  the provider revoked the token; the next call gets 401, a new token, one retry:");
        System.out.println("  " + get(http, api));
        System.out.println("  token requests so far: " + tokens.requestCount());
        System.out.println(
            "  " + get(http, elsewhere) + "   <- not an allowed host: no token sent");
      } finally {
        http.connectionPool().evictAll();
      }

      System.out.println("java.net.http + BearerTokens:");
      HttpResponse<String> response =
          jdkGet(client, HttpClient.newHttpClient(), api.uri(), api.host());
      System.out.println("  GET " + api + " -> " + response.statusCode() + " " + response.body());
    }
  }

  /** docs/resource-calls.md's OkHttp snippet: the token goes to {@code apiHost} only. */
  static OkHttpClient withBearerToken(OAuthClient client, String apiHost) {
    // README okhttp-interceptor: begin
    OkHttpClient http =
        new OkHttpClient.Builder()
            .addInterceptor(
                BearerTokenInterceptor.builder(client)
                    .allowHost(apiHost) // e.g. "api.example.com"
                    .build())
            .build();
    // README okhttp-interceptor: end
    return http;
  }

  /**
   * docs/resource-calls.md's {@code java.net.http} snippet: a GET with the token, renewed once on a
   * 401; the token goes to {@code apiHost} only.
   */
  static HttpResponse<String> jdkGet(OAuthClient client, HttpClient http, URI uri, String apiHost)
      throws IOException, InterruptedException {
    // README jdkhttp: begin
    BearerTokens tokens =
        BearerTokens.builder(client)
            .allowHost(apiHost) // e.g. "api.example.com"
            .build();
    HttpResponse<String> response =
        tokens.send(http, HttpRequest.newBuilder(uri).GET(), BodyHandlers.ofString());
    // README jdkhttp: end
    return response;
  }

  private static String get(OkHttpClient http, HttpUrl url) throws IOException {
    try (Response response = http.newCall(new Request.Builder().url(url).build()).execute()) {
      return "GET " + url + " -> " + response.code() + " " + response.body().string();
    }
  }

  /**
   * A resource server that checks bearer tokens with the token server, as a real API checks them.
   */
  private static final class AccountsApi extends Dispatcher {
    private final FakeTokenServer tokens;

    AccountsApi(FakeTokenServer tokens) {
      this.tokens = tokens;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String authorization = request.getHeaders().get("Authorization");
      String token =
          authorization != null && authorization.startsWith("Bearer ")
              ? authorization.substring("Bearer ".length())
              : null;
      if (token == null || !tokens.isValid(token)) {
        return new MockResponse.Builder()
            .code(401)
            .addHeader(
                "WWW-Authenticate", token == null ? "Bearer" : "Bearer error=\"invalid_token\"")
            .body(token == null ? "{\"error\":\"no token\"}" : "{\"error\":\"invalid_token\"}")
            .build();
      }
      return new MockResponse.Builder()
          .addHeader("Content-Type", "application/json")
          .body("{\"accounts\":[{\"id\":\"acc-1\",\"balance\":\"100.00\"}]}")
          .build();
    }
  }
}
