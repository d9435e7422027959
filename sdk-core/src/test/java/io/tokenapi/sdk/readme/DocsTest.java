package io.tokenapi.sdk.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md and docs/*.md as a whole: every relative link and anchor resolves (external links are
 * only checked for syntax, never fetched), every Java and properties snippet is a marked region of
 * a source file the build compiles or loads, and the README's module list names every module.
 */
class DocsTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern REGION_BEGIN =
      Pattern.compile("^[ \t]*(//|#) README (\\S+): begin$", Pattern.MULTILINE);
  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

  /** README.md and every Markdown file under docs/, in a stable order. */
  static List<Path> docs(Path root) throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(root.resolve("README.md"));
    Path dir = root.resolve("docs");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
      }
    }
    return docs;
  }

  @Test
  void everyLinkInTheDocs_resolves() throws IOException {
    List<Path> docs = docs(ROOT);
    assertThat(docs).hasSizeGreaterThan(5);

    assertThat(MarkdownLinks.problems(ROOT, docs)).isEmpty();
  }

  @Test
  void theChecker_reportsADeadFileADeadAnchorAndABadExternalLink(@TempDir Path root)
      throws IOException {
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(
        root.resolve("README.md"),
        """
        # Title

        ## Spring Boot: `starter` (4.0)

        [ok](docs/a.md#a-heading) [ok](#spring-boot-starter-40) [ok](https://example.com/x)
        [dead file](docs/missing.md) [dead anchor](docs/a.md#nowhere) [bad](https://exa%mple.com)
        [plain http](http://example.com) `[in code](nowhere.md)`

        ```md
        [in a fence](nowhere.md)
        ```
        """,
        StandardCharsets.UTF_8);
    Files.writeString(
        root.resolve("docs/a.md"),
        """
        # A heading
        [up](../README.md#title) [twice](#a-heading-1)

        # A heading
        """,
        StandardCharsets.UTF_8);

    assertThat(MarkdownLinks.problems(root, docs(root)))
        .containsExactlyInAnyOrder(
            "README.md: docs/missing.md: no such file",
            "README.md: docs/a.md#nowhere: no heading or anchor 'nowhere' in docs/a.md",
            "README.md: https://exa%mple.com: not a well-formed https URL",
            "README.md: http://example.com: not a well-formed https URL");
  }

  @Test
  void githubAnchors_followGitHubsRules() {
    assertThat(MarkdownLinks.anchor("What the token request takes from your `OkHttpClient`"))
        .isEqualTo("what-the-token-request-takes-from-your-okhttpclient");
    assertThat(
            MarkdownLinks.anchor(
                "Verified against Spring Authorization Server: `private_key_jwt` and"
                    + " `tls_client_auth`"))
        .isEqualTo(
            "verified-against-spring-authorization-server-private_key_jwt-and-tls_client_auth");
    assertThat(MarkdownLinks.anchor("Extra token parameters (`audience`, `resource`)"))
        .isEqualTo("extra-token-parameters-audience-resource");
    assertThat(MarkdownLinks.anchor("Threads and `close()`")).isEqualTo("threads-and-close");
    assertThat(MarkdownLinks.anchor("Stores: surviving restarts [and](x.md) more"))
        .isEqualTo("stores-surviving-restarts-and-more");
  }

  @Test
  void everyJavaAndPropertiesSnippet_isAMarkedRegionOfASource() throws IOException {
    Set<String> regions = regions();
    List<String> unchecked = new ArrayList<>();
    int snippets = 0;
    for (Path doc : docs(ROOT)) {
      String text = Files.readString(doc, StandardCharsets.UTF_8);
      for (String language : List.of("java", "properties")) {
        for (String block : ReadmeRegions.blocks(text, language)) {
          snippets++;
          if (!regions.contains(block)) {
            unchecked.add(ROOT.relativize(doc) + ":\n" + block);
          }
        }
      }
    }

    assertThat(snippets).isGreaterThan(20);
    assertThat(unchecked)
        .as(
            "snippets that are no '// README <name>: begin/end' region of a source (copy the region"
                + " verbatim, or mark the compiled code the snippet shows)")
        .isEmpty();
  }

  /** Every marked region under the modules' src directories, dedented. */
  private static Set<String> regions() throws IOException {
    Set<String> regions = new LinkedHashSet<>();
    List<Path> sources;
    try (Stream<Path> modules = Files.list(ROOT)) {
      sources =
          modules
              .filter(m -> Files.isDirectory(m.resolve("src")))
              .flatMap(m -> walk(m.resolve("src")))
              .filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".properties"))
              .toList();
    }
    for (Path source : sources) {
      String text = Files.readString(source, StandardCharsets.UTF_8);
      Matcher begin = REGION_BEGIN.matcher(text);
      while (begin.find()) {
        regions.add(ReadmeRegions.region(source, begin.group(1), begin.group(2)));
      }
    }
    assertThat(regions).as("README regions in the sources").hasSizeGreaterThan(15);
    return regions;
  }

  private static Stream<Path> walk(Path dir) {
    try {
      return Files.walk(dir).filter(Files::isRegularFile).toList().stream();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + dir, e);
    }
  }

  @Test
  void readmeModuleList_namesEveryModuleOfTheBuild() throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    List<String> modules = new ArrayList<>();
    Matcher module = MODULE.matcher(pom);
    while (module.find()) {
      modules.add(module.group(1).strip());
    }
    String list = ReadmeRegions.section(ROOT.resolve("README.md"), "## Modules");

    assertThat(modules).hasSizeGreaterThan(10);
    assertThat(modules)
        .as("modules missing from README.md's Modules table")
        .allSatisfy(m -> assertThat(list).contains("| `" + m + "` |"));
  }

  /** Links and anchors in Markdown, checked the way GitHub renders them. */
  static final class MarkdownLinks {
    private static final Pattern FENCE = Pattern.compile("(?ms)^ {0,3}```.*?^ {0,3}```[ \t]*$");
    private static final Pattern CODE_SPAN = Pattern.compile("`+[^`]*`+");
    private static final Pattern INLINE_LINK =
        Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE = Pattern.compile("(?m)^ {0,3}\\[[^\\]]+\\]:\\s*(\\S+)");
    private static final Pattern AUTOLINK = Pattern.compile("<(https?://[^>]+)>");
    private static final Pattern HEADING =
        Pattern.compile("(?m)^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("(?:id|name)=\"([^\"]+)\"");

    private MarkdownLinks() {}

    /** One line per dead or malformed link in {@code docs}, paths relative to {@code root}. */
    static List<String> problems(Path root, List<Path> docs) throws IOException {
      Map<Path, Set<String>> anchors = new HashMap<>();
      List<String> problems = new ArrayList<>();
      for (Path doc : docs) {
        String text = withoutCode(Files.readString(doc, StandardCharsets.UTF_8));
        for (String target : targets(text)) {
          String problem = check(root, doc, target, anchors);
          if (problem != null) {
            problems.add(root.relativize(doc) + ": " + target + ": " + problem);
          }
        }
      }
      return problems;
    }

    private static String withoutCode(String markdown) {
      return CODE_SPAN.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("");
    }

    private static List<String> targets(String text) {
      List<String> targets = new ArrayList<>();
      for (Pattern p : List.of(INLINE_LINK, REFERENCE, AUTOLINK)) {
        Matcher m = p.matcher(text);
        while (m.find()) {
          targets.add(m.group(1));
        }
      }
      return targets;
    }

    private static String check(Path root, Path doc, String target, Map<Path, Set<String>> anchors)
        throws IOException {
      if (target.matches("(?i)[a-z][a-z0-9+.-]*:.*")) {
        if (target.startsWith("mailto:")) {
          return null;
        }
        try {
          URI uri = new URI(target);
          if ("https".equals(uri.getScheme()) && uri.getHost() != null) {
            return null;
          }
        } catch (URISyntaxException e) {
          // reported below
        }
        return "not a well-formed https URL";
      }
      int hash = target.indexOf('#');
      String file = hash < 0 ? target : target.substring(0, hash);
      Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
      if (!resolved.startsWith(root)) {
        return "points outside the repository";
      }
      if (!Files.exists(resolved)) {
        return "no such file";
      }
      if (hash < 0) {
        return null;
      }
      String fragment = target.substring(hash + 1);
      if (!resolved.toString().endsWith(".md") || Files.isDirectory(resolved)) {
        return "an anchor into a file that is not Markdown";
      }
      Set<String> known = anchors.computeIfAbsent(resolved, MarkdownLinks::anchorsOf);
      return known.contains(fragment)
          ? null
          : "no heading or anchor '" + fragment + "' in " + root.relativize(resolved);
    }

    private static Set<String> anchorsOf(Path markdown) {
      String text;
      try {
        text = FENCE.matcher(Files.readString(markdown, StandardCharsets.UTF_8)).replaceAll("");
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + markdown, e);
      }
      Set<String> anchors = new LinkedHashSet<>();
      Map<String, Integer> seen = new HashMap<>();
      Matcher heading = HEADING.matcher(text);
      while (heading.find()) {
        String base = anchor(heading.group(2));
        int n = seen.merge(base, 1, Integer::sum) - 1;
        anchors.add(n == 0 ? base : base + "-" + n);
      }
      Matcher html = HTML_ANCHOR.matcher(text);
      while (html.find()) {
        anchors.add(html.group(1));
      }
      return anchors;
    }

    /**
     * GitHub's anchor for a heading: its rendered text (links become their text, code spans their
     * content), lower case, without punctuation other than '-' and '_', spaces as '-'.
     */
    static String anchor(String heading) {
      String rendered = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "");
      return rendered
          .strip()
          .toLowerCase(Locale.ROOT)
          .replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
          .replace(' ', '-');
    }
  }
}
