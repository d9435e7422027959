package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.ServiceUnavailableException;
import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The starter in a real application: embedded Tomcat serving a resource that requires a valid
 * bearer token from the testkit's {@link FakeTokenServer}, called through Boot's own RestClient,
 * RestTemplate and WebClient builders. One Spring context for the whole class.
 */
@SpringBootTest(
    classes = TokenApiIntegrationTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "tokenapi.client.client-id=" + TokenApiIntegrationTest.CLIENT_ID,
      "tokenapi.client.allowed-hosts=127.0.0.1",
      "tokenapi.clients.partner.client-id=" + TokenApiIntegrationTest.CLIENT_ID,
      "tokenapi.clients.partner.allowed-hosts=localhost",
      "tokenapi.clients.closing.client-id=" + TokenApiIntegrationTest.CLIENT_ID,
      "tokenapi.clients.closed.client-id=" + TokenApiIntegrationTest.CLIENT_ID,
      "management.endpoints.web.exposure.include=health,env,configprops",
      "management.endpoint.health.show-details=always",
      "management.endpoint.env.show-values=always",
      "management.endpoint.configprops.show-values=always",
      "logging.level.io.tokenapi=DEBUG",
      // Boot would pick Apache HttpClient (on this module's test class path) before the JDK's.
      "spring.http.clients.imperative.factory=jdk"
    })
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TokenApiIntegrationTest {
  static final String CLIENT_ID = "it-client";
  static final String SECRET = "it-secret-5c1e9a";

  static final FakeTokenServer TOKENS =
      new FakeTokenServer().credentials(CLIENT_ID, SECRET).start();

  /**
   * The default client's clock: each test that revokes its token moves it past the SDK's damping of
   * repeated rejections (a renewed token rejected again within 30 s is not renewed again).
   */
  static final MutableClock CLOCK = new MutableClock(Instant.now());

  /** Every Authorization header the resource saw (null for none), in order. */
  static final Queue<String> SEEN = new ConcurrentLinkedQueue<>();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient PLAIN = HttpClient.newHttpClient();

  @DynamicPropertySource
  static void tokenServer(DynamicPropertyRegistry registry) {
    for (String prefix :
        List.of(
            "tokenapi.client",
            "tokenapi.clients.partner",
            "tokenapi.clients.closing",
            "tokenapi.clients.closed")) {
      registry.add(prefix + ".base-url", TOKENS::baseUrl);
      registry.add(prefix + ".client-secret", () -> SECRET);
    }
  }

  @AfterAll
  static void stopTokenServer() {
    TOKENS.close();
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @RestController
  static class App {
    /** The default client reads {@link #CLOCK}; the others the system clock. */
    @Bean
    OAuthClientBuilderCustomizer testClock() {
      return (name, builder) -> {
        if (name.equals("default")) {
          builder.clock(CLOCK);
        }
      };
    }

    /** A resource server: 200 for a token the fake issued and did not revoke, else 401. */
    @GetMapping("/resource")
    ResponseEntity<String> resource(
        @RequestHeader(value = "Authorization", required = false) String authorization) {
      SEEN.add(String.valueOf(authorization));
      if (authorization == null
          || !authorization.startsWith("Bearer ")
          || !TOKENS.isValid(authorization.substring("Bearer ".length()))) {
        return ResponseEntity.status(401).header("WWW-Authenticate", "Bearer").build();
      }
      return ResponseEntity.ok("hello");
    }

    /** Sends the caller on to {@code /resource} at 127.0.0.2: another host. */
    @GetMapping("/elsewhere")
    ResponseEntity<String> elsewhere(@RequestHeader("Host") String host) {
      String port = host.substring(host.lastIndexOf(':') + 1);
      return ResponseEntity.status(302)
          .header("Location", "http://127.0.0.2:" + port + "/resource")
          .build();
    }
  }

  @LocalServerPort int port;
  @Autowired RestClient.Builder restClientBuilder;
  @Autowired RestTemplateBuilder restTemplateBuilder;
  @Autowired WebClient.Builder webClientBuilder;
  @Autowired OAuthClient client;
  @Autowired OAuthClients clients;

  @BeforeEach
  void clearSeen() {
    SEEN.clear();
  }

  private String url(String host) {
    return "http://" + host + ":" + port + "/resource";
  }

  private String bearer(OAuthClient c) {
    return c.getToken().authorizationHeader();
  }

  @Test
  void restClient_addsTheTokenForAllowedHostsOnly() {
    RestClient rest = restClientBuilder.build();
    assertThat(rest.get().uri(url("127.0.0.1")).retrieve().body(String.class)).isEqualTo("hello");
    assertThat(SEEN).containsExactly(bearer(client));

    SEEN.clear();
    // 127.0.0.2 reaches the same server but is on no client's list: no token leaves for it.
    assertThatThrownBy(() -> rest.get().uri(url("127.0.0.2")).retrieve().body(String.class))
        .isInstanceOf(HttpClientErrorException.Unauthorized.class);
    assertThat(SEEN).containsExactly("null");
  }

  /**
   * Boot's default (follow redirects) on the JDK's HttpClient: JDKs before the 2025 security
   * updates (17.0.15 here) re-send the Authorization header to the redirect's host, later ones drop
   * it. The startup warning says which (RedirectForwarding), and this test holds it to the JDK it
   * runs on.
   */
  @Test
  void redirectToAnotherHost_withBootsDefaultFollow_onTheJdkClient_asTheWarningSays() {
    RestClient rest = restClientBuilder.build();
    String url = "http://127.0.0.1:" + port + "/elsewhere";
    if (RedirectForwarding.jdkHttpClientForwards()) {
      assertThat(rest.get().uri(url).retrieve().body(String.class)).isEqualTo("hello");
      assertThat(SEEN).containsExactly(bearer(client)); // received by 127.0.0.2, not allowed
    } else {
      assertThatThrownBy(() -> rest.get().uri(url).retrieve().body(String.class))
          .isInstanceOf(HttpClientErrorException.Unauthorized.class);
      // The 401 made the interceptor renew and try once more: twice without a token.
      assertThat(SEEN).isNotEmpty().containsOnly("null");
    }
  }

  @Test
  void redirectToAnotherHost_withDontFollow_isReturnedAndNoTokenLeaves() {
    RestClient rest =
        restClientBuilder
            .requestFactory(
                ClientHttpRequestFactoryBuilder.detect()
                    .build(HttpClientSettings.defaults().withRedirects(HttpRedirects.DONT_FOLLOW)))
            .build();
    ResponseEntity<Void> response =
        rest.get().uri("http://127.0.0.1:" + port + "/elsewhere").retrieve().toBodilessEntity();
    assertThat(response.getStatusCode().value()).isEqualTo(302);
    assertThat(SEEN).isEmpty();
  }

  @Test
  void namedClient_addsItsOwnTokenForItsOwnHost() {
    RestClient rest = restClientBuilder.build();
    assertThat(rest.get().uri(url("localhost")).retrieve().body(String.class)).isEqualTo("hello");
    OAuthClient partner = clients.get("partner");
    assertThat(SEEN).containsExactly(bearer(partner));
    assertThat(bearer(partner)).isNotEqualTo(bearer(client));
  }

  @Test
  void restTemplate_addsTheToken() {
    assertThat(restTemplateBuilder.build().getForObject(url("127.0.0.1"), String.class))
        .isEqualTo("hello");
    assertThat(SEEN).containsExactly(bearer(client));
  }

  @Test
  void webClient_addsTheToken() {
    WebClient web = webClientBuilder.build();
    assertThat(web.get().uri(url("127.0.0.1")).retrieve().bodyToMono(String.class).block())
        .isEqualTo("hello");
    assertThat(SEEN).containsExactly(bearer(client));
  }

  @Test
  void manualInterceptor_onAPlainRestClient() {
    RestClient rest =
        RestClient.builder()
            .requestInterceptor(
                BearerTokenClientHttpRequestInterceptor.builder(clients.get("closing"))
                    .allowHost("127.0.0.1")
                    .build())
            .build();
    assertThat(rest.get().uri(url("127.0.0.1")).retrieve().body(String.class)).isEqualTo("hello");
    assertThat(SEEN).containsExactly(bearer(clients.get("closing")));
  }

  @Test
  void coldStart_64ConcurrentRestClientRequests_makeOneTokenRequest() throws Exception {
    client.invalidate();
    int before = TOKENS.requestCount();
    RestClient rest = restClientBuilder.build();
    ExecutorService pool = Executors.newFixedThreadPool(64);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return rest.get().uri(url("127.0.0.1")).retrieve().body(String.class);
                }));
      }
      start.countDown();
      for (Future<String> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("hello");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(TOKENS.requestCount() - before).isEqualTo(1);
    assertThat(SEEN).hasSize(64).containsOnly(bearer(client));
  }

  @Test
  void rejectedToken_isRenewedOnce_restClient() {
    CLOCK.advance(Duration.ofSeconds(31));
    String old = bearer(client);
    TOKENS.revoke(old.substring("Bearer ".length()));
    int before = TOKENS.requestCount();

    assertThat(restClientBuilder.build().get().uri(url("127.0.0.1")).retrieve().body(String.class))
        .isEqualTo("hello");

    assertThat(TOKENS.requestCount() - before).isEqualTo(1);
    assertThat(SEEN).containsExactly(old, bearer(client));
  }

  @Test
  void rejectedToken_isRenewedOnce_webClient() {
    CLOCK.advance(Duration.ofSeconds(31));
    String old = bearer(client);
    TOKENS.revoke(old.substring("Bearer ".length()));
    int before = TOKENS.requestCount();

    assertThat(
            webClientBuilder
                .build()
                .get()
                .uri(url("127.0.0.1"))
                .retrieve()
                .bodyToMono(String.class)
                .block())
        .isEqualTo("hello");

    assertThat(TOKENS.requestCount() - before).isEqualTo(1);
    assertThat(SEEN).containsExactly(old, bearer(client));
  }

  @Test
  void webClient_doesNotBlockTheSubscriberWhileTheTokenIsFetched() throws Exception {
    client.invalidate();
    int issued = TOKENS.issuedTokens().size();
    CompletableFuture<String> body;
    // The server holds the token answer until told: no window in milliseconds to miss under load.
    TOKENS.holdAnswers();
    try {
      body =
          webClientBuilder
              .build()
              .get()
              .uri(url("127.0.0.1"))
              .retrieve()
              .bodyToMono(String.class)
              .toFuture();

      // Subscribing returned before the server issued the token: the filter did not wait for it.
      assertThat(TOKENS.issuedTokens()).hasSize(issued);
      assertThat(body).isNotDone();
    } finally {
      TOKENS.releaseAnswers();
    }
    assertThat(body.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
    assertThat(TOKENS.issuedTokens()).hasSize(issued + 1);
  }

  @Test
  void closedProvider_reachesTheCallerAsServiceUnavailable_withRetryAt() {
    Instant reopens = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    TOKENS.enqueueClosedUntil(reopens);
    RestClient rest =
        RestClient.builder()
            .requestInterceptor(
                BearerTokenClientHttpRequestInterceptor.builder(clients.get("closing"))
                    .allowHost("127.0.0.2")
                    .build())
            .build();
    clients.get("closing").invalidate();

    assertThatThrownBy(() -> rest.get().uri(url("127.0.0.2")).retrieve().body(String.class))
        .isInstanceOfSatisfying(
            ServiceUnavailableException.class, e -> assertThat(e.retryAt()).contains(reopens));
    assertThat(SEEN).isEmpty();
  }

  /** A scheduled closure is not an outage: UP by default, the state and reopening in details. */
  @Test
  void closedProvider_showsInHealth_upWithStateAndRetryAt() throws Exception {
    Instant reopens = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    TOKENS.enqueueClosedUntil(reopens);
    OAuthClient closed = clients.get("closed");
    closed.invalidate();
    assertThatThrownBy(closed::getToken).isInstanceOf(ServiceUnavailableException.class);

    JsonNode health = getJson("/actuator/health/tokenapi/closed", 200);
    assertThat(health.path("status").asText()).isEqualTo("UP");
    assertThat(health.path("details").path("state").asText()).isEqualTo("CLOSED_UNTIL");
    assertThat(Instant.parse(health.path("details").path("retryAt").asText())).isEqualTo(reopens);
  }

  @Test
  void health_upPerClient_withStateAndExpiry_neverTheToken() throws Exception {
    String token = bearer(client).substring("Bearer ".length());
    JsonNode mine = getJson("/actuator/health/tokenapi/default", 200);
    assertThat(mine.path("status").asText()).isEqualTo("UP");
    assertThat(mine.path("details").path("state").asText()).isEqualTo("FRESH");
    assertThat(Instant.parse(mine.path("details").path("expiresAt").asText()))
        .isEqualTo(client.getToken().expiresAt());
    // The composite is DOWN (503) once a test has closed the provider for another client.
    String all = get("/actuator/health/tokenapi", -1);
    assertThat(JSON.readTree(all).path("components").fieldNames())
        .toIterable()
        .contains("default", "partner", "closing", "closed");
    assertThat(all + mine).doesNotContain(token).doesNotContain(SECRET);
  }

  @Test
  void envAndConfigprops_showValues_butNeverTheSecret() throws Exception {
    String env = get("/actuator/env", 200);
    String configprops = get("/actuator/configprops", 200);
    // Values are shown (show-values=always), so the masking below is ours, not Boot's default.
    assertThat(env).contains(CLIENT_ID).contains("******").doesNotContain(SECRET);
    assertThat(configprops).contains(CLIENT_ID).contains("******").doesNotContain(SECRET);
    assertThat(get("/actuator/env/tokenapi.client.client-secret", 200)).doesNotContain(SECRET);
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void logs_neverShowTheSecretOrAToken(CapturedOutput output) {
    CLOCK.advance(Duration.ofSeconds(31));
    TOKENS.revoke(bearer(client).substring("Bearer ".length()));
    assertThat(restClientBuilder.build().get().uri(url("127.0.0.1")).retrieve().body(String.class))
        .isEqualTo("hello");
    // Startup and the SDK's DEBUG lines were captured (the renewal logs one).
    assertThat(output.getAll()).contains("retrying once with a new token").doesNotContain(SECRET);
    // Redirects are followed here (Boot's default): where the JDK forwards the header, the startup
    // warning names it and the setting.
    assertThat(output.getAll().contains("Set spring.http.clients.redirects=dont-follow"))
        .isEqualTo(RedirectForwarding.jdkHttpClientForwards());
    for (String token : TOKENS.issuedTokens()) {
      assertThat(output.getAll()).doesNotContain(token);
    }
  }

  private String get(String path, int status) throws IOException, InterruptedException {
    HttpResponse<String> response =
        PLAIN.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (status != -1) {
      assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
    }
    return response.body();
  }

  private JsonNode getJson(String path, int status) throws IOException, InterruptedException {
    return JSON.readTree(get(path, status));
  }
}
