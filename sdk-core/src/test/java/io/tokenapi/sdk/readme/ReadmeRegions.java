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
 * The one reader of what a documentation test compares: a source file's {@code // README name:
 * begin/end} region, dedented, and the fenced blocks of one section of README.md or a {@code
 * docs/*.md} file. Shared with other modules' tests through sdk-core's test-jar; every module's
 * tests run in the module's directory, so {@link #doc(String)} resolves against its parent.
 */
public final class ReadmeRegions {
  private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");

  private ReadmeRegions() {}

  /**
   * A documentation file of the repository, seen from a module's directory.
   *
   * @param relative the path from the repository root, for example {@code "docs/stores.md"}
   * @return the path from the module's directory
   */
  public static Path doc(String relative) {
    return Path.of("..").resolve(relative);
  }

  /**
   * The region between {@code // README <name>: begin} and {@code // README <name>: end} of {@code
   * source}, without its common indentation.
   *
   * @param source the Java file, relative to the working directory
   * @param name the region's name
   * @return the region's lines, each ending in a newline
   * @throws IOException if the file cannot be read
   */
  public static String region(Path source, String name) throws IOException {
    return region(source, "//", name);
  }

  /**
   * The region between {@code <comment> README <name>: begin} and {@code <comment> README <name>:
   * end} of {@code source}, without its common indentation.
   *
   * @param source the file, relative to the working directory
   * @param comment the file's line comment, {@code "//"} or {@code "#"}
   * @param name the region's name
   * @return the region's lines, each ending in a newline
   * @throws IOException if the file cannot be read
   */
  public static String region(Path source, String comment, String name) throws IOException {
    String text = Files.readString(source, StandardCharsets.UTF_8);
    String marker = Pattern.quote(comment) + " README " + Pattern.quote(name);
    Matcher region =
        Pattern.compile(marker + ": begin\n(.*?\n)[ \t]*" + marker + ": end", Pattern.DOTALL)
            .matcher(text);
    assertThat(region.find()).as("%s marks the README region %s", source, name).isTrue();
    return dedent(region.group(1));
  }

  /**
   * {@code text} without the indentation its non-blank lines have in common.
   *
   * @param text lines, each ending in a newline
   * @return the dedented lines, each ending in a newline
   */
  static String dedent(String text) {
    List<String> lines = text.lines().toList();
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
   * The section of {@code markdown} that starts at the heading line {@code heading} and ends before
   * the next heading of the same or a higher level (subsections included). Lines inside fenced
   * blocks are never headings.
   *
   * @param markdown the Markdown file
   * @param heading the section's heading line, for example {@code "## Surviving restarts"}
   * @return the section's lines, the heading included, each ending in a newline
   * @throws IOException if the file cannot be read
   */
  public static String section(Path markdown, String heading) throws IOException {
    List<String> lines = Files.readAllLines(markdown, StandardCharsets.UTF_8);
    int level = heading.indexOf(' ');
    StringBuilder section = new StringBuilder();
    boolean inside = false;
    boolean fenced = false;
    for (String line : lines) {
      if (line.startsWith("```")) {
        fenced = !fenced;
      }
      Matcher h = fenced ? null : HEADING.matcher(line);
      if (h != null && h.matches()) {
        if (inside && h.group(1).length() <= level) {
          break;
        }
        inside |= line.equals(heading);
      }
      if (inside) {
        section.append(line).append('\n');
      }
    }
    assertThat(section).as("%s has the section %s", markdown, heading).isNotEmpty();
    return section.toString();
  }

  /**
   * The bodies of the fenced blocks of {@code language} in one section, in order.
   *
   * @param markdown the Markdown file
   * @param heading the section's heading line (see {@link #section(Path, String)})
   * @param language the block's info string, for example {@code "java"}, {@code "sh"}
   * @return the blocks' bodies, each line ending in a newline
   * @throws IOException if the file cannot be read
   */
  public static List<String> blocks(Path markdown, String heading, String language)
      throws IOException {
    return blocks(section(markdown, heading), language);
  }

  /**
   * The bodies of the fenced blocks of {@code language} in {@code markdown}, in order.
   *
   * @param markdown Markdown text
   * @param language the block's info string
   * @return the blocks' bodies, each line ending in a newline
   */
  public static List<String> blocks(String markdown, String language) {
    Matcher block =
        Pattern.compile("(?m)^```" + Pattern.quote(language) + "\n(.*?)^```$", Pattern.DOTALL)
            .matcher(markdown);
    List<String> blocks = new ArrayList<>();
    while (block.find()) {
      blocks.add(block.group(1));
    }
    return blocks;
  }

  /**
   * The bodies of the {@code ```java} blocks in one section, in order.
   *
   * @param markdown the Markdown file
   * @param heading the section's heading line (see {@link #section(Path, String)})
   * @return the blocks' bodies
   * @throws IOException if the file cannot be read
   */
  public static List<String> javaBlocks(Path markdown, String heading) throws IOException {
    return blocks(markdown, heading, "java");
  }

  /**
   * The body of the first fenced block of {@code language} in one section; fails the test when the
   * section has none.
   *
   * @param markdown the Markdown file
   * @param heading the section's heading line (see {@link #section(Path, String)})
   * @param language the block's info string
   * @return the block's body
   * @throws IOException if the file cannot be read
   */
  public static String firstBlock(Path markdown, String heading, String language)
      throws IOException {
    List<String> blocks = blocks(markdown, heading, language);
    assertThat(blocks).as("a ```%s block in %s, %s", language, markdown, heading).isNotEmpty();
    return blocks.get(0);
  }
}
