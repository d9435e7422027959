package io.tokenapi.sdk.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what a README test compares: a source file's {@code // README name: begin/end} region,
 * dedented, and the java blocks of one README section. Shared with other modules' tests through
 * sdk-core's test-jar.
 */
public final class ReadmeRegions {
  private ReadmeRegions() {}

  /**
   * The region between {@code // README <name>: begin} and {@code // README <name>: end} of {@code
   * source}, without its common indentation.
   *
   * @param source the Java file, relative to the module
   * @param name the region's name
   * @return the region's lines, each ending in a newline
   * @throws IOException if the file cannot be read
   */
  public static String region(Path source, String name) throws IOException {
    String text = Files.readString(source, StandardCharsets.UTF_8);
    Matcher region =
        Pattern.compile(
                "// README " + name + ": begin\n(.*?\n)\\s*// README " + name + ": end",
                Pattern.DOTALL)
            .matcher(text);
    assertThat(region.find()).as("%s marks the README region %s", source, name).isTrue();
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

  /**
   * The bodies of the {@code ```java} blocks in README.md's section {@code heading}, in order.
   *
   * @param readme the README file
   * @param heading the section's heading line, for example {@code "## Surviving restarts"}
   * @return the blocks' bodies
   * @throws IOException if the file cannot be read
   */
  public static List<String> javaBlocks(Path readme, String heading) throws IOException {
    String whole = Files.readString(readme, StandardCharsets.UTF_8);
    int start = whole.indexOf(heading + "\n");
    assertThat(start).as("README.md has the section %s", heading).isNotNegative();
    int end = whole.indexOf("\n## ", start + 1);
    String section = whole.substring(start, end < 0 ? whole.length() : end);
    Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(section);
    List<String> blocks = new ArrayList<>();
    while (block.find()) {
      blocks.add(block.group(1));
    }
    return blocks;
  }
}
