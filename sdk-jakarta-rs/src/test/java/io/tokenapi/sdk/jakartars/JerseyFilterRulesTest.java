package io.tokenapi.sdk.jakartars;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.sdk.TokenStore;
import io.tokenapi.testkit.FakeTokenServer;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The filter's own rules the shared contract does not cover, on Jersey and real servers. */
class JerseyFilterRulesTest {
  private final MockWebServer api = new MockWebServer();
  private FakeTokenServer tokenServer;
  private OAuthClient client;
  private Client rest;

  @BeforeEach
  void start() throws IOException {
    tokenServer = new FakeTokenServer().start();
    api.start(InetAddress.getByName("127.0.0.1"), 0);
    client =
        OAuthClient.builder()
            .baseUrl(tokenServer.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .retryPolicy(RetryPolicy.none())
            .build();
    rest =
        new JerseyClientBuilder()
            .register(BearerTokenFilter.builder(client).allowHost("localhost").build())
            .build();
  }

  @AfterEach
  void stop() {
    rest.close();
    client.close();
    tokenServer.close();
    api.close();
  }

  private String url() {
    return "http://localhost:" + api.getPort() + "/r";
  }

  private String authorization() throws InterruptedException {
    RecordedRequest request = api.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request).as("a request arrived").isNotNull();
    return request.getHeaders().get("Authorization");
  }

  /**
   * Found by review: a token that cannot be a header (here from a custom TokenStore) reached
   * Jersey's HttpURLConnection, which refused it with an exception quoting "Bearer <token>": the
   * token in the caller's exception. The client now checks a stored token where it reads it: this
   * one is absent, and the provider's token goes on the request.
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
      Client storedRest =
          new JerseyClientBuilder()
              .register(BearerTokenFilter.builder(stored).allowHost("localhost").build())
              .build();
      try {
        api.enqueue(new MockResponse.Builder().body("ok").build());

        storedRest.target(url()).request().get().close();

        assertThat(authorization()).startsWith("Bearer fake-token-").doesNotContain("SECRETVALUE");
        assertThat(tokenServer.requestCount()).isOne();
      } finally {
        storedRest.close();
      }
    }
  }

  @Test
  void postWithAnEntity_isRepeatedWithTheSameBody() throws Exception {
    api.enqueue(new MockResponse.Builder().code(401).build());
    api.enqueue(new MockResponse.Builder().body("created").build());

    try (Response response =
        rest.target(url()).request().post(Entity.entity("{\"a\":1}", MediaType.APPLICATION_JSON))) {
      assertThat(response.getStatus()).isEqualTo(200);
      assertThat(response.readEntity(String.class)).isEqualTo("created");
    }
    RecordedRequest first = api.takeRequest(5, TimeUnit.SECONDS);
    RecordedRequest second = api.takeRequest(5, TimeUnit.SECONDS);
    assertThat(second.getBody().utf8()).isEqualTo(first.getBody().utf8()).isEqualTo("{\"a\":1}");
    assertThat(second.getHeaders().get("Authorization"))
        .isEqualTo("Bearer " + tokenServer.issuedTokens().get(1));
  }

  @Test
  void streamEntity_on401_isNotRepeated_butTheTokenIsDropped() throws Exception {
    api.enqueue(new MockResponse.Builder().code(401).build());
    api.enqueue(new MockResponse.Builder().body("later").build());

    try (Response response =
        rest.target(url())
            .request()
            .post(
                Entity.entity(
                    new ByteArrayInputStream(new byte[] {1, 2}),
                    MediaType.APPLICATION_OCTET_STREAM))) {
      assertThat(response.getStatus()).isEqualTo(401);
    }
    assertThat(api.getRequestCount()).isOne();
    authorization();
    try (Response response = rest.target(url()).request().get()) {
      assertThat(response.getStatus()).isEqualTo(200);
    }
    assertThat(authorization()).isEqualTo("Bearer " + tokenServer.issuedTokens().get(1));
  }

  @Test
  void a401WithABodyOverTheBound_reachesTheCaller_unrepeated() throws Exception {
    api.enqueue(
        new MockResponse.Builder()
            .code(401)
            .body("x".repeat(BearerTokenFilter.MAX_DISCARDED_BYTES + 1))
            .build());
    api.enqueue(new MockResponse.Builder().body("never asked for").build());

    try (Response response = rest.target(url()).request().get()) {
      assertThat(response.getStatus()).isEqualTo(401);
    }
    assertThat(api.getRequestCount()).isOne();
  }

  @Test
  void callersOwnAuthorization_wins() throws Exception {
    api.enqueue(new MockResponse.Builder().body("ok").build());

    try (Response response =
        rest.target(url()).request().header("Authorization", "Basic dXNlcjpwYXNz").get()) {
      assertThat(response.getStatus()).isEqualTo(200);
    }
    assertThat(authorization()).isEqualTo("Basic dXNlcjpwYXNz");
    assertThat(tokenServer.requestCount()).isZero();
  }

  @Test
  void builder_rejectsBadInput() {
    assertThatThrownBy(() -> BearerTokenFilter.builder(null)).hasMessage("client == null");
    assertThatThrownBy(() -> BearerTokenFilter.builder(client).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("allowHost");
    assertThatThrownBy(() -> BearerTokenFilter.builder(client).allowHost("a b"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
