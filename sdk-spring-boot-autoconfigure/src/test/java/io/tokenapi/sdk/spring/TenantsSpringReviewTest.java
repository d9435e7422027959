package io.tokenapi.sdk.spring;

import static io.tokenapi.sdk.spring.TenantBearerTokenClientHttpRequestInterceptor.TENANT_ATTRIBUTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.TenantCredentials;
import io.tokenapi.sdk.TenantTokens;
import io.tokenapi.testkit.FakeTokenServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * A hostile review of the multi-tenant starter: the guarantees the other tenant tests do not yet
 * prove, each against a real token server ({@link FakeTokenServer}) and a real resource server on
 * loopback, through the interceptors Boot's customizers install.
 */
@org.junit.jupiter.api.extension.ExtendWith(
    org.springframework.boot.test.system.OutputCaptureExtension.class)
class TenantsSpringReviewTest {
  private static final String SECRET_A = "tenant-a-s3cret-5d1c";
  private static final String SECRET_B = "tenant-b-s3cret-e07a";
  private static final String URL_SECRET = "url-pa55word-93ab";

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TokenApiMetricsAutoConfiguration.class,
                  TokenApiAutoConfiguration.class,
                  TokenApiRestClientAutoConfiguration.class,
                  TokenApiWebClientAutoConfiguration.class,
                  TokenApiHealthAutoConfiguration.class,
                  TokenApiTenantsAutoConfiguration.class));

  private FakeTokenServer tokens;
  private HttpServer resource;

  /** The Authorization header of every request the resource saw ("null" for none). */
  private final Queue<String> seen = new ConcurrentLinkedQueue<>();

  /** The resource's status for every request; 200 unless a test says otherwise. */
  private volatile int status = 200;

  @BeforeEach
  void start() throws Exception {
    tokens =
        new FakeTokenServer()
            .client("id-merchant-a", SECRET_A)
            .client("id-merchant-b", SECRET_B)
            .start();
    resource = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    resource.createContext(
        "/",
        exchange -> {
          seen.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    resource.start();
  }

  @AfterEach
  void stop() {
    tokens.close();
    resource.stop(0);
  }

  private static TenantCredentials vault(String merchant) {
    return switch (merchant) {
      case "merchant-a" -> TenantCredentials.clientSecret("id-merchant-a", SECRET_A);
      case "merchant-b" -> TenantCredentials.clientSecret("id-merchant-b", SECRET_B);
      default -> throw new IllegalArgumentException("no such merchant");
    };
  }

  private ApplicationContextRunner tenants(TenantCredentialsProvider provider) {
    return runner
        .withBean(TenantCredentialsProvider.class, () -> provider)
        .withPropertyValues(
            "tokenapi.tenants.base-url=" + tokens.baseUrl(),
            "tokenapi.tenants.allowed-hosts=127.0.0.1",
            "tokenapi.tenants.retry.max-attempts=1");
  }

  private String url() {
    return "http://127.0.0.1:" + resource.getAddress().getPort() + "/resource";
  }

  private static RestClient rest(AssertableApplicationContext context) {
    RestClient.Builder builder = RestClient.builder();
    context.getBeansOfType(RestClientCustomizer.class).values().forEach(c -> c.customize(builder));
    return builder.build();
  }

  private static WebClient web(AssertableApplicationContext context) {
    WebClient.Builder builder = WebClient.builder();
    context.getBeansOfType(WebClientCustomizer.class).values().forEach(c -> c.customize(builder));
    return builder.build();
  }

  /**
   * The thread pools ("tokenapi-7-") alive now: other test classes' cached contexts keep theirs.
   */
  private static java.util.Set<String> sdkPools() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("tokenapi-"))
        .map(t -> t.getName().substring(0, t.getName().indexOf('-', "tokenapi-".length()) + 1))
        .collect(java.util.stream.Collectors.toSet());
  }

  /** Threads of SDK pools that were not alive at {@code before}. */
  private static List<String> sdkThreadsSince(java.util.Set<String> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("tokenapi-"))
        .map(Thread::getName)
        .filter(name -> before.stream().noneMatch(name::startsWith))
        .toList();
  }

  /** A secret in the URL's user info never reaches the startup failure, whatever the scheme. */
  @Test
  void baseUrlWithUserInfo_failsStartup_neverEchoingThePassword() {
    for (String baseUrl :
        List.of(
            "ftp://user:" + URL_SECRET + "@api.example.com",
            "htps://user:" + URL_SECRET + "@api.example.com",
            "https://user:" + URL_SECRET + "@api.example.com",
            "https://user:" + URL_SECRET + "@api.example.com:99999",
            "http://user:" + URL_SECRET + "@api.example.com",
            "user:" + URL_SECRET + "@api.example.com",
            "https://user:" + URL_SECRET + "@api.example.com\r\nX: 1")) {
      for (String property : List.of("tokenapi.tenants.base-url", "tokenapi.client.base-url")) {
        runner
            .withBean(TenantCredentialsProvider.class, () -> TenantsSpringReviewTest::vault)
            .withPropertyValues(property + "=" + baseUrl)
            .run(
                context -> {
                  assertThat(context).as(baseUrl).hasFailed();
                  Throwable failure = context.getStartupFailure();
                  StringBuilder all = new StringBuilder();
                  for (Throwable t = failure; t != null; t = t.getCause()) {
                    all.append(t).append('\n');
                  }
                  assertThat(all.toString())
                      .as(property + "=" + baseUrl)
                      .doesNotContain(URL_SECRET);
                  var analysis = new TokenApiFailureAnalyzer().analyze(failure);
                  if (analysis != null) {
                    assertThat(analysis.getDescription() + analysis.getAction())
                        .as(property + "=" + baseUrl)
                        .doesNotContain(URL_SECRET);
                  }
                });
      }
      // The single client's check has the same rule (no tenants here).
      runner
          .withPropertyValues(
              "tokenapi.client.base-url=" + baseUrl,
              "tokenapi.client.client-id=id",
              "tokenapi.client.client-secret=secret")
          .run(
              context -> {
                assertThat(context).as(baseUrl).hasFailed();
                for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                  assertThat(String.valueOf(t)).as(baseUrl).doesNotContain(URL_SECRET);
                }
              });
    }
  }

  /** A provider factory method that returns null is named as such, not as "1 bean". */
  @Test
  void providerBeanThatIsNull_failsStartupSayingSo() {
    runner
        .withBean("vault", TenantCredentialsProvider.class, () -> null)
        .withPropertyValues("tokenapi.tenants.base-url=https://api.example.com")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(TokenApiConfigurationException.class)
                    .hasMessageContaining("the TenantCredentialsProvider bean [vault] is null")
                    .hasMessageNotContaining("there are 1 TenantCredentialsProvider beans"));
  }

  /** Two providers, one of them @Primary: the primary one is used, startup does not fail. */
  @Test
  void twoProviders_oneOfThemPrimary_thePrimaryIsUsed() {
    AtomicInteger other = new AtomicInteger();
    tenants(TenantsSpringReviewTest::vault)
        .withBean(
            "other",
            TenantCredentialsProvider.class,
            () ->
                merchant -> {
                  other.incrementAndGet();
                  throw new IllegalStateException("not this one");
                })
        .withBean(
            "primary",
            TenantCredentialsProvider.class,
            () -> TenantsSpringReviewTest::vault,
            bd -> bd.setPrimary(true))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(TenantTokens.class).getToken("merchant-a")).isNotNull();
              assertThat(other).hasValue(0);
            });
  }

  /**
   * Durations too large for the SDK's millisecond arithmetic fail startup naming the property, not
   * with a bare {@code ArithmeticException: long overflow}.
   */
  @Test
  void hugeDurations_failStartupNamingTheProperty_orStart() {
    List<String> untyped = new java.util.ArrayList<>();
    // Past Long.MAX_VALUE milliseconds; 285 years; past OkHttp's int of milliseconds.
    for (String huge : List.of("20000000000000000s", "9000000000s", "30d")) {
      for (String name :
          List.of(
              "evict-after-idle",
              "refresh-ahead",
              "expiry-margin",
              "default-token-lifetime",
              "connect-timeout",
              "read-timeout",
              "call-timeout",
              "retry.initial-backoff",
              "retry.max-backoff",
              "retry.max-wait")) {
        String setting = name + "=" + huge;
        tenants(TenantsSpringReviewTest::vault)
            .withPropertyValues("tokenapi.tenants." + setting)
            .run(
                context -> {
                  Throwable failure = context.getStartupFailure();
                  if (failure == null) {
                    // Accepted: then it must work.
                    try {
                      context.getBean(TenantTokens.class).getToken("merchant-a");
                    } catch (RuntimeException e) {
                      untyped.add(setting + " started, then getToken: " + e);
                    }
                    return;
                  }
                  Throwable root = failure;
                  while (root.getCause() != null) {
                    root = root.getCause();
                  }
                  if (!(root instanceof TokenApiConfigurationException)
                      || !root.getMessage().contains("tokenapi.tenants." + name.split("\\.")[0])) {
                    untyped.add(setting + ": " + root);
                  }
                });
      }
    }
    assertThat(untyped).isEmpty();
  }

  /** The single client's factory has the same durations: the same rule. */
  @Test
  void hugeDurations_ofTheSingleClient_failStartupNamingTheProperty() {
    List<String> untyped = new java.util.ArrayList<>();
    for (String huge : List.of("20000000000000000s", "30d")) {
      for (String name :
          List.of(
              "refresh-ahead",
              "expiry-margin",
              "default-token-lifetime",
              "connect-timeout",
              "read-timeout",
              "call-timeout",
              "retry.max-backoff",
              "retry.max-wait")) {
        String setting = name + "=" + huge;
        runner
            .withPropertyValues(
                "tokenapi.client.base-url=" + tokens.baseUrl(),
                "tokenapi.client.client-id=id-merchant-a",
                "tokenapi.client.client-secret=" + SECRET_A,
                "tokenapi.client." + setting)
            .run(
                context -> {
                  Throwable failure = context.getStartupFailure();
                  if (failure == null) {
                    try {
                      context
                          .getBean(OAuthClients.class)
                          .asMap()
                          .values()
                          .forEach(c -> c.getToken());
                    } catch (RuntimeException e) {
                      untyped.add(setting + " started, then getToken: " + e);
                    }
                    return;
                  }
                  Throwable root = failure;
                  while (root.getCause() != null) {
                    root = root.getCause();
                  }
                  if (!(root instanceof TokenApiConfigurationException)
                      || !root.getMessage().contains("tokenapi.client." + name.split("\\.")[0])) {
                    untyped.add(setting + ": " + root);
                  }
                });
      }
    }
    assertThat(untyped).isEmpty();
  }

  /** Wildcards and ports are refused; case, IDN and a trailing dot are one host, no more. */
  @Test
  void allowedHosts_wildcardsAndPortsFail_caseAndIdnAreCanonical() {
    for (String host : List.of("*.example.com", "api.example.com:443", "https://api.example.com")) {
      runner
          .withBean(TenantCredentialsProvider.class, () -> TenantsSpringReviewTest::vault)
          .withPropertyValues(
              "tokenapi.tenants.base-url=https://api.example.com",
              "tokenapi.tenants.allowed-hosts=" + host)
          .run(
              context ->
                  assertThat(context.getStartupFailure())
                      .as(host)
                      .isNotNull()
                      .rootCause()
                      .hasMessageContaining("tokenapi.tenants.allowed-hosts"));
    }
    runner
        .withBean(TenantCredentialsProvider.class, () -> TenantsSpringReviewTest::vault)
        .withPropertyValues(
            "tokenapi.tenants.base-url=https://api.example.com",
            "tokenapi.tenants.allowed-hosts=API.Example.COM,bücher.example")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              TenantBearerTokenClientHttpRequestInterceptor interceptor =
                  TenantBearerTokenClientHttpRequestInterceptor.builder(
                          context.getBean(TenantTokens.class))
                      .tenantFromAttribute(TENANT_ATTRIBUTE)
                      .allowHost("API.Example.COM")
                      .allowHost("bücher.example")
                      .build();
              assertThat(interceptor.allowedHosts())
                  .containsExactly("api.example.com", "xn--bcher-kva.example");
            });
  }

  /** A resource that rejects every token: one renewal, then the 401; tenant B is not touched. */
  @Test
  void resourceThatAlways401s_oneRenewalThenThe401_otherTenantUntouched() {
    tenants(TenantsSpringReviewTest::vault)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              TenantTokens tenantTokens = context.getBean(TenantTokens.class);
              String b = tenantTokens.getToken("merchant-b").value();
              int issued = tokens.issuedTokens().size();
              status = 401;
              RestClient rest = rest(context);
              assertThatThrownBy(
                      () ->
                          rest.get()
                              .uri(url())
                              .attribute(TENANT_ATTRIBUTE, "merchant-a")
                              .retrieve()
                              .toBodilessEntity())
                  .isInstanceOf(HttpClientErrorException.Unauthorized.class);
              assertThat(seen).hasSizeLessThanOrEqualTo(2).doesNotContain("Bearer " + b);
              int afterRest = seen.size();
              Integer webStatus =
                  web(context)
                      .get()
                      .uri(url())
                      .attribute(TENANT_ATTRIBUTE, "merchant-a")
                      .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
                      .block(Duration.ofSeconds(30));
              assertThat(webStatus).isEqualTo(401);
              assertThat(seen.size() - afterRest).isBetween(1, 2);
              assertThat(tenantTokens.getToken("merchant-b").value()).isEqualTo(b);
              // Merchant A: its first token and at most one renewal each way; B: none.
              assertThat(tokens.issuedTokens().size() - issued).isBetween(1, 3);
            });
  }

  /** The caller's own Authorization header goes out as it is, and no token is fetched for it. */
  @Test
  void callersOwnAuthorization_wins_andNoTokenIsFetched() {
    tenants(TenantsSpringReviewTest::vault)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              rest(context)
                  .get()
                  .uri(url())
                  .header("Authorization", "Basic bXk6b3du")
                  .attribute(TENANT_ATTRIBUTE, "merchant-a")
                  .retrieve()
                  .toBodilessEntity();
              web(context)
                  .get()
                  .uri(url())
                  .header("Authorization", "Basic bXk6b3du")
                  .attribute(TENANT_ATTRIBUTE, "merchant-a")
                  .retrieve()
                  .toBodilessEntity()
                  .block(Duration.ofSeconds(30));
              assertThat(seen).containsExactly("Basic bXk6b3du", "Basic bXk6b3du");
              assertThat(tokens.requestCount()).isZero();
            });
  }

  /** "localhost" is the same machine but not an allowed host: no token, none fetched. */
  @Test
  void requestToADisallowedHost_getsNoToken_evenWithATenant() {
    tenants(TenantsSpringReviewTest::vault)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              String other = url().replace("127.0.0.1", "localhost");
              rest(context)
                  .get()
                  .uri(other)
                  .attribute(TENANT_ATTRIBUTE, "merchant-a")
                  .retrieve()
                  .toBodilessEntity();
              web(context)
                  .get()
                  .uri(other)
                  .attribute(TENANT_ATTRIBUTE, "merchant-a")
                  .retrieve()
                  .toBodilessEntity()
                  .block(Duration.ofSeconds(30));
              assertThat(seen).containsExactly("null", "null");
              assertThat(tokens.requestCount()).isZero();
            });
  }

  /**
   * A slow credentials lookup never runs on the thread that subscribes to the WebClient exchange
   * (an event loop in a reactive application): the subscription returns while the lookup is held.
   */
  @Test
  void webClient_slowCredentialsLookup_neverBlocksTheSubscribingThread() {
    CountDownLatch lookupEntered = new CountDownLatch(1);
    CountDownLatch releaseLookup = new CountDownLatch(1);
    Queue<String> lookupThreads = new ConcurrentLinkedQueue<>();
    TenantCredentialsProvider slow =
        merchant -> {
          lookupThreads.add(Thread.currentThread().getName());
          lookupEntered.countDown();
          try {
            releaseLookup.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return vault(merchant);
        };
    tenants(slow)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              WebClient web = web(context);
              CompletableFuture<Boolean> subscribedOnNonBlocking = new CompletableFuture<>();
              CompletableFuture<Integer> result = new CompletableFuture<>();
              Schedulers.parallel()
                  .schedule(
                      () -> {
                        web.get()
                            .uri(url())
                            .attribute(TENANT_ATTRIBUTE, "merchant-a")
                            .retrieve()
                            .toBodilessEntity()
                            .subscribe(
                                r -> result.complete(r.getStatusCode().value()),
                                result::completeExceptionally);
                        // Reached only if subscribe() did not wait for the lookup.
                        subscribedOnNonBlocking.complete(Schedulers.isInNonBlockingThread());
                      });
              assertThat(subscribedOnNonBlocking.get(10, TimeUnit.SECONDS)).isTrue();
              assertThat(lookupEntered.await(10, TimeUnit.SECONDS)).isTrue();
              assertThat(result).isNotDone();
              releaseLookup.countDown();
              assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(200);
              assertThat(lookupThreads).allMatch(name -> !name.startsWith("parallel-"));
            });
  }

  /**
   * Cancelling a WebClient subscription while its tenant's token is being fetched leaves the fetch
   * to the others: a second caller for the same tenant gets the token from that one request.
   */
  @Test
  void webClient_cancelledMidFetch_doesNotCancelTheSharedFetch() {
    tenants(TenantsSpringReviewTest::vault)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              tokens.holdAnswers();
              WebClient web = web(context);
              Disposable first =
                  web.get()
                      .uri(url())
                      .attribute(TENANT_ATTRIBUTE, "merchant-a")
                      .retrieve()
                      .toBodilessEntity()
                      .subscribe(r -> {}, e -> {});
              tokens.awaitRequestCount(1);
              CompletableFuture<Integer> second =
                  web.get()
                      .uri(url())
                      .attribute(TENANT_ATTRIBUTE, "merchant-a")
                      .retrieve()
                      .toBodilessEntity()
                      .map(r -> r.getStatusCode().value())
                      .toFuture();
              first.dispose();
              tokens.releaseAnswers();
              assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(200);
              assertThat(tokens.requestCount()).isEqualTo(1);
              assertThat(seen).hasSize(1);
            });
  }

  /**
   * Closing the context while calls wait for a token: they fail promptly, the close does not hang,
   * and no tokenapi thread is left.
   */
  @Test
  void contextClose_withCallsInFlight_failsThemAndLeavesNoThread() throws Exception {
    java.util.Set<String> pools = sdkPools();
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> calls = new java.util.ArrayList<>();
      AtomicBoolean closedInTime = new AtomicBoolean();
      tenants(TenantsSpringReviewTest::vault)
          .withPropertyValues("tokenapi.tenants.retry.max-wait=60s")
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                tokens.holdAnswers();
                RestClient rest = rest(context);
                for (int i = 0; i < 4; i++) {
                  String merchant = i % 2 == 0 ? "merchant-a" : "merchant-b";
                  calls.add(
                      callers.submit(
                          () ->
                              rest.get()
                                  .uri(url())
                                  .attribute(TENANT_ATTRIBUTE, merchant)
                                  .retrieve()
                                  .toBodilessEntity()));
                }
                tokens.awaitRequestCount(2);
                long start = System.nanoTime();
                context.close();
                closedInTime.set(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));
              });
      tokens.releaseAnswers();
      assertThat(closedInTime).isTrue();
      for (Future<?> call : calls) {
        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
            .isInstanceOf(java.util.concurrent.ExecutionException.class);
      }
      assertThat(seen).isEmpty();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(sdkThreadsSince(pools)).isEmpty());
    } finally {
      callers.shutdownNow();
    }
  }

  /** A bean that fails after TenantTokens was built: the failed refresh closes it. */
  @Test
  void refreshFailureAfterTheBeanWasBuilt_closesIt() {
    java.util.Set<String> pools = sdkPools();
    TenantTokens[] built = new TenantTokens[1];
    AtomicInteger attempts = new AtomicInteger();
    tenants(TenantsSpringReviewTest::vault)
        .withBean(
            "failsLater",
            Object.class,
            () -> {
              attempts.incrementAndGet();
              throw new IllegalStateException("a later bean failed");
            },
            bd -> bd.setDependsOn("tenantTokens"))
        .withInitializer(
            ctx ->
                ctx.addBeanFactoryPostProcessor(
                    bf ->
                        bf.addBeanPostProcessor(
                            new org.springframework.beans.factory.config.BeanPostProcessor() {
                              @Override
                              public Object postProcessAfterInitialization(
                                  Object bean, String name) {
                                if (bean instanceof TenantTokens t) {
                                  built[0] = t;
                                }
                                return bean;
                              }
                            })))
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(attempts).hasValue(1);
            });
    assertThat(built[0]).isNotNull();
    assertThatThrownBy(() -> built[0].getToken("merchant-a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(sdkThreadsSince(pools)).isEmpty());
  }

  /** A provider that never answers: the call fails within retry.max-wait, typed, unsent. */
  @Test
  void providerThatNeverAnswers_failsTheCallWithinMaxWait() {
    CountDownLatch never = new CountDownLatch(1);
    TenantCredentialsProvider stuck =
        merchant -> {
          try {
            never.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new IllegalStateException("interrupted " + SECRET_A);
        };
    tenants(stuck)
        .withPropertyValues("tokenapi.tenants.retry.max-wait=1s")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              long start = System.nanoTime();
              assertThatThrownBy(
                      () ->
                          rest(context)
                              .get()
                              .uri(url())
                              .attribute(TENANT_ATTRIBUTE, "merchant-a")
                              .retrieve()
                              .toBodilessEntity())
                  .isInstanceOf(OAuthException.class)
                  .hasMessageNotContaining(SECRET_A);
              assertThat(Duration.ofNanos(System.nanoTime() - start))
                  .isLessThan(Duration.ofSeconds(15));
              assertThat(seen).isEmpty();
            });
    never.countDown();
  }

  /** A secret with CR/LF from the provider: refused, typed, the secret in no message. */
  @Test
  void providerSecretWithCrLf_failsTheCall_neverEchoingIt() {
    tenants(merchant -> TenantCredentials.clientSecret("id-" + merchant, SECRET_A + "\r\nX: 1"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              Throwable thrown =
                  org.assertj.core.api.Assertions.catchThrowable(
                      () ->
                          rest(context)
                              .get()
                              .uri(url())
                              .attribute(TENANT_ATTRIBUTE, "merchant-a")
                              .retrieve()
                              .toBodilessEntity());
              assertThat(thrown).isInstanceOf(OAuthException.class);
              for (Throwable t = thrown; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t)).doesNotContain(SECRET_A);
              }
              assertThat(seen).isEmpty();
            });
  }

  /** No new bean's toString shows a tenant, token or secret. */
  @Test
  void toStringOfEveryTenantBean_showsNoTenantTokenOrSecret() {
    tenants(TenantsSpringReviewTest::vault)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              String token = context.getBean(TenantTokens.class).getToken("merchant-a").value();
              StringBuilder all = new StringBuilder();
              for (String name : context.getBeanDefinitionNames()) {
                Object bean = context.getBean(name);
                if (bean.getClass().getName().startsWith("io.tokenapi")) {
                  all.append(name).append('=').append(bean).append('\n');
                }
              }
              RestClient.Builder builder = RestClient.builder();
              context
                  .getBeansOfType(RestClientCustomizer.class)
                  .values()
                  .forEach(c -> c.customize(builder));
              builder.requestInterceptors(list -> list.forEach(i -> all.append(i).append('\n')));
              assertThat(all.toString())
                  .contains("TenantTokens[")
                  .doesNotContain("merchant-a")
                  .doesNotContain(token)
                  .doesNotContain(SECRET_A);
            });
  }

  /**
   * A redirect from an allowed host to another one, on the JDK's HttpClient with redirects
   * followed: where this JDK sends the tenant's token on, startup warned about exactly that.
   */
  @Test
  void redirectToAnotherHost_onTheJdkClient_tokenGoesOnOnlyWhereStartupWarned(
      org.springframework.boot.test.system.CapturedOutput output) throws Exception {
    Queue<String> elsewhereSeen = new ConcurrentLinkedQueue<>();
    HttpServer elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
    elsewhere.createContext(
        "/",
        exchange -> {
          elsewhereSeen.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    elsewhere.start();
    resource.createContext(
        "/redirect",
        exchange -> {
          exchange
              .getResponseHeaders()
              .add("Location", "http://127.0.0.2:" + elsewhere.getAddress().getPort() + "/x");
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    try {
      var jdk = org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder.jdk();
      tenants(TenantsSpringReviewTest::vault)
          .withBean(
              org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder.class, () -> jdk)
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                RestClient.Builder builder =
                    RestClient.builder()
                        .requestFactory(
                            jdk.build(
                                org.springframework.boot.http.client.HttpClientSettings
                                    .defaults()));
                context
                    .getBeansOfType(RestClientCustomizer.class)
                    .values()
                    .forEach(c -> c.customize(builder));
                builder
                    .build()
                    .get()
                    .uri(url().replace("/resource", "/redirect"))
                    .attribute(TENANT_ATTRIBUTE, "merchant-a")
                    .retrieve()
                    .toBodilessEntity();
              });
      boolean arrived = elsewhereSeen.stream().anyMatch(h -> h.startsWith("Bearer "));
      assertThat(arrived)
          .as("seen at 127.0.0.2: " + elsewhereSeen)
          .isEqualTo(RedirectForwarding.jdkHttpClientForwards());
      if (arrived) {
        assertThat(output.getAll())
            .contains("sends the Authorization header on when it follows a redirect")
            .contains("[127.0.0.1]");
      }
      assertThat(output.getAll()).doesNotContain(SECRET_A);
    } finally {
      elsewhere.stop(0);
    }
  }

  /** Closing the context while a WebClient exchange waits for its token: it fails, no hang. */
  @Test
  void contextClose_withAWebClientExchangeWaitingForItsToken_failsIt() throws Exception {
    java.util.Set<String> pools = sdkPools();
    CompletableFuture<Integer> pending = new CompletableFuture<>();
    tenants(TenantsSpringReviewTest::vault)
        .withPropertyValues("tokenapi.tenants.retry.max-wait=60s")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              tokens.holdAnswers();
              web(context)
                  .get()
                  .uri(url())
                  .attribute(TENANT_ATTRIBUTE, "merchant-a")
                  .retrieve()
                  .toBodilessEntity()
                  .subscribe(
                      r -> pending.complete(r.getStatusCode().value()),
                      pending::completeExceptionally);
              tokens.awaitRequestCount(1);
              context.close();
            });
    tokens.releaseAnswers();
    assertThatThrownBy(() -> pending.get(10, TimeUnit.SECONDS))
        .isInstanceOf(java.util.concurrent.ExecutionException.class);
    assertThat(seen).isEmpty();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(sdkThreadsSince(pools)).isEmpty());
  }
}
