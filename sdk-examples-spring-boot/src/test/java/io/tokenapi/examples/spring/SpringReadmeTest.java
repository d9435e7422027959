package io.tokenapi.examples.spring;

import static io.tokenapi.sdk.readme.ReadmeRegions.doc;
import static io.tokenapi.sdk.readme.ReadmeRegions.firstBlock;
import static io.tokenapi.sdk.readme.ReadmeRegions.region;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The snippets of docs/spring-boot.md are copies of this module's compiled sources. */
class SpringReadmeTest {
  private static final Path SPRING_BOOT = doc("docs/spring-boot.md");
  private static final String MAIN = "src/main/";

  @Test
  void propertiesSnippet_isTheExamplesConfiguration() throws IOException {
    assertThat(firstBlock(SPRING_BOOT, "## Properties", "properties"))
        .isEqualTo(
            region(Path.of(MAIN + "resources/application.properties"), "#", "spring-properties"));
  }

  @Test
  void restClientSnippet_isTheExamplesService() throws IOException {
    assertThat(firstBlock(SPRING_BOOT, "## Calling APIs with the token", "java"))
        .isEqualTo(
            region(
                Path.of(MAIN + "java/io/tokenapi/examples/spring/ResourceService.java"),
                "spring-restclient"));
  }

  @Test
  void namedClientsSnippet_isCompiled() throws IOException {
    assertThat(firstBlock(SPRING_BOOT, "## Several clients", "java"))
        .isEqualTo(
            region(
                Path.of(MAIN + "java/io/tokenapi/examples/spring/NamedClients.java"),
                "spring-named"));
  }

  @Test
  void runCommand_isTheOneThatWorks() throws IOException {
    assertThat(firstBlock(SPRING_BOOT, "# Spring Boot", "sh"))
        .startsWith("./mvnw -pl sdk-examples-spring-boot -am spring-boot:run\n");
  }
}
