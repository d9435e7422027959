package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tokenapi.sdk.jdkhttp.BearerTokens;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Defects found by reviewing the issue-22 client-path fixes; each test failed on 8a72e4e. */
class ReviewAttackTest {
  private final FakeTokenServer server = new FakeTokenServer();

  @BeforeEach
  void start() {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static String printed(Throwable e) {
    StringWriter out = new StringWriter();
    e.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  /**
   * A 7-character secret is "guessable", so its forms were redacted only as whole values: a code or
   * errorId that embeds it ("bad_Zq7#pL9") went into the message as it was.
   */
  @Test
  void shortSecret_embeddedInCodeOrErrorId_isNotInTheMessage() {
    String secret = "Zq7#pL9";
    server.credentials("id", secret);
    server.enqueueResponse(
        400,
        java.util.Map.of("Content-Type", "application/json"),
        "{\"code\":\"bad_zq7#PL9\",\"errorId\":\"req-" + secret + "-1\",\"text\":\"t\"}");
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.baseUrl())
            .clientId("id")
            .clientSecret(secret)
            .retryPolicy(RetryPolicy.none())
            .build()) {
      ApiException e = (ApiException) catchThrowable(client::getToken);

      assertThat(printed(e).toLowerCase(java.util.Locale.ROOT))
          .doesNotContain(secret.toLowerCase(java.util.Locale.ROOT));
      assertThat(e.error().orElseThrow().toString().toLowerCase(java.util.Locale.ROOT))
          .doesNotContain(secret.toLowerCase(java.util.Locale.ROOT));
      assertThat(client.status().toString().toLowerCase(java.util.Locale.ROOT))
          .doesNotContain(secret.toLowerCase(java.util.Locale.ROOT));
    }
  }

  /**
   * A supplier that threw an OAuthException (its own, or one from another OAuthClient it calls)
   * reached the caller as itself: message and cause unredacted, the assertion in both.
   */
  @Test
  void supplierThrowingOAuthException_withTheAssertionInIt_isRedacted() {
    String assertion = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl";
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.baseUrl())
            .clientId("id")
            .clientAssertion(
                () -> {
                  throw new OAuthException(
                      "rejected " + assertion, new IllegalStateException("inner " + assertion));
                })
            .retryPolicy(RetryPolicy.none())
            .build()) {
      Throwable e = catchThrowable(client::getToken);

      assertThat(e).isInstanceOf(OAuthException.class);
      assertThat(printed(e)).doesNotContain(assertion).contains("OAuthException");
      assertThat(server.requestCount()).isZero();
    }
  }

  /**
   * A token the JDK refuses as a header value (here from a custom TokenStore):
   * HttpRequest.Builder's IllegalArgumentException quoted "Bearer <token>" in its message. Since
   * the client checks a stored token where it reads it (StoredTokenHeaderSafetyTest), such a token
   * is absent and the provider's goes on the request.
   */
  @Test
  void bearerTokens_tokenThatCannotBeAHeader_neverReachesTheHeader() {
    server.credentials("id", "a-long-client-secret-1");
    TokenStore store = storeWithUnsendableToken();
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.baseUrl())
            .clientId("id")
            .clientSecret("a-long-client-secret-1")
            .tokenStore(store)
            .retryPolicy(RetryPolicy.none())
            .build()) {
      BearerTokens tokens = BearerTokens.builder(client).allowHost("localhost").build();

      HttpRequest request =
          tokens.authorize(HttpRequest.newBuilder(URI.create("http://localhost:1/x"))).build();

      assertThat(request.headers().firstValue("Authorization").orElseThrow())
          .doesNotContain("SECRETVALUE")
          .startsWith("Bearer fake-token-");
    }
  }

  /**
   * A secret the provider echoed in another letter case ("S3CR3T-VALUE-0123") was printed: only a
   * guessable secret was compared in any case, a long one exactly.
   */
  @Test
  void secretEchoedInAnotherCase_isRedacted() {
    String secret = "S3cr3t-Value-0123";
    server.credentials("id", secret);
    server.enqueueError(400, "invalid_client", "client secret S3CR3T-VALUE-0123 is wrong");
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.baseUrl())
            .clientId("id")
            .clientSecret(secret)
            .retryPolicy(RetryPolicy.none())
            .build()) {
      ApiException e = (ApiException) catchThrowable(client::getToken);

      assertThat(printed(e).toLowerCase(java.util.Locale.ROOT))
          .doesNotContain(secret.toLowerCase(java.util.Locale.ROOT))
          .contains("client secret [redacted] is wrong");
    }
  }

  /** A custom store whose token has DEL in it: the provider's tokens are checked, a store's not. */
  private static TokenStore storeWithUnsendableToken() {
    String value = "tok-SECRETVALUE\u007fx";
    return new TokenStore() {
      @Override
      public Optional<AccessToken> load(String key) {
        return Optional.of(AccessToken.of(value, Instant.now().plus(Duration.ofHours(1))));
      }

      @Override
      public void save(String key, AccessToken token) {}

      @Override
      public Optional<String> tryLock(String key, Duration ttl) {
        return Optional.of("owner");
      }

      @Override
      public void unlock(String key, String owner) {}
    };
  }

  /**
   * The same token through the OkHttp interceptor: OkHttp's IllegalArgumentException (which does
   * leave the value out) escaped the interceptor, so execute() threw an unchecked exception and an
   * async call crashed OkHttp's dispatcher thread instead of failing with the documented
   * TokenUnavailableIOException. Now the token never reaches the interceptor at all.
   */
  @Test
  void interceptor_tokenThatCannotBeAHeader_neverReachesTheHeader() throws Exception {
    server.credentials("id", "a-long-client-secret-1");
    java.util.concurrent.atomic.AtomicReference<String> sent =
        new java.util.concurrent.atomic.AtomicReference<>();
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.baseUrl())
            .clientId("id")
            .clientSecret("a-long-client-secret-1")
            .tokenStore(storeWithUnsendableToken())
            .retryPolicy(RetryPolicy.none())
            .build()) {
      okhttp3.OkHttpClient http =
          new okhttp3.OkHttpClient.Builder()
              .addInterceptor(
                  io.tokenapi.sdk.okhttp.BearerTokenInterceptor.builder(client)
                      .allowHost("localhost")
                      .build())
              .addInterceptor(
                  chain -> {
                    sent.set(chain.request().header("Authorization"));
                    return new okhttp3.Response.Builder()
                        .request(chain.request())
                        .protocol(okhttp3.Protocol.HTTP_1_1)
                        .code(200)
                        .message("OK")
                        .body(okhttp3.ResponseBody.create("", null))
                        .build();
                  })
              .build();

      http.newCall(new okhttp3.Request.Builder().url("http://localhost:1/x").build())
          .execute()
          .close();

      assertThat(sent.get()).doesNotContain("SECRETVALUE").startsWith("Bearer fake-token-");
    }
  }
}
