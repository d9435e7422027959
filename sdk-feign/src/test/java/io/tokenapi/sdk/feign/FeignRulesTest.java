package io.tokenapi.sdk.feign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import feign.Feign;
import feign.FeignException;
import feign.Headers;
import feign.RequestLine;
import feign.Retryer;
import feign.Target;
import feign.codec.ErrorDecoder;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
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
