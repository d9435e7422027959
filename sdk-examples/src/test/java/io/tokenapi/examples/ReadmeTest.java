package io.tokenapi.examples;

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

/** The README shows compiled code and the commands CI really runs. */
class ReadmeTest {
  private static final Path ROOT = Path.of("..");

  private static String read(String path) throws IOException {
    return Files.readString(ROOT.resolve(path), StandardCharsets.UTF_8);
  }

  /** The body of the first fenced block of {@code language} after {@code heading}. */
  private static String firstBlockAfter(String markdown, String heading, String language) {
    int section = markdown.indexOf("\n" + heading + "\n");
    assertThat(section).as("README has the section " + heading).isNotNegative();
    Matcher block =
        Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(markdown);
    assertThat(block.find(section)).as("a ```" + language + " block after " + heading).isTrue();
    return block.group(1);
  }

  /** The marked region of Quickstart.java without its common indentation. */
  private static String quickstartRegion() throws IOException {
    return region("sdk-examples/src/main/java/io/tokenapi/examples/Quickstart.java", "quickstart");
  }

  /**
   * The region between {@code // README <name>: begin} and {@code // README <name>: end}, dedented.
   */
  private static String region(String path, String name) throws IOException {
    String source = read(path);
    Matcher region =
        Pattern.compile(
                "// README " + name + ": begin\n(.*?\n)\\s*// README " + name + ": end",
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

  private static List<String> commands(String shellBlock) {
    return shellBlock
        .lines()
        .map(l -> l.replaceFirst("\\s+#.*$", "").strip())
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  @Test
  void quickstartSnippet_isTheCompiledExample() throws IOException {
    assertThat(firstBlockAfter(read("README.md"), "## Quickstart", "java"))
        .isEqualTo(quickstartRegion());
  }

  @Test
  void testkitSnippet_isTheCompiledTest() throws IOException {
    assertThat(firstBlockAfter(read("README.md"), "## Testing your code with the testkit", "java"))
        .isEqualTo(
            region(
                "sdk-examples/src/test/java/io/tokenapi/examples/TestkitReadmeExampleTest.java",
                "testkit"));
  }

  @Test
  void developSection_startsWithTheDemoAndTheTestCommand_andCiRunsTheTestCommand()
      throws IOException {
    String readme = read("README.md");
    List<String> develop = commands(firstBlockAfter(readme, "## Develop", "sh"));
    assertThat(develop).hasSize(2);
    assertThat(develop.get(0)).isEqualTo("./mvnw -B -q -pl sdk-examples -am compile exec:java");
    assertThat(develop.get(1)).isEqualTo("./mvnw -B verify");
    assertThat(commands(firstBlockAfter(readme, "## Quickstart", "sh")))
        .containsExactly(develop.get(0));

    List<String> ci = commands(read(".ci/run"));
    assertThat(ci).contains(develop.get(1));
    assertThat(ci.get(ci.size() - 1))
        .as("CI compiles the benchmarks, which the default build leaves out")
        .startsWith("./mvnw -B -q -Pbenchmarks -pl sdk-benchmarks -am ");
    assertThat(ci).as("CI needs only a JDK").noneMatch(c -> c.contains("apt-get"));
  }
}
