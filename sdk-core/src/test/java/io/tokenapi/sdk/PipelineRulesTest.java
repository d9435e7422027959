package io.tokenapi.sdk;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The pipeline's shape as rules that run in the build: data flows down (OAuthClient, the assembly,
 * TokenCache, SharedTokenFetcher, RetryingTokenSource, TokenEndpoint) and no class refers to one
 * above it, loggers and constants included. Checked on the bytecode (ArchUnit: field types, calls,
 * class literals such as a logger's {@code getLogger(OAuthClient.class)}, constants that are
 * objects) and on the source (constants the compiler inlines, such as a {@code long}, leave no
 * trace in bytecode). The rest of the core package (values, policies, helpers) is below every
 * stage: it refers to none. {@link PipelineShapeTest} checks the running object graph.
 */
@AnalyzeClasses(
    packagesOf = OAuthClient.class,
    importOptions = ImportOption.DoNotIncludeTests.class)
class PipelineRulesTest {
  /** The pipeline, top to bottom. */
  static final List<Class<?>> TOP_DOWN =
      List.of(
          OAuthClient.class,
          ClientAssembly.class,
          TokenCache.class,
          SharedTokenFetcher.class,
          RetryingTokenSource.class,
          TokenEndpoint.class);

  private static final Path SOURCES = Path.of("src/main/java/io/tokenapi/sdk");

  @ArchTest
  static void noStage_refersToAStageAboveIt(JavaClasses classes) {
    for (int level = 1; level < TOP_DOWN.size(); level++) {
      noClasses()
          .that()
          .belongToAnyOf(TOP_DOWN.get(level))
          .should()
          .dependOnClassesThat()
          .belongToAnyOf(TOP_DOWN.subList(0, level).toArray(new Class<?>[0]))
          .because("data flows down the pipeline, never back up")
          .check(classes);
    }
  }

  @ArchTest
  static void theRestOfTheCore_refersToNoStage(JavaClasses classes) {
    Class<?>[] stages = TOP_DOWN.toArray(new Class<?>[0]);
    noClasses()
        .that()
        .resideInAPackage("io.tokenapi.sdk")
        .and()
        .doNotBelongToAnyOf(stages)
        .should()
        .dependOnClassesThat()
        .belongToAnyOf(stages)
        .because(
            "values, policies and helpers sit below every stage; only the stage above (and the"
                + " assembly) may hold a stage")
        .check(classes);
  }

  @ArchTest
  static void noStageOrLeaf_namesAClassAboveIt_inItsSource(JavaClasses classes) throws IOException {
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path file :
          (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        String name = file.getFileName().toString().replace(".java", "");
        int level = levelOf(name);
        if (level == 0 || name.equals("package-info")) {
          continue;
        }
        // A leaf (-1) may name no stage; a stage none above it.
        int above = level < 0 ? TOP_DOWN.size() : level;
        String code = code(Files.readString(file, StandardCharsets.UTF_8));
        for (Class<?> upper : TOP_DOWN.subList(0, above)) {
          if (Pattern.compile("\\b" + upper.getSimpleName() + "\\b").matcher(code).find()) {
            violations.add(name + " names " + upper.getSimpleName());
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  private static int levelOf(String simpleName) {
    for (int i = 0; i < TOP_DOWN.size(); i++) {
      if (TOP_DOWN.get(i).getSimpleName().equals(simpleName)) {
        return i;
      }
    }
    return -1;
  }

  /** The source without comments and string literals: what the compiler reads as names. */
  static String code(String source) {
    Matcher m =
        Pattern.compile(
                "//[^\\n]*|/\\*.*?\\*/|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'",
                Pattern.DOTALL)
            .matcher(source);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, " ");
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
