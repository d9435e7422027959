package io.tokenapi.apitests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.tngtech.archunit.core.domain.JavaClasses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API of each published module is checked in as {@code <module>/api/<artifactId>.api}
 * (as OkHttp keeps {@code okhttp/api/okhttp.api}): this test renders the API from the built classes
 * and fails when it differs from the file, so every API change shows up as a diff in review. {@code
 * -Dapi.update=true} rewrites the files instead; see docs/compatibility.md.
 */
class PublicApiTest {
  private static final boolean UPDATE = Boolean.getBoolean("api.update");

  @Test
  void everyPublishedModuleIsChecked() {
    assertThat(PublishedModules.missingFromClasspath())
        .as(
            "published modules that sdk-api-tests/pom.xml does not depend on (add each, test scope,"
                + " exclusions */*, like the others)")
        .isEmpty();
  }

  @Test
  void apiFilesMatchTheBuiltClasses() throws IOException {
    List<String> failures = new ArrayList<>();
    for (PublishedModules.Module module : PublishedModules.all()) {
      JavaClasses classes = module.importClasses();
      Set<String> exported = module.exportedPackages(classes);
      String rendered = header(module, exported) + ApiRenderer.render(classes, exported);
      Path file = module.apiFile();
      if (UPDATE) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, rendered, StandardCharsets.UTF_8);
        continue;
      }
      if (!Files.exists(file)) {
        failures.add(
            PublishedModules.root().relativize(file) + " is missing (a new published module?)");
        continue;
      }
      String checkedIn = Files.readString(file, StandardCharsets.UTF_8);
      if (!checkedIn.equals(rendered)) {
        failures.add(
            PublishedModules.root().relativize(file) + " differs:\n" + diff(checkedIn, rendered));
      }
    }
    if (!failures.isEmpty()) {
      fail(
          "The public API changed without its API file. If the change is intended, rewrite the files"
              + " with\n  "
              + PublishedModules.UPDATE_COMMAND
              + "\nand commit them with the change (docs/compatibility.md says what a minor or"
              + " patch release may change).\n\n"
              + String.join("\n\n", failures));
    }
  }

  @Test
  void noApiFileWithoutAPublishedModule() throws IOException {
    Set<Path> expected = new TreeSet<>();
    for (PublishedModules.Module module : PublishedModules.all()) {
      expected.add(module.apiFile());
    }
    Set<Path> found = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(PublishedModules.root())) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        Path api = dir.resolve("api");
        if (Files.isDirectory(api)) {
          try (Stream<Path> files = Files.list(api)) {
            files.filter(f -> f.toString().endsWith(".api")).forEach(found::add);
          }
        }
      }
    }
    found.removeAll(expected);
    assertThat(found)
        .as("API files of modules that are no longer published: delete them")
        .isEmpty();
  }

  private static String header(PublishedModules.Module module, Set<String> exported) {
    return "# Public API of io.tokenapi:"
        + module.artifactId()
        + ", exported packages: "
        + (exported.isEmpty() ? "none" : String.join(", ", exported))
        + "\n# Checked by sdk-api-tests (PublicApiTest); after an intended change, regenerate with:\n#   "
        + PublishedModules.UPDATE_COMMAND
        + "\n\n";
  }

  /**
   * The lines only in {@code expected} ("-") and only in {@code actual} ("+"), in file order, each
   * member with the class it belongs to.
   */
  static String diff(String expected, String actual) {
    Set<String> before = qualifiedLines(expected);
    Set<String> after = qualifiedLines(actual);
    StringBuilder out = new StringBuilder();
    for (String line : before) {
      if (!after.contains(line)) {
        out.append("  - ").append(line).append('\n');
      }
    }
    for (String line : after) {
      if (!before.contains(line)) {
        out.append("  + ").append(line).append('\n');
      }
    }
    return out.length() == 0 ? "  (whitespace or order only)\n" : out.toString();
  }

  private static Set<String> qualifiedLines(String api) {
    Set<String> lines = new LinkedHashSet<>();
    String owner = "";
    for (String line : api.lines().toList()) {
      if (line.isBlank() || line.startsWith("#") || line.equals("}")) {
        continue;
      }
      if (line.endsWith(" {")) {
        lines.add(line.substring(0, line.length() - 2));
        owner = className(line);
      } else {
        lines.add(owner + " :: " + line.strip());
      }
    }
    return lines;
  }

  /** The class name of a class line: the word after the kind. */
  private static String className(String classLine) {
    List<String> words = List.of(classLine.split(" "));
    for (int i = 0; i < words.size() - 1; i++) {
      if (Set.of("class", "interface", "enum", "record", "@interface").contains(words.get(i))) {
        String name = words.get(i + 1);
        int generic = name.indexOf('<');
        return generic < 0 ? name : name.substring(0, generic);
      }
    }
    return classLine;
  }
}
