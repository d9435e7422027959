package io.tokenapi.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's "Spring Boot" snippets are copies of this module's compiled sources. */
class SpringReadmeTest {
  private static final Path ROOT = Path.of("..");
  private static final String MAIN = "sdk-examples-spring-boot/src/main/";

  @Test
  void propertiesSnippet_isTheExamplesConfiguration() throws IOException {
    assertThat(block("### Properties", "properties"))
        .isEqualTo(region(MAIN + "resources/application.properties", "#", "spring-properties"));
  }

  @Test
  void restClientSnippet_isTheExamplesService() throws IOException {
    assertThat(block("### Calling APIs with the token", "java"))
        .isEqualTo(
            region(
                MAIN + "java/io/tokenapi/examples/spring/ResourceService.java",
                "//",
                "spring-restclient"));
  }

  @Test
  void namedClientsSnippet_isCompiled() throws IOException {
    assertThat(block("### Several clients", "java"))
        .isEqualTo(
            region(
                MAIN + "java/io/tokenapi/examples/spring/NamedClients.java", "//", "spring-named"));
  }

  @Test
  void runCommand_isTheOneThatWorks() throws IOException {
    assertThat(block("## Spring Boot", "sh"))
        .startsWith("./mvnw -pl sdk-examples-spring-boot -am spring-boot:run\n");
  }

  /** The first fenced block of {@code language} after {@code heading} in README.md. */
  private static String block(String heading, String language) throws IOException {
    String markdown = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    int section = markdown.indexOf("\n" + heading + "\n");
    assertThat(section).as("README has the section " + heading).isNotNegative();
    Matcher block =
        Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(markdown);
    assertThat(block.find(section)).as("a ```" + language + " block after " + heading).isTrue();
    return block.group(1);
  }

  /** The lines between {@code <comment> README <name>: begin} and {@code ...: end}, dedented. */
  private static String region(String path, String comment, String name) throws IOException {
    String source = Files.readString(ROOT.resolve(path), StandardCharsets.UTF_8);
    Matcher region =
        Pattern.compile(
                Pattern.quote(comment)
                    + " README "
                    + name
                    + ": begin\n(.*?\n)\\s*"
                    + Pattern.quote(comment)
                    + " README "
                    + name
                    + ": end",
                Pattern.DOTALL)
            .matcher(source);
    assertThat(region.find()).as(path + " marks the README region " + name).isTrue();
    List<String> lines = region.group(1).lines().toList();
    int indent =
        lines.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    List<String> dedented = new ArrayList<>();
    for (String line : lines) {
      dedented.add(line.isBlank() ? "" : line.substring(indent));
    }
    return String.join("\n", dedented) + "\n";
  }
}
