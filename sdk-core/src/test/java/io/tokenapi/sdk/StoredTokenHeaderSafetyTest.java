package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.jdkhttp.BearerTokens;
import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.sdk.okhttp.BearerTokenInterceptor;
import io.tokenapi.testkit.FakeTokenServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * A token a {@link TokenStore} returns is checked once, where the client reads it, as the
 * provider's tokens are checked when parsed: one with characters an HTTP header cannot carry (CR/LF
 * that would add a header, other controls, non-ASCII) is absent, with one WARN naming the store and
 * never the token, and the client asks the provider. So no integration (OkHttp, the JDK client,
 * Feign, Jakarta REST, HttpClient 5, gRPC) ever gets such a token to put in a header.
 */
class StoredTokenHeaderSafetyTest {
  private static final List<String> UNSAFE =
      List.of(
          "tok-SECRETVALUE\r\nX-Injected: yes",
          "tok-SECRETVALUE\u007fx",
          "tok-SECRETVALUE\u0000x",
          "tok-SECRETVALUE-t\u00f6k",
          "tok-SECRETVALUE\u2028x");

  private final FakeTokenServer server = new FakeTokenServer();

  @BeforeEach
  void start() {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A store that always holds {@code value}, and lets this client take its lock. */
  static final class HoldingStore implements TokenStore {
    private final String value;

    HoldingStore(String value) {
      this.value = value;
    }

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
  }

  private OAuthClient client(TokenStore store) {
    return OAuthClient.builder()
        .baseUrl(server.baseUrl())
        .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
        .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
        .tokenStore(store)
        .retryPolicy(RetryPolicy.none())
        .build();
  }

  @Test
  void storedTokenThatCannotBeAHeader_isAbsent_andTheProviderIsAsked() {
    for (String value : UNSAFE) {
      server.reset();
      try (CapturingLogs logs = CapturingLogs.start();
          OAuthClient client = client(new HoldingStore(value))) {
        AccessToken token = client.getToken();

        assertThat(token.value()).as(value).startsWith("fake-token-");
        assertThat(server.requestCount()).as(value).isOne();
        List<String> warnings = logs.messages(Level.WARN, "HTTP header cannot carry");
        assertThat(warnings).as(value).hasSize(1);
        assertThat(warnings.get(0)).contains(HoldingStore.class.getName());
        assertThat(logs.allText()).doesNotContain("SECRETVALUE");
      }
    }
  }

  @Test
  void storedTokenThatCannotBeAHeader_neverReachesAnOkHttpRequest() throws Exception {
    AtomicReference<String> sent = new AtomicReference<>();
    try (OAuthClient client = client(new HoldingStore("tok-SECRETVALUE\r\nX-Injected: yes"))) {
      OkHttpClient http =
          new OkHttpClient.Builder()
              .addInterceptor(BearerTokenInterceptor.builder(client).allowHost("localhost").build())
              .addInterceptor(
                  chain -> {
                    sent.set(chain.request().header("Authorization"));
                    return new Response.Builder()
                        .request(chain.request())
                        .protocol(Protocol.HTTP_1_1)
                        .code(200)
                        .message("OK")
                        .body(ResponseBody.create("", null))
                        .build();
                  })
              .build();

      http.newCall(new Request.Builder().url("http://localhost:1/x").build()).execute().close();

      assertThat(sent.get()).startsWith("Bearer fake-token-").doesNotContain("SECRETVALUE");
    }
  }

  @Test
  void storedTokenThatCannotBeAHeader_neverReachesAJdkRequest() {
    try (OAuthClient client = client(new HoldingStore("tok-SECRETVALUE\u007fx"))) {
      BearerTokens tokens = BearerTokens.builder(client).allowHost("localhost").build();

      HttpRequest request =
          tokens.authorize(HttpRequest.newBuilder(URI.create("http://localhost:1/x"))).build();

      assertThat(request.headers().firstValue("Authorization").orElseThrow())
          .startsWith("Bearer fake-token-")
          .doesNotContain("SECRETVALUE");
    }
  }
}
