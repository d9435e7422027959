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
 *
 * <p>The top level has two entries: {@link OAuthClient} (one credential) and {@link TenantTokens}
 * with its assembly and its per-tenant {@link Tenant} (many credentials over the same stages). They
 * may call each other's level and everything below; nothing below names them.
 */
@AnalyzeClasses(
    packagesOf = OAuthClient.class,
    importOptions = ImportOption.DoNotIncludeTests.class)
class PipelineRulesTest {
  /** The pipeline's levels, top to bottom; the classes of one level may refer to each other. */
  static final List<List<Class<?>>> LEVELS =
      List.of(
          List.of(OAuthClient.class, TenantTokens.class, TenantAssembly.class, Tenant.class),
          List.of(ClientAssembly.class),
          List.of(TokenCache.class),
          List.of(SharedTokenFetcher.class),
          List.of(RetryingTokenSource.class),
          List.of(TokenEndpoint.class));

  /** Every stage, top to bottom. */
  static final List<Class<?>> TOP_DOWN =
      LEVELS.stream().flatMap(List::stream).collect(java.util.stream.Collectors.toList());

  /** The classes of every level above {@code level}. */
  private static Class<?>[] above(int level) {
    return LEVELS.subList(0, level).stream().flatMap(List::stream).toArray(Class<?>[]::new);
  }

  private static final Path SOURCES = Path.of("src/main/java/io/tokenapi/sdk");

  @ArchTest
  static void noStage_refersToAStageAboveIt(JavaClasses classes) {
    for (int level = 1; level < LEVELS.size(); level++) {
      noClasses()
          .that()
          .belongToAnyOf(LEVELS.get(level).toArray(new Class<?>[0]))
          .should()
          .dependOnClassesThat()
          .belongToAnyOf(above(level))
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
        Class<?>[] upperClasses = level < 0 ? above(LEVELS.size()) : above(level);
        String code = code(Files.readString(file, StandardCharsets.UTF_8));
        for (Class<?> upper : upperClasses) {
          if (Pattern.compile("\\b" + upper.getSimpleName() + "\\b").matcher(code).find()) {
            violations.add(name + " names " + upper.getSimpleName());
          }
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  private static int levelOf(String simpleName) {
    for (int i = 0; i < LEVELS.size(); i++) {
      for (Class<?> stage : LEVELS.get(i)) {
        if (stage.getSimpleName().equals(simpleName)) {
          return i;
        }
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
