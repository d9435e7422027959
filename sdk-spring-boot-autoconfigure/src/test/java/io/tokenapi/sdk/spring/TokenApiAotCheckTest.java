package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.OAuthClient;
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
    AnnotationConfigApplicationContext processed = new AnnotationConfigApplicationContext();
    processed.setEnvironment(environment(build));
    processed.register(App.class);
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
