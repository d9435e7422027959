package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenapi.sdk.OAuthClient;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/** Which beans exist for which properties and classpath, and how bad settings fail. */
class TokenApiAutoConfigurationTest {
  private static final String SECRET = "s3cret-value-9d2f71";

  private static final String[] SINGLE = {
    "tokenapi.client.base-url=http://127.0.0.1:1",
    "tokenapi.client.client-id=my-id",
    "tokenapi.client.client-secret=" + SECRET,
    "tokenapi.client.allowed-hosts=api.example.com"
  };

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TokenApiAutoConfiguration.class,
                  TokenApiRestClientAutoConfiguration.class,
                  TokenApiWebClientAutoConfiguration.class,
                  TokenApiHealthAutoConfiguration.class,
                  TokenApiSanitizingAutoConfiguration.class));

  @Test
  void noProperties_noClientBeans() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(OAuthClients.class);
          assertThat(context).doesNotHaveBean(OAuthClient.class);
          assertThat(context).doesNotHaveBean(RestClientCustomizer.class);
          assertThat(context).doesNotHaveBean(WebClientCustomizer.class);
          assertThat(context).doesNotHaveBean(CompositeHealthContributor.class);
          // Masking does not wait for a client: a half-configured secret is still a secret.
          assertThat(context).hasSingleBean(SanitizingFunction.class);
        });
  }

  @Test
  void singleClient_isAPrimaryBeanInTheRegistry_withInterceptorsAndHealth() {
    runner
        .withPropertyValues(SINGLE)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              OAuthClients clients = context.getBean(OAuthClients.class);
              assertThat(clients.names()).containsExactly("default");
              assertThat(context.getBean(OAuthClient.class)).isSameAs(clients.get("default"));
              assertThat(clients.allowedHosts("default")).containsExactly("api.example.com");
              assertThat(context).hasSingleBean(RestClientCustomizer.class);
              assertThat(context).hasSingleBean(RestTemplateCustomizer.class);
              assertThat(context).hasSingleBean(WebClientCustomizer.class);
              assertThat(context).hasBean("tokenapiHealthContributor");
            });
  }

  @Test
  void namedClients_eachInTheRegistry_noPlainOAuthClientBean() {
    runner
        .withPropertyValues(
            "tokenapi.clients.payments.base-url=https://pay.example.com",
            "tokenapi.clients.payments.client-id=pay-id",
            "tokenapi.clients.payments.client-secret=" + SECRET,
            "tokenapi.clients.payments.allowed-hosts=pay.example.com",
            "tokenapi.clients.ledger.base-url=https://ledger.example.com",
            "tokenapi.clients.ledger.client-id=ledger-id",
            "tokenapi.clients.ledger.client-secret=" + SECRET)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              OAuthClients clients = context.getBean(OAuthClients.class);
              assertThat(clients.names()).containsExactlyInAnyOrder("payments", "ledger");
              assertThat(clients.get("payments").toString()).contains("clientId=pay-id");
              assertThat(clients.allowedHosts("ledger")).isEmpty();
              assertThat(context).doesNotHaveBean(OAuthClient.class);
              assertThatThrownBy(() -> clients.get("billing"))
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessageContaining("tokenapi.clients.billing");
              CompositeHealthContributor health =
                  context.getBean("tokenapiHealthContributor", CompositeHealthContributor.class);
              assertThat(health.getContributor("payments")).isInstanceOf(HealthIndicator.class);
              assertThat(health.getContributor("ledger")).isInstanceOf(HealthIndicator.class);
            });
  }

  @Test
  void singleAndNamedClients_together() {
    runner
        .withPropertyValues(SINGLE)
        .withPropertyValues(
            "tokenapi.clients.payments.base-url=https://pay.example.com",
            "tokenapi.clients.payments.client-id=pay-id",
            "tokenapi.clients.payments.client-secret=" + SECRET)
        .run(
            context -> {
              assertThat(context.getBean(OAuthClients.class).names())
                  .containsExactly("default", "payments");
              assertThat(context.getBean(OAuthClient.class).toString()).contains("clientId=my-id");
            });
  }

  @Test
  void properties_bindDurationsTimesAndEnums() {
    runner
        .withPropertyValues(SINGLE)
        .withPropertyValues(
            "tokenapi.client.client-authentication=client-secret-basic",
            "tokenapi.client.refresh-ahead=2m",
            "tokenapi.client.retry.max-attempts=2",
            "tokenapi.client.retry.max-wait=10s",
            "tokenapi.client.working-hours.zone=Europe/Berlin",
            "tokenapi.client.working-hours.opens=08:00",
            "tokenapi.client.working-hours.closes=20:00",
            "tokenapi.client.working-hours.days=monday,tuesday")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              TokenApiProperties.Client c = context.getBean(TokenApiProperties.class).client();
              assertThat(c.refreshAhead()).isEqualTo(Duration.ofMinutes(2));
              assertThat(c.expiryMargin()).isEqualTo(OAuthClient.DEFAULT_EXPIRY_MARGIN);
              assertThat(c.retry().maxAttempts()).isEqualTo(2);
              assertThat(c.retry().maxWait()).isEqualTo(Duration.ofSeconds(10));
              assertThat(c.workingHours().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
              assertThat(c.workingHours().opens()).isEqualTo(LocalTime.of(8, 0));
              assertThat(c.workingHours().days())
                  .containsExactlyInAnyOrder(DayOfWeek.MONDAY, DayOfWeek.TUESDAY);
              assertThat(context.getBean(OAuthClient.class).toString())
                  .contains("authentication=CLIENT_SECRET_BASIC");
              // A record's toString would print every component: this one hides the secret.
              assertThat(c.toString()).doesNotContain(SECRET).contains("clientSecret=******");
            });
  }

  @Test
  void builderCustomizers_seeEveryClientByName() {
    List<String> seen = new ArrayList<>();
    runner
        .withPropertyValues(SINGLE)
        .withPropertyValues(
            "tokenapi.clients.payments.base-url=https://pay.example.com",
            "tokenapi.clients.payments.client-id=pay-id",
            "tokenapi.clients.payments.client-secret=" + SECRET)
        .withBean(
            OAuthClientBuilderCustomizer.class,
            () -> (name, builder) -> seen.add(name + ":" + builder.getClass().getSimpleName()))
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(seen).containsExactly("default:Builder", "payments:Builder");
  }

  @Test
  void shutdown_closesEveryClient() {
    OAuthClient[] client = new OAuthClient[1];
    runner
        .withPropertyValues(SINGLE)
        .run(context -> client[0] = context.getBean(OAuthClient.class));
    assertThatThrownBy(() -> client[0].getToken()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void withoutSpringWebOrBootsClientModules_noCustomizers() {
    runner
        .withPropertyValues(SINGLE)
        .withClassLoader(new FilteredClassLoader(RestClient.class, RestTemplate.class))
        .run(
            context -> {
              assertThat(context).hasSingleBean(OAuthClients.class);
              assertThat(context).doesNotHaveBean(RestClientCustomizer.class);
              assertThat(context).doesNotHaveBean(RestTemplateCustomizer.class);
            });
    runner
        .withPropertyValues(SINGLE)
        .withClassLoader(new FilteredClassLoader(WebClientCustomizer.class))
        .run(
            context -> {
              assertThat(context).hasSingleBean(RestClientCustomizer.class);
              assertThat(context).doesNotHaveBean(WebClientCustomizer.class);
            });
  }

  @Test
  void withoutActuator_noHealthOrSanitizer_andHealthCanBeSwitchedOff() {
    runner
        .withPropertyValues(SINGLE)
        .withClassLoader(new FilteredClassLoader(HealthIndicator.class, SanitizingFunction.class))
        .run(
            context -> {
              assertThat(context).hasSingleBean(OAuthClients.class);
              assertThat(context).doesNotHaveBean("tokenapiHealthContributor");
              assertThat(context).doesNotHaveBean(SanitizingFunction.class);
            });
    runner
        .withPropertyValues(SINGLE)
        .withPropertyValues("management.health.tokenapi.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("tokenapiHealthContributor"));
  }

  @Test
  void closedStatus_acceptsBootsAndCustomStatuses_andRejectsOthersAtStartup() {
    for (String[] ok :
        new String[][] {
          {"down", "DOWN"}, {"out-of-service", "OUT_OF_SERVICE"}, {"Closed", "CLOSED"}
        }) {
      runner
          .withPropertyValues(SINGLE)
          .withPropertyValues("management.health.tokenapi.closed-status=" + ok[0])
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(TokenApiHealthProperties.class).closedStatusCode())
                    .isEqualTo(ok[1]);
              });
    }
    runner
        .withPropertyValues(SINGLE)
        .withPropertyValues("management.health.tokenapi.closed-status=up!\u0007")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(context.getStartupFailure())
                  .rootCause()
                  .isInstanceOf(TokenApiConfigurationException.class)
                  .hasMessageContaining("management.health.tokenapi.closed-status")
                  .hasMessageNotContaining("\u0007");
            });
  }

  @Test
  void closedStatus_withUnicodeLineBreaksOrBidiControls_isReportedOnOneLine() {
    // NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR and RIGHT-TO-LEFT OVERRIDE break or reorder a log
    // line in log viewers and terminals, as CR and LF do.
    for (String forged : new String[] {"\u0085", "\u2028", "\u2029", "\u202e"}) {
      runner
          .withPropertyValues(SINGLE)
          .withPropertyValues(
              "management.health.tokenapi.closed-status=down" + forged + "INFO forged line")
          .run(
              context -> {
                assertThat(context).hasFailed();
                assertThat(context.getStartupFailure())
                    .rootCause()
                    .isInstanceOf(TokenApiConfigurationException.class)
                    .hasMessageContaining("management.health.tokenapi.closed-status")
                    .hasMessageNotContaining(forged);
              });
    }
  }

  @Test
  void badClientNameOrHost_withLineBreaks_isReportedOnOneLine() {
    for (String forged : new String[] {"\n", "\r", "\u0085", "\u2028", "\u202e"}) {
      runner
          .withPropertyValues(
              "tokenapi.clients[pay" + forged + "INFO forged].base-url=http://127.0.0.1:1",
              "tokenapi.clients[pay" + forged + "INFO forged].client-id=my-id",
              "tokenapi.clients[pay" + forged + "INFO forged].client-secret=" + SECRET,
              "tokenapi.clients.ok.base-url=http://127.0.0.1:1",
              "tokenapi.clients.ok.client-id=my-id",
              "tokenapi.clients.ok.client-secret=" + SECRET,
              "tokenapi.clients.ok.allowed-hosts=api" + forged + "INFO forged.example.com")
          .run(
              context -> {
                FailureAnalysis analysis = analysis(context);
                assertThat(analysis.getDescription())
                    .contains("is not a usable client name")
                    .contains("tokenapi.clients.ok.allowed-hosts")
                    // The report's own layout has line breaks; the forged one is gone.
                    .doesNotContain(forged + "INFO forged")
                    .contains("pay?INFO forged")
                    .doesNotContain(SECRET);
                assertThat(context.getStartupFailure()).rootCause().hasMessageNotContaining(forged);
              });
    }
  }

  @Test
  void missingSettings_failStartup_namingEachPropertyAndItsFix_neverTheSecret() {
    runner
        .withPropertyValues(
            "tokenapi.client.client-secret=" + SECRET, "tokenapi.client.refresh-ahead=-1s")
        .run(
            context -> {
              FailureAnalysis analysis = analysis(context);
              assertThat(analysis.getDescription())
                  .contains("tokenapi.client.base-url is not set")
                  .contains("tokenapi.client.client-id is not set")
                  .contains("tokenapi.client.refresh-ahead: refreshAhead is negative")
                  .doesNotContain("client-secret");
              assertThat(analysis.getAction())
                  .contains("set tokenapi.client.base-url to the provider's URL")
                  .contains("set tokenapi.client.refresh-ahead to a positive duration");
              assertNoSecret(context, analysis);
            });
  }

  @Test
  void missingSecret_failsWithTheEnvironmentVariableToSet() {
    runner
        .withPropertyValues(
            "tokenapi.clients.payments.base-url=https://pay.example.com",
            "tokenapi.clients.payments.client-id=pay-id")
        .run(
            context -> {
              FailureAnalysis analysis = analysis(context);
              assertThat(analysis.getDescription())
                  .contains("tokenapi.clients.payments.client-secret is not set");
              assertThat(analysis.getAction()).contains("TOKENAPI_CLIENTS_PAYMENTS_CLIENTSECRET");
            });
  }

  @Test
  void plainHttpToARemoteHost_isRefused() {
    runner
        .withPropertyValues(
            "tokenapi.client.base-url=http://api.example.com",
            "tokenapi.client.client-id=my-id",
            "tokenapi.client.client-secret=" + SECRET)
        .run(
            context -> {
              FailureAnalysis analysis = analysis(context);
              assertThat(analysis.getDescription())
                  .contains("tokenapi.client.base-url uses http:// to api.example.com");
              assertThat(analysis.getAction()).contains("use https:// in tokenapi.client.base-url");
              assertNoSecret(context, analysis);
            });
  }

  @Test
  void incompleteWorkingHours_badHosts_andSharedHosts_areReported() {
    runner
        .withPropertyValues(SINGLE)
        .withPropertyValues(
            "tokenapi.client.working-hours.zone=Europe/Berlin",
            "tokenapi.clients.payments.base-url=https://pay.example.com",
            "tokenapi.clients.payments.client-id=pay-id",
            "tokenapi.clients.payments.client-secret=" + SECRET,
            "tokenapi.clients.payments.allowed-hosts=API.example.com,https://x/y")
        .run(
            context -> {
              FailureAnalysis analysis = analysis(context);
              assertThat(analysis.getDescription())
                  .contains("tokenapi.client.working-hours.opens is not set")
                  .contains("tokenapi.client.working-hours.closes is not set")
                  .contains(
                      "tokenapi.clients.payments.allowed-hosts: api.example.com is also allowed"
                          + " for the client \"default\"")
                  .contains("tokenapi.clients.payments.allowed-hosts: not a host name");
              assertNoSecret(context, analysis);
            });
  }

  @Test
  void sanitizingFunction_masksSecretsInEverySpelling_andNothingElse() {
    assertThat(sanitized("tokenapi.client.client-secret")).isTrue();
    assertThat(sanitized("tokenapi.clients.payments.client-secret")).isTrue();
    assertThat(sanitized("tokenapi.clients[payments].clientSecret")).isTrue();
    assertThat(sanitized("TOKENAPI_CLIENT_CLIENTSECRET")).isTrue();
    assertThat(sanitized("tokenapi.client.token-store-encryption-key")).isTrue();
    assertThat(sanitized("tokenapi.client.client-id")).isFalse();
    assertThat(sanitized("spring.application.name")).isFalse();
  }

  @Test
  void configurationMetadata_documentsEveryClientProperty() throws Exception {
    JsonNode metadata;
    try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      metadata = new ObjectMapper().readTree(in);
    }
    List<String> names = new ArrayList<>();
    for (JsonNode property : metadata.path("properties")) {
      names.add(property.path("name").asText());
      assertThat(property.path("description").asText()).as(property.toString()).isNotBlank();
    }
    assertThat(names)
        .contains(
            "tokenapi.client.base-url",
            "tokenapi.client.client-secret",
            "tokenapi.client.retry.max-wait",
            "tokenapi.client.working-hours.zone",
            "tokenapi.client.allowed-hosts",
            "tokenapi.client.token-store",
            "tokenapi.client.token-store-encryption-key",
            "tokenapi.clients");
  }

  private static boolean sanitized(String key) {
    SanitizableData data = new SanitizableData(null, key, "value");
    return new TokenApiSanitizingAutoConfiguration()
        .tokenApiSanitizingFunction()
        .apply(data)
        .getValue()
        .equals(SanitizableData.SANITIZED_VALUE);
  }

  private static FailureAnalysis analysis(AssertableApplicationContext context) {
    assertThat(context).hasFailed();
    FailureAnalysis analysis = new TokenApiFailureAnalyzer().analyze(context.getStartupFailure());
    assertThat(analysis).as("analyzed: " + context.getStartupFailure()).isNotNull();
    return analysis;
  }

  private static void assertNoSecret(AssertableApplicationContext context, FailureAnalysis a) {
    assertThat(a.getDescription() + a.getAction()).doesNotContain(SECRET);
    for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET);
    }
  }
}
