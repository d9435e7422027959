package io.tokenapi.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The README's client credential snippets are the compiled regions of {@link
 * ClientCredentialsReadmeExamples}, which the interop tests run against Spring Authorization
 * Server.
 */
class ClientCredentialsReadmeTest {
  private static final Path ROOT = Path.of("..");
  private static final String EXAMPLES =
      "sdk-interop-tests/src/test/java/io/tokenapi/interop/ClientCredentialsReadmeExamples.java";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "### Private key JWT (`private_key_jwt`) | private-key-jwt",
        "### Workload identity and other external assertions | client-assertion",
        "### Mutual TLS (`tls_client_auth`) | tls-client-auth",
        "### Extra token parameters (`audience`, `resource`) | token-parameters"
      })
  void readmeSnippet_isTheCompiledRegion(String heading, String region) throws IOException {
    assertThat(firstJavaBlockAfter(read("README.md"), heading)).isEqualTo(region(region));
  }

  private static String read(String path) throws IOException {
    return Files.readString(ROOT.resolve(path), StandardCharsets.UTF_8);
  }

  private static String firstJavaBlockAfter(String markdown, String heading) {
    int section = markdown.indexOf("\n" + heading + "\n");
    assertThat(section).as("README has the section " + heading).isNotNegative();
    Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(markdown);
    assertThat(block.find(section)).as("a ```java block after " + heading).isTrue();
    return block.group(1);
  }

  /** The lines between {@code // README name: begin} and {@code ...: end}, dedented. */
  private static String region(String name) throws IOException {
    Matcher region =
        Pattern.compile(
                "// README " + name + ": begin\n(.*?\n)\\s*// README " + name + ": end",
                Pattern.DOTALL)
            .matcher(read(EXAMPLES));
    assertThat(region.find()).as(EXAMPLES + " marks the README region " + name).isTrue();
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
