package io.tokenapi.examples;

import static io.tokenapi.sdk.readme.ReadmeRegions.doc;
import static io.tokenapi.sdk.readme.ReadmeRegions.firstBlock;
import static io.tokenapi.sdk.readme.ReadmeRegions.region;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README and the docs show compiled code and the commands CI really runs. */
class ReadmeTest {
  private static final Path README = doc("README.md");
  private static final String MAIN = "src/main/java/io/tokenapi/examples/";
  private static final String TEST = "src/test/java/io/tokenapi/examples/";

  private static List<String> commands(String shellBlock) {
    return shellBlock
        .lines()
        .map(l -> l.replaceFirst("\\s+#.*$", "").strip())
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  @Test
  void quickstartSnippet_isTheCompiledExample() throws IOException {
    assertThat(firstBlock(README, "## Quickstart", "java"))
        .isEqualTo(region(Path.of(MAIN + "Quickstart.java"), "quickstart"));
  }

  @Test
  void testkitSnippet_isTheCompiledTest() throws IOException {
    assertThat(firstBlock(doc("docs/testing.md"), "# Testing your code with the testkit", "java"))
        .isEqualTo(region(Path.of(TEST + "TestkitReadmeExampleTest.java"), "testkit"));
  }

  @Test
  void observabilitySnippet_isTheCompiledExample() throws IOException {
    assertThat(firstBlock(doc("docs/observability.md"), "## Metrics and traces", "java"))
        .isEqualTo(region(Path.of(MAIN + "MetricsExample.java"), "metrics"));
  }

  @Test
  void developSection_startsWithTheDemoAndTheTestCommand_andCiRunsTheTestCommand()
      throws IOException {
    List<String> develop = commands(firstBlock(README, "## Develop", "sh"));
    assertThat(develop).hasSize(2);
    assertThat(develop.get(0)).isEqualTo("./mvnw -B -q -pl sdk-examples -am compile exec:java");
    assertThat(develop.get(1)).isEqualTo("./mvnw -B verify");
    assertThat(commands(firstBlock(README, "## Quickstart", "sh"))).containsExactly(develop.get(0));

    List<String> ci = commands(Files.readString(doc(".ci/run"), StandardCharsets.UTF_8));
    assertThat(ci).contains(develop.get(1));
    assertThat(ci.get(ci.size() - 1))
        .as("CI compiles the benchmarks, which the default build leaves out")
        .startsWith("./mvnw -B -q -Pbenchmarks -pl sdk-benchmarks -am ");
    // The suite needs only a JDK: a package CI installs serves an optional test (MariaDB) that
    // skips itself without it, so an install may not fail the run.
    assertThat(ci)
        .as("CI needs only a JDK: an apt-get install is optional (|| true)")
        .filteredOn(c -> c.contains("apt-get install"))
        .allMatch(c -> c.endsWith("|| true"));
  }
}
