package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A token API is never a liveness concern: the startup WARN when a liveness group takes it in. */
@ExtendWith(OutputCaptureExtension.class)
class LivenessGroupCheckTest {
  private static final String WARNING = "tokenapi: the liveness health group includes";

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ApplicationAvailabilityAutoConfiguration.class,
                  HealthContributorRegistryAutoConfiguration.class,
                  AvailabilityHealthContributorAutoConfiguration.class,
                  AvailabilityProbesAutoConfiguration.class,
                  HealthEndpointAutoConfiguration.class,
                  TokenApiAutoConfiguration.class,
                  TokenApiHealthAutoConfiguration.class))
          .withPropertyValues(
              "tokenapi.client.base-url=http://127.0.0.1:1",
              "tokenapi.client.client-id=my-id",
              "tokenapi.client.client-secret=s3cret-liveness-3e1f");

  @Test
  void bootsProbeGroups_leaveTokenapiOut_noWarning(CapturedOutput output) {
    runner
        .withPropertyValues("management.endpoint.health.probes.enabled=true")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
              assertThat(groups.get("liveness").isMember("tokenapi")).isFalse();
            });
    assertThat(output.getAll()).doesNotContain(WARNING);
  }

  @Test
  void aLivenessGroupWithoutInclude_takesTokenapiIn_warns(CapturedOutput output) {
    runner
        .withPropertyValues("management.endpoint.health.group.liveness.show-details=always")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(
                      context
                          .getBean(HealthEndpointGroups.class)
                          .get("liveness")
                          .isMember("tokenapi"))
                  .isTrue();
            });
    assertThat(output.getAll())
        .contains(WARNING)
        .contains("management.endpoint.health.group.liveness.include=livenessState")
        .doesNotContain("s3cret-liveness-3e1f");
  }

  @Test
  void aLivenessGroupNamingOneClient_takesThatClientIn_warns(CapturedOutput output) {
    // Boot's groups take a contributor's child by path: a FAILING "default" client alone would
    // restart the instance.
    runner
        .withPropertyValues(
            "management.endpoint.health.group.liveness.include=livenessState,tokenapi/default")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
              assertThat(groups.get("liveness").isMember("tokenapi/default")).isTrue();
            });
    assertThat(output.getAll())
        .contains(WARNING)
        .contains("tokenapi/default")
        .doesNotContain("s3cret-liveness-3e1f");
  }
}
