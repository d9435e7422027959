package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tokenapi.sdk.micrometer.TokenClientMetrics;
import io.tokenapi.testkit.FakeTokenServer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Each configured client is recorded under its name when Micrometer and sdk-micrometer are there.
 */
class TokenApiMetricsAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TokenApiMetricsAutoConfiguration.class, TokenApiAutoConfiguration.class))
          .withPropertyValues(
              "tokenapi.client.base-url=http://127.0.0.1:1",
              "tokenapi.client.client-id=my-id",
              "tokenapi.client.client-secret=s3cret-for-metrics",
              "tokenapi.clients.payments.base-url=http://127.0.0.1:1",
              "tokenapi.clients.payments.client-id=pay-id",
              "tokenapi.clients.payments.client-secret=s3cret-for-metrics");

  @Test
  void everyClient_isRecordedUnderItsName() {
    try (FakeTokenServer tokens = new FakeTokenServer().start()) {
      runner
          .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
          .withPropertyValues(
              "tokenapi.client.base-url=" + tokens.baseUrl(),
              "tokenapi.client.client-id=" + FakeTokenServer.DEFAULT_CLIENT_ID,
              "tokenapi.client.client-secret=" + FakeTokenServer.DEFAULT_CLIENT_SECRET)
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                context.getBean(OAuthClients.class).get("default").getToken();
                MeterRegistry meters = context.getBean(MeterRegistry.class);
                for (String name : new String[] {"default", "payments"}) {
                  assertThat(
                          meters.find(TokenClientMetrics.STATE).tag("client.name", name).gauges())
                      .as(name)
                      .isNotEmpty();
                }
                assertThat(
                        meters
                            .find(TokenClientMetrics.REQUESTS)
                            .tag("client.name", "default")
                            .timers())
                    .isNotEmpty();
                meters
                    .getMeters()
                    .forEach(
                        m ->
                            assertThat(m.getId().toString())
                                .doesNotContain("s3cret")
                                .doesNotContain(FakeTokenServer.DEFAULT_CLIENT_SECRET));
              });
    }
  }

  @Test
  void withoutARegistryOrTheModule_noMetrics() {
    runner.run(context -> assertThat(context).doesNotHaveBean("tokenApiMetrics"));
    runner
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withClassLoader(new FilteredClassLoader(TokenClientMetrics.class))
        .run(context -> assertThat(context).doesNotHaveBean("tokenApiMetrics"));
  }
}
