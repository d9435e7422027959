package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * Spring Boot 4's web starters no longer bring the client builders: the startup WARN when a client
 * has allowed-hosts and no builder carries its interceptor, and its silence otherwise.
 */
@ExtendWith(OutputCaptureExtension.class)
class InterceptorCoverageCheckTest {
  private static final String WARNING = "tokenapi: allowed-hosts is set ([api.example.com])";

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  TokenApiAutoConfiguration.class,
                  TokenApiRestClientAutoConfiguration.class,
                  TokenApiWebClientAutoConfiguration.class))
          .withPropertyValues(
              "tokenapi.client.base-url=http://127.0.0.1:1",
              "tokenapi.client.client-id=my-id",
              "tokenapi.client.client-secret=s3cret-coverage-91ac",
              "tokenapi.client.allowed-hosts=api.example.com",
              "spring.http.clients.redirects=dont-follow");

  @Test
  void withoutBootsRestClientAndWebClientModules_warnsWhatToAdd(CapturedOutput output) {
    // An application on spring-boot-starter-webmvc alone: spring-web, no spring-boot-restclient.
    runner
        .withClassLoader(
            new FilteredClassLoader(
                RestClientCustomizer.class, RestTemplateBuilder.class, WebClientCustomizer.class))
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(output.getAll())
        .contains(WARNING)
        .contains("requests to those hosts go out without a token")
        .contains("add spring-boot-starter-restclient")
        .doesNotContain("s3cret-coverage-91ac");
  }

  @Test
  void withTheModulesButNoBuilderBean_warns(CapturedOutput output) {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).hasBean("tokenApiRestClientCustomizer");
        });
    assertThat(output.getAll()).contains(WARNING);
  }

  @Test
  void withBootsRestClientBuilder_orWithoutAllowedHosts_noWarning(CapturedOutput output) {
    runner
        .withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class))
        .run(context -> assertThat(context).hasNotFailed());
    runner
        .withPropertyValues("tokenapi.client.allowed-hosts=")
        .withClassLoader(new FilteredClassLoader(RestClientCustomizer.class))
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(output.getAll()).doesNotContain("tokenapi: allowed-hosts is set");
  }

  @Test
  void withAnOwnBuilderBeanThatBootDoesNotCustomize_warns(CapturedOutput output) {
    // Boot's RestClientAutoConfiguration backs off for the application's own RestClient.Builder,
    // so the customizers, the token interceptor among them, never reach it.
    runner
        .withConfiguration(AutoConfigurations.of(RestClientAutoConfiguration.class))
        .withBean("myRestClientBuilder", RestClient.Builder.class, RestClient::builder)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(RestClient.Builder.class);
            });
    assertThat(output.getAll()).contains(WARNING).doesNotContain("s3cret-coverage-91ac");
  }

  @Test
  void withAnOwnBuilderBeanThatCarriesTheInterceptor_noWarning(CapturedOutput output) {
    runner
        .withUserConfiguration(OwnCustomizedBuilder.class)
        .run(context -> assertThat(context).hasNotFailed());
    assertThat(output.getAll()).doesNotContain("tokenapi: allowed-hosts is set");
  }

  /** An application's own builder that applies Boot's customizers itself. */
  @Configuration(proxyBeanMethods = false)
  static class OwnCustomizedBuilder {
    @Bean
    RestClient.Builder myRestClientBuilder(ObjectProvider<RestClientCustomizer> customizers) {
      RestClient.Builder builder = RestClient.builder();
      customizers.orderedStream().forEach(c -> c.customize(builder));
      return builder;
    }
  }
}
