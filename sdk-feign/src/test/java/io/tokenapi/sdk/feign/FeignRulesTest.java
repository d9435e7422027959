package io.tokenapi.sdk.feign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import feign.Feign;
import feign.FeignException;
import feign.Headers;
import feign.Param;
import feign.RequestLine;
import feign.Retryer;
import feign.Target;
import feign.codec.ErrorDecoder;
import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.sdk.TokenStore;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Feign specifics the shared contract does not cover, on real loopback servers. */
class FeignRulesTest {
  private final MockWebServer api = new MockWebServer();
  private final MockWebServer other = new MockWebServer();
  private FakeTokenServer tokenServer;
  private OAuthClient client;
  private BearerTokenRequestInterceptor bearer;

  interface Resource {
    @RequestLine("GET")
    String get(URI uri);

    @RequestLine("GET")
    @Headers("Authorization: Basic dXNlcjpwYXNz")
    String getWithBasic(URI uri);

    @RequestLine("GET")
    @Headers("Authorization: Bearer {userToken}")
    String getWithBearer(URI uri, @Param("userToken") String userToken);
  }

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
    bearer = BearerTokenRequestInterceptor.builder(client).allowHost("localhost").build();
  }

  @AfterEach
  void stop() {
    client.close();
    tokenServer.close();
    api.close();
    other.close();
  }

  private Resource resource(Retryer retryer) {
    return Feign.builder()
        .requestInterceptor(bearer)
        .errorDecoder(bearer.errorDecoder(new ErrorDecoder.Default()))
        .retryer(bearer.retryer(retryer))
        .target(Target.EmptyTarget.create(Resource.class));
  }

  private static URI uri(MockWebServer server) {
    return URI.create("http://localhost:" + server.getPort() + "/r");
  }

  private static String authorization(MockWebServer server) throws InterruptedException {
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request).as("a request arrived").isNotNull();
    return request.getHeaders().get("Authorization");
  }

  @Test
  void redirectToAnotherPort_isFollowed_withoutTheToken() throws Exception {
    api.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", "http://127.0.0.1:" + other.getPort() + "/moved")
            .build());
    other.enqueue(new MockResponse.Builder().body("moved").build());

    assertThat(resource(Retryer.NEVER_RETRY).get(uri(api))).isEqualTo("moved");

    assertThat(authorization(api)).startsWith("Bearer ");
    assertThat(authorization(other)).isNull();
  }

  @Test
  void callersBasicHeader_wins_andNoTokenIsFetched() throws Exception {
    api.enqueue(new MockResponse.Builder().body("ok").build());

    resource(Retryer.NEVER_RETRY).getWithBasic(uri(api));

    assertThat(authorization(api)).isEqualTo("Basic dXNlcjpwYXNz");
    assertThat(tokenServer.requestCount()).isZero();
  }

  /**
   * Found by review: any bearer header was taken for this interceptor's own from an earlier try, so
   * a caller's own bearer token (a user's, for a call on their behalf) was replaced by the client's
   * token, and the call ran with the application's rights instead of the user's.
   */
  @Test
  void callersOwnBearerHeader_wins_andNoTokenIsFetched() throws Exception {
    api.enqueue(new MockResponse.Builder().body("ok").build());

    resource(Retryer.NEVER_RETRY).getWithBearer(uri(api), "users-own-token");

    assertThat(authorization(api)).isEqualTo("Bearer users-own-token");
    assertThat(tokenServer.requestCount()).isZero();
  }

  /**
   * Found by review: a token that cannot be a header (here from a custom TokenStore) reached
   * Feign's default client, whose HttpURLConnection refused it with an IllegalArgumentException
   * quoting "Bearer <token>": the token in the caller's exception. The client now checks a stored
   * token where it reads it: this one is absent, and the provider's token goes on the request.
   */
  @Test
  void tokenThatCannotBeAHeader_fromAStore_neverReachesTheHeader() throws Exception {
    String value = "tok-SECRETVALUE\r\nX-Injected: yes";
    TokenStore store =
        new TokenStore() {
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
    try (OAuthClient stored =
        OAuthClient.builder()
            .baseUrl(tokenServer.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .tokenStore(store)
            .retryPolicy(RetryPolicy.none())
            .build()) {
      BearerTokenRequestInterceptor storedBearer =
          BearerTokenRequestInterceptor.builder(stored).allowHost("localhost").build();
      Resource resource =
          Feign.builder()
              .requestInterceptor(storedBearer)
              .errorDecoder(storedBearer.errorDecoder(new ErrorDecoder.Default()))
              .retryer(storedBearer.retryer(Retryer.NEVER_RETRY))
              .target(Target.EmptyTarget.create(Resource.class));

      api.enqueue(new MockResponse.Builder().body("ok").build());

      assertThat(resource.get(uri(api))).isEqualTo("ok");

      assertThat(authorization(api)).startsWith("Bearer fake-token-").doesNotContain("SECRETVALUE");
      assertThat(tokenServer.requestCount()).isOne();
    }
  }

  @Test
  void otherFailures_goToTheApplicationsRetryer_andDecoder() {
    api.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "0").build());
    api.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "0").build());
    api.enqueue(new MockResponse.Builder().body("third").build());

    // Retryer.Default: 5 attempts; the 503s are retried by it, not by the renewal allowance.
    assertThat(resource(new Retryer.Default(1, 1, 5)).get(uri(api))).isEqualTo("third");
    assertThat(api.getRequestCount()).isEqualTo(3);
    assertThat(tokenServer.requestCount()).isOne();
  }

  @Test
  void secondRejection_reachesTheCaller_asA401FeignException() {
    api.enqueue(new MockResponse.Builder().code(401).body("no").build());
    api.enqueue(new MockResponse.Builder().code(401).body("still no").build());

    assertThatThrownBy(() -> resource(Retryer.NEVER_RETRY).get(uri(api)))
        .isInstanceOfSatisfying(FeignException.class, e -> assertThat(e.status()).isEqualTo(401))
        .hasCauseInstanceOf(FeignException.Unauthorized.class)
        .message()
        .doesNotContain(tokenServer.issuedTokens().get(0), tokenServer.issuedTokens().get(1));
    assertThat(api.getRequestCount()).isEqualTo(2);
  }

  @Test
  void builderAndDecorators_rejectBadInput() {
    assertThatThrownBy(() -> BearerTokenRequestInterceptor.builder(null))
        .hasMessage("client == null");
    assertThatThrownBy(() -> BearerTokenRequestInterceptor.builder(client).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("allowHost");
    assertThatThrownBy(() -> bearer.errorDecoder(null)).hasMessage("delegate == null");
    assertThatThrownBy(() -> bearer.retryer(null)).hasMessage("delegate == null");
  }
}
