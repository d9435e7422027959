package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.TenantCredentials;
import io.tokenapi.sdk.TenantTokens;
import io.tokenapi.sdk.micrometer.TokenClientMetrics;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.RestClient;

/** When the TenantTokens bean exists, how its properties bind and fail, and what it shows. */
class TokenApiTenantsAutoConfigurationTest {
  private static final String SECRET = "tenant-s3cret-4b8e1f";
  private static final String CLIENT_SECRET = "client-s3cret-0c7d22";

  private static final TenantCredentialsProvider PROVIDER =
      tenant -> TenantCredentials.clientSecret("id-" + tenant, SECRET);

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

  @Test
  void noProvider_noTenantTokens_evenWithTenantsProperties() {
    runner
        .withPropertyValues("tokenapi.tenants.base-url=https://api.example.com")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(TenantTokens.class);
              assertThat(context).doesNotHaveBean("tokenapiTenantsHealthIndicator");
            });
  }

  @Test
  void provider_makesTheBean_withThePropertiesBound_andClosesItOnShutdown() {
    TenantTokens[] kept = new TenantTokens[1];
    runner
        .withBean(TenantCredentialsProvider.class, () -> PROVIDER)
        .withPropertyValues(
            "tokenapi.tenants.base-url=https://api.example.com",
            "tokenapi.tenants.max-tenants=500",
            "tokenapi.tenants.evict-after-idle=2h",
            "tokenapi.tenants.max-concurrent-requests=64",
            "tokenapi.tenants.retry.max-wait=10s",
            "tokenapi.tenants.working-hours.zone=Europe/Berlin",
            "tokenapi.tenants.working-hours.opens=06:00",
            "tokenapi.tenants.working-hours.closes=22:00")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              TenantTokens tokens = context.getBean(TenantTokens.class);
              assertThat(tokens.toString())
                  .contains("https://api.example.com:443/v1/oauth/token")
                  .contains("maxTenants=500")
                  .contains("evictAfterIdle=PT2H")
                  .contains("maxConcurrentRequests=64");
              TokenApiTenantsProperties p = context.getBean(TokenApiTenantsProperties.class);
              assertThat(p.retry().maxWait()).hasSeconds(10);
              // No clients configured: the tenants alone do not make an OAuthClients bean.
              assertThat(context).doesNotHaveBean(OAuthClients.class);
              kept[0] = tokens;
            });
    assertThatThrownBy(() -> kept[0].getToken("merchant-1"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  /** The properties docs/spring-boot.md shows start the bean as written. */
  @Test
  void docsProperties_startTheBean() throws IOException {
    Properties docs = new Properties();
    try (Reader in =
        Files.newBufferedReader(
            Path.of("src/test/resources/docs/tenants.properties"), StandardCharsets.UTF_8)) {
      docs.load(in);
    }
    List<String> pairs = new ArrayList<>();
    docs.forEach((name, value) -> pairs.add(name + "=" + value));
    assertThat(pairs).hasSize(5);
    runner
        .withBean(TenantCredentialsProvider.class, () -> PROVIDER)
        .withPropertyValues(pairs.toArray(String[]::new))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(TenantTokens.class).toString())
                  .contains("maxTenants=100000")
                  .contains("evictAfterIdle=PT2H")
                  .contains("maxConcurrentRequests=64");
            });
  }

  @Test
  void baseUrlAndTokenPath_areInheritedFromTokenapiClient() {
    runner
        .withBean(TenantCredentialsProvider.class, () -> PROVIDER)
        .withPropertyValues(
            "tokenapi.client.base-url=https://main.example.com",
            "tokenapi.client.token-path=/oauth2/token",
            "tokenapi.client.client-id=main-id",
            "tokenapi.client.client-secret=" + CLIENT_SECRET)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(TenantTokens.class).toString())
                  .contains("https://main.example.com:443/oauth2/token");
              assertThat(context).hasSingleBean(OAuthClients.class);
            });
  }

  @Test
  void badSettings_failStartup_namingEachPropertyAndItsFix_neverASecret() {
    runner
        .withBean(TenantCredentialsProvider.class, () -> PROVIDER)
        .withPropertyValues(
            "tokenapi.clients.main.base-url=https://main.example.com",
            "tokenapi.clients.main.client-id=main-id",
            "tokenapi.clients.main.client-secret=" + CLIENT_SECRET,
            "tokenapi.clients.main.allowed-hosts=api.example.com",
            "tokenapi.tenants.max-tenants=0",
            "tokenapi.tenants.evict-after-idle=500ms",
            "tokenapi.tenants.max-concurrent-requests=2000",
            "tokenapi.tenants.refresh-ahead=-1s",
            "tokenapi.tenants.working-hours.zone=Europe/Berlin",
            "tokenapi.tenants.allowed-hosts=API.example.com,not a host")
        .run(
            context -> {
              FailureAnalysis analysis = analysis(context);
              assertThat(analysis.getDescription())
                  .contains("tokenapi.tenants.base-url is not set")
                  .contains("tokenapi.tenants.max-tenants: maxTenants < 1")
                  .contains("tokenapi.tenants.evict-after-idle")
                  .contains("tokenapi.tenants.max-concurrent-requests")
                  .contains("tokenapi.tenants.refresh-ahead")
                  .contains("tokenapi.tenants.working-hours.opens is not set")
                  .contains("api.example.com is also allowed for a tokenapi client")
                  .contains("tokenapi.tenants.allowed-hosts: not a host name");
              assertThat(analysis.getAction())
                  .contains("set tokenapi.tenants.base-url to the provider's URL")
                  .contains("set tokenapi.tenants.max-tenants to 1 or more");
              assertThat(analysis.getDescription() + analysis.getAction())
                  .doesNotContain(SECRET)
                  .doesNotContain(CLIENT_SECRET);
            });
  }

  @Test
  void plainHttpToAnotherHost_isRefused() {
    runner
        .withBean(TenantCredentialsProvider.class, () -> PROVIDER)
        .withPropertyValues("tokenapi.tenants.base-url=http://api.example.com")
        .run(
            context ->
                assertThat(analysis(context).getDescription())
                    .contains("tokenapi.tenants.base-url uses http:// to api.example.com"));
  }

  @Test
  void twoProviders_failClearly() {
    runner
        .withBean("vaultA", TenantCredentialsProvider.class, () -> PROVIDER)
        .withBean("vaultB", TenantCredentialsProvider.class, () -> PROVIDER)
        .withPropertyValues("tokenapi.tenants.base-url=https://api.example.com")
        .run(
            context ->
                assertThat(analysis(context).getDescription())
                    .contains("there are 2 TenantCredentialsProvider beans [vaultA, vaultB]"));
  }

  @Test
  void clientNamedTenants_clashesWithTheMetricsName() {
    runner
        .withBean(TenantCredentialsProvider.class, () -> PROVIDER)
        .withPropertyValues(
            "tokenapi.tenants.base-url=https://api.example.com",
            "tokenapi.clients.tenants.base-url=https://api.example.com",
            "tokenapi.clients.tenants.client-id=x",
            "tokenapi.clients.tenants.client-secret=" + CLIENT_SECRET)
        .run(
            context ->
                assertThat(analysis(context).getDescription())
                    .contains("tokenapi.clients.tenants: the name is the TenantTokens bean's"));
  }

  @Test
  void allowedHosts_putTheTenantInterceptorOnBootsBuilders() {
    runner
        .withBean(TenantCredentialsProvider.class, () -> PROVIDER)
        .withPropertyValues(
            "tokenapi.tenants.base-url=https://api.example.com",
            "tokenapi.tenants.allowed-hosts=api.example.com")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              RestClient.Builder builder = RestClient.builder();
              context
                  .getBeansOfType(RestClientCustomizer.class)
                  .values()
                  .forEach(c -> c.customize(builder));
              builder.requestInterceptors(
                  list ->
                      assertThat(list)
                          .hasExactlyElementsOfTypes(
                              TenantBearerTokenClientHttpRequestInterceptor.class)
                          .singleElement()
                          .hasToString(
                              "TenantBearerTokenClientHttpRequestInterceptor[hosts=[api.example.com],"
                                  + " tenant=the request attribute 'tokenapi.tenant']"));
            });
  }

  /**
   * Health is aggregate: always UP with a count, never a tenant id, a token or a secret, even while
   * a tenant's credentials are rejected.
   */
  @Test
  void health_isAggregate_upWithACount_neverATenantOrSecret() {
    try (FakeTokenServer server =
        new FakeTokenServer().credentials("id-merchant-ok", SECRET).start()) {
      runner
          .withBean(TenantCredentialsProvider.class, () -> PROVIDER)
          .withPropertyValues(
              "tokenapi.tenants.base-url=" + server.baseUrl(),
              "tokenapi.tenants.retry.max-attempts=1")
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                TenantTokens tokens = context.getBean(TenantTokens.class);
                AccessToken ok = tokens.getToken("merchant-ok");
                assertThatThrownBy(() -> tokens.getToken("merchant-rejected"))
                    .isInstanceOf(OAuthException.class);
                Health health =
                    context
                        .getBean("tokenapiTenantsHealthIndicator", HealthIndicator.class)
                        .health();
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails()).containsEntry("tenants", 2);
                assertThat(health.getDetails().toString())
                    .doesNotContain("merchant-")
                    .doesNotContain(ok.value())
                    .doesNotContain(SECRET);
              });
    }
  }

  @Test
  void metrics_aggregateUnderClientNameTenants_withNoTenantTag() {
    try (FakeTokenServer server = new FakeTokenServer().start()) {
      server.client("id-merchant-1", SECRET).client("id-merchant-2", SECRET);
      runner
          .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
          .withBean(TenantCredentialsProvider.class, () -> PROVIDER)
          .withPropertyValues("tokenapi.tenants.base-url=" + server.baseUrl())
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                TenantTokens tokens = context.getBean(TenantTokens.class);
                tokens.getToken("merchant-1");
                tokens.getToken("merchant-2");
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                // Events reach listeners on the SDK's listener thread: wait for both, no sleep.
                await()
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                        () ->
                            assertThat(
                                    meters
                                        .find(TokenClientMetrics.REQUESTS)
                                        .tag("client.name", TenantTokensFactory.METRICS_NAME)
                                        .timers()
                                        .stream()
                                        .mapToLong(Timer::count)
                                        .sum())
                                .isEqualTo(2));
                for (Meter m : meters.getMeters()) {
                  List<Tag> tags = m.getId().getTags();
                  assertThat(tags.toString())
                      .as(m.getId().getName())
                      .doesNotContain("merchant")
                      .doesNotContain(SECRET);
                }
              });
    }
  }

  private static FailureAnalysis analysis(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    assertThat(context.getStartupFailure())
        .rootCause()
        .isInstanceOf(TokenApiConfigurationException.class);
    FailureAnalysis analysis = new TokenApiFailureAnalyzer().analyze(context.getStartupFailure());
    assertThat(analysis).as("analyzed: " + context.getStartupFailure()).isNotNull();
    return analysis;
  }
}
