package io.tokenapi.sdk.spring;

import static io.tokenapi.sdk.spring.TenantBearerTokenClientHttpRequestInterceptor.TENANT_ATTRIBUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.TenantCredentials;
import io.tokenapi.sdk.TenantTokens;
import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The TenantTokens bean in a real application: embedded Tomcat serving a resource that requires a
 * token the testkit's {@link FakeTokenServer} issued, called through Boot's RestClient and
 * WebClient builders with the tenant in a request attribute. One Spring context for the class.
 */
@SpringBootTest(
    classes = TokenApiTenantsIntegrationTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "tokenapi.tenants.allowed-hosts=127.0.0.1",
      "tokenapi.tenants.max-tenants=1000",
      "tokenapi.tenants.retry.max-attempts=1",
      "management.endpoints.web.exposure.include=health,env,configprops",
      "management.endpoint.health.show-details=always",
      "management.endpoint.env.show-values=always",
      "management.endpoint.configprops.show-values=always",
      "logging.level.io.tokenapi=DEBUG",
      "spring.http.clients.imperative.factory=jdk"
    })
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TokenApiTenantsIntegrationTest {
  static final String SECRET_A = "tenant-a-s3cret-71f0";
  static final String SECRET_B = "tenant-b-s3cret-9e42";

  static final FakeTokenServer TOKENS =
      new FakeTokenServer()
          .client("id-merchant-a", SECRET_A)
          .client("id-merchant-b", SECRET_B)
          .start();

  /** Moved past the SDK's damping of repeated rejections by each test that revokes a token. */
  static final MutableClock CLOCK = new MutableClock(Instant.now());

  /** Every Authorization header the resource saw (null for none), in order. */
  static final Queue<String> SEEN = new ConcurrentLinkedQueue<>();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient PLAIN = HttpClient.newHttpClient();

  @DynamicPropertySource
  static void tokenServer(DynamicPropertyRegistry registry) {
    registry.add("tokenapi.tenants.base-url", TOKENS::baseUrl);
  }

  @AfterAll
  static void stopTokenServer() {
    TOKENS.close();
  }

  /** A stand-in for the application's secrets store: client id and secret by merchant. */
  static String[] vault(String merchant) {
    return switch (merchant) {
      case "merchant-a" -> new String[] {"id-merchant-a", SECRET_A};
      case "merchant-b" -> new String[] {"id-merchant-b", SECRET_B};
      default -> throw new IllegalArgumentException("no such merchant, vault said " + SECRET_A);
    };
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @RestController
  static class App {
    @Bean
    TenantTokensBuilderCustomizer testClock() {
      return builder -> builder.clock(CLOCK);
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

    // README spring-tenants-provider: begin
    @Bean
    TenantCredentialsProvider tenantCredentials() { // switches the TenantTokens bean on
      return merchant -> {
        String[] c = vault(merchant); // your secrets store
        return TenantCredentials.clientSecret(c[0], c[1]);
      };
    }
    // README spring-tenants-provider: end
  }

  @LocalServerPort int port;
  @Autowired RestClient.Builder restClientBuilder;
  @Autowired WebClient.Builder webClientBuilder;
  @Autowired TenantTokens tenantTokens;

  @BeforeEach
  void clearSeen() {
    SEEN.clear();
  }

  private String url() {
    return "http://127.0.0.1:" + port + "/resource";
  }

  private String bearer(String tenant) {
    return tenantTokens.getToken(tenant).authorizationHeader();
  }

  /** The snippet docs/spring-boot.md shows: Boot's builder, the tenant per request. */
  String fetchFor(String merchant) {
    RestClient rest = restClientBuilder.build();
    String url = url();
    // README spring-tenants-call: begin
    return rest.get()
        .uri(url)
        .attribute(TenantBearerTokenClientHttpRequestInterceptor.TENANT_ATTRIBUTE, merchant)
        .retrieve()
        .body(String.class);
    // README spring-tenants-call: end
  }

  private String webFetch(String merchant) {
    return webClientBuilder
        .build()
        .get()
        .uri(url())
        .attribute(TENANT_ATTRIBUTE, merchant)
        .retrieve()
        .bodyToMono(String.class)
        .block(Duration.ofSeconds(30));
  }

  @Test
  void restClient_twoTenants_eachGetsItsOwnToken() {
    assertThat(fetchFor("merchant-a")).isEqualTo("hello");
    assertThat(fetchFor("merchant-b")).isEqualTo("hello");
    assertThat(SEEN).containsExactly(bearer("merchant-a"), bearer("merchant-b"));
    assertThat(bearer("merchant-a")).isNotEqualTo(bearer("merchant-b"));
  }

  @Test
  void webClient_twoTenants_eachGetsItsOwnToken() {
    assertThat(webFetch("merchant-b")).isEqualTo("hello");
    assertThat(webFetch("merchant-a")).isEqualTo("hello");
    assertThat(SEEN).containsExactly(bearer("merchant-b"), bearer("merchant-a"));
  }

  /** 64 concurrent calls for two tenants with no cached token: one token request per tenant. */
  @Test
  void coldStart_64ConcurrentCallsForTwoTenants_makeOneTokenRequestEach() throws Exception {
    CLOCK.advance(Duration.ofSeconds(31));
    for (String tenant : List.of("merchant-a", "merchant-b")) {
      tenantTokens.invalidate(tenant, tenantTokens.getToken(tenant));
    }
    int before = TOKENS.requestCount();
    ExecutorService pool = Executors.newFixedThreadPool(64);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        String tenant = i % 2 == 0 ? "merchant-a" : "merchant-b";
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return fetchFor(tenant);
                }));
      }
      start.countDown();
      for (Future<String> result : results) {
        assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("hello");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(TOKENS.requestCount() - before).isEqualTo(2);
    assertThat(SEEN)
        .hasSize(64)
        .containsOnly(bearer("merchant-a"), bearer("merchant-b"))
        .contains(bearer("merchant-a"), bearer("merchant-b"));
  }

  @Test
  void requestWithoutATenant_toAnotherHost_passesUntouched() {
    // 127.0.0.2 reaches the same server but is not allowed: no tenant needed, no token sent.
    assertThatThrownBy(
            () ->
                restClientBuilder
                    .build()
                    .get()
                    .uri("http://127.0.0.2:" + port + "/resource")
                    .retrieve()
                    .body(String.class))
        .hasMessageContaining("401");
    assertThat(SEEN).containsExactly("null");
  }

  @Test
  void rejectedToken_renewsThatTenantOnly_once_restClient() {
    String otherBefore = bearer("merchant-b");
    CLOCK.advance(Duration.ofSeconds(31));
    String old = bearer("merchant-a");
    TOKENS.revoke(old.substring("Bearer ".length()));
    int before = TOKENS.requestCount();

    assertThat(fetchFor("merchant-a")).isEqualTo("hello");

    assertThat(TOKENS.requestCount() - before).isEqualTo(1);
    assertThat(SEEN).containsExactly(old, bearer("merchant-a"));
    assertThat(bearer("merchant-b")).isEqualTo(otherBefore);
  }

  @Test
  void rejectedToken_renewsThatTenantOnly_once_webClient() {
    String otherBefore = bearer("merchant-a");
    CLOCK.advance(Duration.ofSeconds(31));
    String old = bearer("merchant-b");
    TOKENS.revoke(old.substring("Bearer ".length()));
    int before = TOKENS.requestCount();

    assertThat(webFetch("merchant-b")).isEqualTo("hello");

    assertThat(TOKENS.requestCount() - before).isEqualTo(1);
    assertThat(SEEN).containsExactly(old, bearer("merchant-b"));
    assertThat(bearer("merchant-a")).isEqualTo(otherBefore);
  }

  /** Null, blank, CR-LF, over-long or not a String: a typed failure, nothing sent, no token. */
  @Test
  void badTenantAttribute_failsTheRequest_unsent_restClientAndWebClient() {
    bearer("merchant-a"); // a cached token that must not be used for anything else
    int before = TOKENS.requestCount();
    List<Object> bad =
        Arrays.<Object>asList(
            null, "", "   ", "merchant-a\r\nX-Forged: 1", "m".repeat(257), 42, "merchant-a\u2028");
    for (Object value : bad) {
      RestClient.RequestHeadersSpec<?> rest = restClientBuilder.build().get().uri(url());
      if (value != null) {
        rest = rest.attribute(TENANT_ATTRIBUTE, value);
      }
      RestClient.RequestHeadersSpec<?> call = rest;
      assertThatThrownBy(() -> call.retrieve().body(String.class))
          .as(String.valueOf(value))
          .isInstanceOf(ResourceAccessException.class)
          .hasRootCauseInstanceOf(TenantResolutionException.class)
          .rootCause()
          .hasMessageContaining("No tenant for the request to 127.0.0.1")
          .hasMessageNotContaining("\r")
          .hasMessageNotContaining("\n")
          .hasMessageNotContaining(SECRET_A);

      WebClient.RequestHeadersSpec<?> web = webClientBuilder.build().get().uri(url());
      if (value != null) {
        web = web.attribute(TENANT_ATTRIBUTE, value);
      }
      WebClient.RequestHeadersSpec<?> webCall = web;
      assertThatThrownBy(
              () -> webCall.retrieve().bodyToMono(String.class).block(Duration.ofSeconds(30)))
          .as(String.valueOf(value))
          .hasRootCauseInstanceOf(TenantResolutionException.class);
    }
    assertThat(SEEN).isEmpty();
    assertThat(TOKENS.requestCount()).isEqualTo(before);
  }

  /** A resolver that throws, an Error too: typed, naming the type, never the message. */
  @Test
  void resolverThatThrows_failsTheRequest_namingTheTypeOnly() {
    List<RuntimeException> runtime = List.of(new IllegalStateException("boom " + SECRET_A));
    List<Error> errors = List.of(new AssertionError("boom " + SECRET_A), new StackOverflowError());
    for (Throwable thrown :
        java.util.stream.Stream.concat(runtime.stream(), errors.stream()).toList()) {
      RestClient rest =
          RestClient.builder()
              .requestInterceptor(
                  TenantBearerTokenClientHttpRequestInterceptor.builder(tenantTokens)
                      .tenantFrom(request -> sneakyThrow(thrown))
                      .allowHost("127.0.0.1")
                      .build())
              .build();
      assertThatThrownBy(() -> rest.get().uri(url()).retrieve().body(String.class))
          .isInstanceOf(ResourceAccessException.class)
          .rootCause()
          .isInstanceOf(TenantResolutionException.class)
          .hasMessageContaining("tenantFrom(...) threw " + thrown.getClass().getName())
          .hasMessageNotContaining(SECRET_A);

      Function<ClientRequest, String> resolver = request -> sneakyThrow(thrown);
      WebClient web =
          WebClient.builder()
              .filter(
                  TenantBearerTokenExchangeFilterFunction.builder(tenantTokens)
                      .tenantFrom(resolver)
                      .allowHost("127.0.0.1")
                      .build())
              .build();
      assertThatThrownBy(
              () ->
                  web.get()
                      .uri(url())
                      .retrieve()
                      .bodyToMono(String.class)
                      .block(Duration.ofSeconds(30)))
          .rootCause()
          .isInstanceOf(TenantResolutionException.class)
          .hasMessageNotContaining(SECRET_A);
    }
    assertThat(SEEN).isEmpty();
  }

  @Test
  void unknownTenant_theLookupsFailureReachesTheCaller_unsent_withoutItsMessage() {
    assertThatThrownBy(() -> fetchFor("merchant-unknown"))
        .isInstanceOf(OAuthException.class)
        .hasMessageContaining("IllegalArgumentException")
        .hasMessageNotContaining(SECRET_A);
    assertThat(SEEN).isEmpty();
  }

  @Test
  void webClient_doesNotBlockTheSubscriberWhileTheTokenIsFetched() throws Exception {
    tenantTokens.getToken("merchant-b"); // cached now: the delayed answer below is the renewal
    CLOCK.advance(Duration.ofSeconds(31));
    tenantTokens.invalidate("merchant-b", tenantTokens.getToken("merchant-b"));
    TOKENS.enqueueDelay(Duration.ofMillis(800));
    int issued = TOKENS.issuedTokens().size();

    CompletableFuture<String> body =
        webClientBuilder
            .build()
            .get()
            .uri(url())
            .attribute(TENANT_ATTRIBUTE, "merchant-b")
            .retrieve()
            .bodyToMono(String.class)
            .toFuture();

    assertThat(TOKENS.issuedTokens()).hasSize(issued);
    assertThat(body).isNotDone();
    assertThat(body.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
    assertThat(TOKENS.issuedTokens()).hasSize(issued + 1);
  }

  @Test
  void health_isAggregate_upWithACount_neverATenantTokenOrSecret() throws Exception {
    String a = bearer("merchant-a").substring("Bearer ".length());
    bearer("merchant-b");
    String body = get("/actuator/health/tokenapiTenants", 200);
    JsonNode health = JSON.readTree(body);
    assertThat(health.path("status").asText()).isEqualTo("UP");
    assertThat(health.path("details").path("tenants").asInt()).isGreaterThanOrEqualTo(2);
    String all = get("/actuator/health", -1);
    assertThat(body + all)
        .doesNotContain("merchant-")
        .doesNotContain(a)
        .doesNotContain(SECRET_A)
        .doesNotContain(SECRET_B);
  }

  @Test
  void envAndConfigprops_showTheTenantsSettings_neverASecret() throws Exception {
    String configprops = get("/actuator/configprops", 200);
    String env = get("/actuator/env", 200);
    assertThat(configprops).contains("tokenapi.tenants").contains("maxTenants");
    assertThat(configprops + env).doesNotContain(SECRET_A).doesNotContain(SECRET_B);
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void logs_neverShowASecretOrAToken(CapturedOutput output) {
    CLOCK.advance(Duration.ofSeconds(31));
    TOKENS.revoke(bearer("merchant-a").substring("Bearer ".length()));
    assertThat(fetchFor("merchant-a")).isEqualTo("hello");
    assertThat(output.getAll())
        .contains("retrying once with a new one")
        .doesNotContain(SECRET_A)
        .doesNotContain(SECRET_B);
    for (String token : TOKENS.issuedTokens()) {
      assertThat(output.getAll()).doesNotContain(token);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> String sneakyThrow(Throwable t) throws T {
    throw (T) t;
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
}
