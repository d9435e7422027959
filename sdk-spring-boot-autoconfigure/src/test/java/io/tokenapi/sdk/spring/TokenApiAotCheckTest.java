package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.TenantCredentials;
import io.tokenapi.sdk.TenantTokens;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;

/**
 * Spring AOT for real: the auto-configuration is processed ahead of time with or without {@code
 * tokenapi.*} properties, the generated code is compiled, and the context it describes is started
 * with the properties, as {@code java -Dspring.aot.enabled=true -jar app.jar} would.
 */
@CompileWithForkedClassLoader
@ExtendWith(OutputCaptureExtension.class)
class TokenApiAotCheckTest {
  private static final String WARNING = "runs on Spring AOT's generated code";

  private static final Map<String, Object> SINGLE =
      Map.of(
          "tokenapi.client.base-url", "http://127.0.0.1:1",
          "tokenapi.client.client-id", "my-id",
          "tokenapi.client.client-secret", "s3cret-aot-77c2");

  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(TokenApiAutoConfiguration.class)
  static class App {}

  /** An application with a credentials lookup: the TenantTokens bean's trigger. */
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(TokenApiTenantsAutoConfiguration.class)
  static class TenantsApp {
    @Bean
    TenantCredentialsProvider tenantCredentials() {
      return tenant -> TenantCredentials.clientSecret("id-" + tenant, "s3cret-aot-77c2");
    }
  }

  @AfterEach
  void aotOff() {
    SpringProperties.setProperty("spring.aot.enabled", null);
  }

  @Test
  void builtWithoutTheProperties_startedWithThem_warnsWhatToDo(CapturedOutput output) {
    buildThenRun(
        Map.of(),
        SINGLE,
        context -> assertThat(context.getBeanNamesForType(OAuthClients.class)).isEmpty());
    assertThat(output.getAll())
        .contains("tokenapi: tokenapi.client.* or tokenapi.clients.* properties are set")
        .contains(WARNING)
        .contains("when running process-aot")
        .doesNotContain("s3cret-aot-77c2");
  }

  @Test
  void builtWithNamedClientsOnly_startedWithTokenapiClient_warnsOfTheMissingBean(
      CapturedOutput output) {
    buildThenRun(
        Map.of(
            "tokenapi.clients.payments.base-url", "http://127.0.0.1:1",
            "tokenapi.clients.payments.client-id", "pay-id",
            "tokenapi.clients.payments.client-secret", "s3cret-aot-77c2"),
        SINGLE,
        context -> {
          assertThat(context.getBean(OAuthClients.class).names()).containsExactly("default");
          assertThat(context.getBeanNamesForType(OAuthClient.class)).isEmpty();
        });
    assertThat(output.getAll())
        .contains("tokenapi: tokenapi.client.* properties are set")
        .contains("no OAuthClient bean for them");
  }

  @Test
  void builtWithTheProperties_startedWithThem_noWarning(CapturedOutput output) {
    buildThenRun(
        SINGLE, SINGLE, context -> assertThat(context.getBean(OAuthClient.class)).isNotNull());
    assertThat(output.getAll()).doesNotContain(WARNING);
  }

  @Test
  void builtWithoutThem_startedWithoutThem_noWarning(CapturedOutput output) {
    buildThenRun(Map.of(), Map.of(), context -> {});
    assertThat(output.getAll()).doesNotContain(WARNING);
  }

  /**
   * The trigger is a bean, which AOT sees at build time as at run time; the properties are bound at
   * run time. Built without any tokenapi.tenants.* property, started with them: the bean is there
   * and uses them.
   */
  @Test
  void tenantTokens_builtWithoutTheProperties_startedWithThem_useThem() {
    buildThenRun(
        TenantsApp.class,
        Map.of(),
        Map.of(
            "tokenapi.tenants.base-url", "http://127.0.0.1:1",
            "tokenapi.tenants.max-tenants", "777"),
        context ->
            assertThat(context.getBean(TenantTokens.class).toString())
                .contains("http://127.0.0.1:1/v1/oauth/token")
                .contains("maxTenants=777"));
  }

  /** Started without a base URL: the same clear startup failure as without AOT. */
  @Test
  void tenantTokens_underAot_badSettingsFailClearly() {
    assertThatThrownBy(() -> buildThenRun(TenantsApp.class, Map.of(), Map.of(), context -> {}))
        .hasRootCauseInstanceOf(TokenApiConfigurationException.class)
        .rootCause()
        .hasMessageContaining("tokenapi.tenants.base-url is not set");
  }

  @Test
  void theCheckIsASpringFactoriesListener_soAotCannotLeaveItOut() {
    assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(ApplicationListener.class))
        .hasAtLeastOneElementOfType(TokenApiAotCheck.class);
  }

  /** Processes {@link App} ahead of time with {@code build}, then starts it with {@code run}. */
  private static void buildThenRun(
      Map<String, Object> build,
      Map<String, Object> run,
      Consumer<GenericApplicationContext> assertions) {
    buildThenRun(App.class, build, run, assertions);
  }

  private static void buildThenRun(
      Class<?> app,
      Map<String, Object> build,
      Map<String, Object> run,
      Consumer<GenericApplicationContext> assertions) {
    AnnotationConfigApplicationContext processed = new AnnotationConfigApplicationContext();
    processed.setEnvironment(environment(build));
    processed.register(app);
    TestGenerationContext generated = new TestGenerationContext();
    ClassName initializer =
        new ApplicationContextAotGenerator().processAheadOfTime(processed, generated);
    generated.writeGeneratedContent();
    TestCompiler.forSystem()
        .with(generated)
        .compile(
            compiled -> {
              SpringProperties.setProperty("spring.aot.enabled", "true");
              @SuppressWarnings("unchecked")
              ApplicationContextInitializer<GenericApplicationContext> init =
                  compiled.getInstance(
                      ApplicationContextInitializer.class, initializer.reflectionName());
              GenericApplicationContext started = new GenericApplicationContext();
              started.setEnvironment(environment(run));
              init.initialize(started);
              started.addApplicationListener(new TokenApiAotCheck());
              started.refresh();
              try {
                assertions.accept(started);
              } finally {
                started.close();
              }
            });
  }

  private static StandardEnvironment environment(Map<String, Object> properties) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
    return environment;
  }
}
