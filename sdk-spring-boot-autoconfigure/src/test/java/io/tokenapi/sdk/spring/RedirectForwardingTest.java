package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Which HTTP library under RestClient sends the token on with a redirect to another host, measured
 * against real servers on 127.0.0.1 and 127.0.0.2, and the startup warning that follows from it:
 * given where the library in use would forward the header, and only there.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedirectForwardingTest {
  private static final String WARNING = "tokenapi: RestClient and RestTemplate run on";

  private static final Queue<String> SEEN = new ConcurrentLinkedQueue<>();
  private static FakeTokenServer tokens;
  private static OAuthClient client;
  private static HttpServer allowed;
  private static HttpServer elsewhere;

  @BeforeAll
  static void start() throws IOException {
    tokens = new FakeTokenServer().start();
    client =
        OAuthClient.builder()
            .baseUrl(tokens.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .build();
    elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
    elsewhere.createContext(
        "/resource",
        exchange -> {
          SEEN.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    elsewhere.start();
    allowed = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    allowed.createContext(
        "/redirect",
        exchange -> {
          exchange
              .getResponseHeaders()
              .add(
                  "Location", "http://127.0.0.2:" + elsewhere.getAddress().getPort() + "/resource");
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    allowed.start();
  }

  @AfterAll
  static void stop() {
    allowed.stop(0);
    elsewhere.stop(0);
    client.close();
    tokens.close();
  }

  @BeforeEach
  void clear() {
    SEEN.clear();
  }

  static Stream<ClientHttpRequestFactoryBuilder<?>> libraries() {
    return Stream.of(
        ClientHttpRequestFactoryBuilder.jdk(),
        ClientHttpRequestFactoryBuilder.reactor(),
        ClientHttpRequestFactoryBuilder.jetty(),
        ClientHttpRequestFactoryBuilder.httpComponents(),
        ClientHttpRequestFactoryBuilder.simple());
  }

  @ParameterizedTest
  @MethodSource("libraries")
  void verdict_isWhatTheLibraryDoes(ClientHttpRequestFactoryBuilder<?> library) {
    RestClient rest =
        RestClient.builder()
            .requestFactory(library.build(HttpClientSettings.defaults()))
            .requestInterceptor(
                BearerTokenClientHttpRequestInterceptor.builder(client)
                    .allowHost("127.0.0.1")
                    .build())
            .build();
    // Followed (200 from 127.0.0.2) or refused (the 302 comes back): either way, what arrived.
    rest.get()
        .uri("http://127.0.0.1:" + allowed.getAddress().getPort() + "/redirect")
        .retrieve()
        .toBodilessEntity();
    boolean arrived = SEEN.stream().anyMatch(h -> h.startsWith("Bearer "));

    RedirectForwarding verdict = RedirectForwarding.of(library);
    assertThat(verdict.known()).isTrue();
    assertThat(verdict.forwards()).as(verdict.library() + " seen: " + SEEN).isEqualTo(arrived);
  }

  static Stream<ClientHttpConnectorBuilder<?>> connectors() {
    return Stream.of(
        ClientHttpConnectorBuilder.jdk(),
        ClientHttpConnectorBuilder.reactor(),
        ClientHttpConnectorBuilder.jetty(),
        ClientHttpConnectorBuilder.httpComponents());
  }

  @ParameterizedTest
  @MethodSource("connectors")
  void verdict_isWhatTheWebClientConnectorDoes(ClientHttpConnectorBuilder<?> connector) {
    WebClient web =
        WebClient.builder()
            .clientConnector(connector.build(HttpClientSettings.defaults()))
            .filter(
                BearerTokenExchangeFilterFunction.builder(client).allowHost("127.0.0.1").build())
            .build();
    web.get()
        .uri("http://127.0.0.1:" + allowed.getAddress().getPort() + "/redirect")
        .retrieve()
        .toBodilessEntity()
        .block(Duration.ofSeconds(10));
    boolean arrived = SEEN.stream().anyMatch(h -> h.startsWith("Bearer "));

    RedirectForwarding verdict = RedirectForwarding.of(connector);
    assertThat(verdict.known()).isTrue();
    assertThat(verdict.forwards()).as(verdict.library() + " seen: " + SEEN).isEqualTo(arrived);
  }

  @Test
  void webClient_warnsOnlyOnAConnectorThatForwardsTheHeader(CapturedOutput output) {
    ApplicationContextRunner web =
        new ApplicationContextRunner()
            .withConfiguration(
                AutoConfigurations.of(
                    HttpClientAutoConfiguration.class,
                    ReactiveHttpClientAutoConfiguration.class,
                    TokenApiAutoConfiguration.class,
                    TokenApiWebClientAutoConfiguration.class))
            .withPropertyValues(
                "tokenapi.client.base-url=http://127.0.0.1:1",
                "tokenapi.client.client-id=my-id",
                "tokenapi.client.client-secret=s3cret-redirect-5d0e",
                "tokenapi.client.allowed-hosts=api.example.com");
    for (String connector : new String[] {"reactor", "jetty", "http-components"}) {
      web.withPropertyValues("spring.http.clients.reactive.connector=" + connector)
          .run(context -> assertThat(context).hasNotFailed());
    }
    assertThat(output.getAll()).doesNotContain("tokenapi: WebClients run on");

    web.withPropertyValues("spring.http.clients.reactive.connector=jdk")
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(output.getAll().contains("tokenapi: WebClients run on the JDK's HttpClient"))
        .isEqualTo(RedirectForwarding.jdkHttpClientForwards());
  }

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  HttpClientAutoConfiguration.class,
                  ImperativeHttpClientAutoConfiguration.class,
                  TokenApiAutoConfiguration.class,
                  TokenApiRestClientAutoConfiguration.class))
          .withPropertyValues(
              "tokenapi.client.base-url=http://127.0.0.1:1",
              "tokenapi.client.client-id=my-id",
              "tokenapi.client.client-secret=s3cret-redirect-5d0e",
              "tokenapi.client.allowed-hosts=api.example.com");

  @Test
  void aLibraryThatDropsTheHeader_noWarning(CapturedOutput output) {
    for (String factory : new String[] {"reactor", "jetty", "http-components", "simple"}) {
      runner
          .withPropertyValues("spring.http.clients.imperative.factory=" + factory)
          .run(context -> assertThat(context).hasNotFailed());
    }
    assertThat(output.getAll()).doesNotContain(WARNING);
  }

  @Test
  void theJdkClient_warnsWhereThisJdkForwardsTheHeader_namingIt(CapturedOutput output) {
    runner
        .withPropertyValues("spring.http.clients.imperative.factory=jdk")
        .run(context -> assertThat(context).hasNotFailed());
    if (RedirectForwarding.jdkHttpClientForwards()) {
      assertThat(output.getAll())
          .contains(WARNING + " the JDK's HttpClient (java.net.http, Java " + Runtime.version())
          .contains("Set spring.http.clients.redirects=dont-follow")
          .contains("[api.example.com]")
          .doesNotContain("s3cret-redirect-5d0e");
    } else {
      assertThat(output.getAll()).doesNotContain(WARNING);
    }
  }

  @Test
  void anUnknownLibrary_warnsThatItCannotTell_andDontFollowSilencesEveryWarning(
      CapturedOutput output) {
    ApplicationContextRunner custom =
        runner.withBean(
            ClientHttpRequestFactoryBuilder.class,
            () -> ClientHttpRequestFactoryBuilder.of(SimpleClientHttpRequestFactory::new));
    custom
        .withPropertyValues("spring.http.clients.redirects=dont-follow")
        .run(context -> assertThat(context).hasNotFailed());
    runner
        .withPropertyValues(
            "spring.http.clients.imperative.factory=jdk",
            "spring.http.clients.redirects=dont-follow")
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(output.getAll()).doesNotContain(WARNING);

    custom.run(context -> assertThat(context).hasNotFailed());
    assertThat(output.getAll())
        .contains(WARNING)
        .contains("the starter cannot tell whether it sends the Authorization header on")
        .contains("Set spring.http.clients.redirects=dont-follow");
  }
}
