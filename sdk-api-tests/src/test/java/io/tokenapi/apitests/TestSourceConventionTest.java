package io.tokenapi.apitests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Conventions of the tests themselves, over the test sources of every module (a source scan).
 *
 * <p>AssertJ's {@code failsWithin} passes when the future does not complete in time (a {@code
 * TimeoutException} counts as "fails"), so on its own it also passes when the code under test
 * hangs: the bug many of these tests exist to catch. Each use must name {@code ExecutionException}
 * in the same statement (usually {@code .withThrowableOfType(ExecutionException.class)}).
 */
class TestSourceConventionTest {

  private static final Pattern FAILS_WITHIN = Pattern.compile("\\.failsWithin\\(");

  @Test
  void failsWithin_isAlwaysCheckedForARealFailure_notATimeout() throws IOException {
    List<String> weak = new ArrayList<>();
    int uses = 0;
    Path root = PublishedModules.root();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files.map(root::relativize)::iterator) {
        if (isTestSource(file)) {
          String source = read(root.resolve(file));
          uses += count(source);
          for (String statement : weakFailsWithin(source)) {
            weak.add(file + ": " + statement);
          }
        }
      }
    }
    assertThat(uses)
        .as("failsWithin uses found (is the scan looking at the test sources?)")
        .isPositive();
    assertThat(weak)
        .as(
            "failsWithin also passes on a timeout (a hang): follow it with"
                + " .withThrowableOfType(ExecutionException.class) in the same statement")
        .isEmpty();
  }

  @Test
  void theScan_flagsABareFailsWithin_andPassesAChecked() {
    String call = ".fails" + "Within("; // split so this file's own samples are not scanned
    String bare = "assertThat(f)" + call + "5, SECONDS);";
    String anyType =
        "assertThat(f)\n  "
            + call
            + "5, SECONDS) // ExecutionException;\n"
            + "  .withThrowableOfType(Throwable.class);";
    String checked =
        "assertThat(f)\n  "
            + call
            + "Duration.ofSeconds(5))\n"
            + "  .withThrowableOfType(ExecutionException.class)\n  .havingCause();";

    assertThat(weakFailsWithin(bare)).hasSize(1);
    assertThat(weakFailsWithin(anyType)).hasSize(1);
    assertThat(weakFailsWithin(checked)).isEmpty();
    assertThat(weakFailsWithin("T e = failsWithin(builder, T.class, 1_000);")).isEmpty();
  }

  /** The failsWithin statements of the source that never name ExecutionException. */
  static List<String> weakFailsWithin(String source) {
    List<String> weak = new ArrayList<>();
    Matcher m = FAILS_WITHIN.matcher(source);
    while (m.find()) {
      String statement = statementFrom(source, m.start());
      if (!statement.contains("ExecutionException")) {
        weak.add(statement.replaceAll("\\s+", " ").trim());
      }
    }
    return weak;
  }

  /** The text from {@code start} to the statement's {@code ;}, line comments left out. */
  private static String statementFrom(String source, int start) {
    StringBuilder statement = new StringBuilder();
    for (String line : source.substring(start).split("\n", -1)) {
      int comment = line.indexOf("//");
      String code = comment < 0 ? line : line.substring(0, comment);
      int end = code.indexOf(';');
      if (end >= 0) {
        return statement.append(code, 0, end).toString();
      }
      statement.append(code).append('\n');
    }
    return statement.toString();
  }

  private static int count(String source) {
    return (int) FAILS_WITHIN.matcher(source).results().count();
  }

  /**
   * A test source file, by its path from the reactor's root; build output and dot-dirs left out.
   */
  private static boolean isTestSource(Path relative) {
    String path = "/" + relative.toString().replace('\\', '/');
    return path.endsWith(".java")
        && path.contains("/src/test/")
        && !path.contains("/target/")
        && !path.contains("/.");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
