package io.tokenapi.apitests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Coding conventions of the public API, over the classes of every published module (as the AWS
 * SDK's {@code CodingConventionTest} does for its modules). "Public API" is what {@link
 * ApiRenderer} renders: public classes of the exported packages and their public and protected
 * members.
 */
@AnalyzeClasses(locations = PublishedModules.Locations.class)
class CodingConventionTest {

  /**
   * The classes that are designed for extension, and why. Everything else public is final (or an
   * interface, enum or record): a class that may be subclassed must keep every overridable method's
   * behaviour, which is a promise we make only on purpose.
   */
  static final Set<String> DESIGNED_FOR_EXTENSION =
      Set.of(
          // The exception hierarchy of DESIGN.md: callers catch the base types; the SDK subclasses.
          "io.tokenapi.sdk.OAuthException", "io.tokenapi.sdk.ApiException");

  /** Packages whose types must never appear in a public signature (DESIGN.md). */
  static final List<String> FORBIDDEN_IN_SIGNATURES =
      List.of("okhttp3.internal.", "com.fasterxml.jackson.", "io.github.resilience4j.");

  private static final Map<String, Set<String>> EXPORTED = new HashMap<>();

  /** Whether the class is public API of its module (see {@link ApiRenderer#isApi}). */
  static final DescribedPredicate<JavaClass> PUBLIC_API =
      DescribedPredicate.describe(
          "are public API (public, in an exported package)",
          c -> ApiRenderer.isApi(c, exportedPackages()));

  @ArchTest
  static final ArchRule publicClassesAreFinalUnlessDesignedForExtension =
      classes()
          .that(PUBLIC_API)
          .and()
          .areNotInterfaces()
          .and()
          .areNotEnums()
          .and()
          .areNotRecords()
          .and(
              DescribedPredicate.describe(
                  "are not listed in DESIGNED_FOR_EXTENSION",
                  c -> !DESIGNED_FOR_EXTENSION.contains(c.getName())))
          .should()
          .haveModifier(JavaModifier.FINAL)
          .because(
              "a public class is final unless it is designed for extension and listed in"
                  + " CodingConventionTest.DESIGNED_FOR_EXTENSION");

  @ArchTest
  static final ArchRule noOkHttpInternalJacksonOrResilience4jTypeInPublicSignatures =
      classes()
          .that(PUBLIC_API)
          .should(haveNoTypeInPublicSignatures(FORBIDDEN_IN_SIGNATURES))
          .because(
              "users see only our types, the JDK's and OkHttp's public ones (DESIGN.md); Jackson"
                  + " and resilience4j are implementation details that may change");

  @ArchTest
  static final ArchRule noInternalTypeInPublicSignatures =
      classes()
          .that(PUBLIC_API)
          .should(haveNoTypeInPublicSignatures(List.of("io.tokenapi.sdk.internal.")))
          .because("a type users cannot use must not be part of the API they call");

  @ArchTest
  static final ArchRule designedForExtensionListIsCurrent =
      classes()
          .that(
              DescribedPredicate.describe(
                  "are listed in DESIGNED_FOR_EXTENSION",
                  c -> DESIGNED_FOR_EXTENSION.contains(c.getName())))
          .should(
              new ArchCondition<JavaClass>("be public API and not final") {
                @Override
                public void check(JavaClass c, ConditionEvents events) {
                  boolean ok = PUBLIC_API.test(c) && !c.getModifiers().contains(JavaModifier.FINAL);
                  events.add(
                      new SimpleConditionEvent(
                          c,
                          ok,
                          c.getName()
                              + " is listed in DESIGNED_FOR_EXTENSION but is final or not API:"
                              + " take it off the list"));
                }
              })
          .allowEmptyShould(false);

  private static synchronized Set<String> exportedPackages() {
    if (EXPORTED.isEmpty()) {
      for (PublishedModules.Module m : PublishedModules.all()) {
        JavaClasses classes = m.importClasses();
        EXPORTED.put(m.artifactId(), m.exportedPackages(classes));
      }
    }
    Set<String> all = new HashSet<>();
    EXPORTED.values().forEach(all::addAll);
    return all;
  }

  /**
   * No type (generic arguments and bounds included) from {@code packagePrefixes} in the class's
   * supertypes, type parameters or any public or protected field, constructor or method signature.
   */
  static ArchCondition<JavaClass> haveNoTypeInPublicSignatures(List<String> packagePrefixes) {
    return new ArchCondition<>("have no type of " + packagePrefixes + " in a public signature") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        List<String> where = new ArrayList<>();
        c.getSuperclass().ifPresent(s -> collect(s, "superclass", packagePrefixes, where));
        for (JavaType i : c.getInterfaces()) {
          collect(i, "interface", packagePrefixes, where);
        }
        c.getTypeParameters().forEach(t -> collect(t, "type parameter", packagePrefixes, where));
        for (JavaMember m : c.getMembers()) {
          if (!ApiRenderer.isVisible(m.getModifiers())
              || m.getModifiers().contains(JavaModifier.SYNTHETIC)
              || m.getModifiers().contains(JavaModifier.BRIDGE)) {
            continue;
          }
          String member = m.getName();
          if (m instanceof JavaField) {
            collect(((JavaField) m).getType(), "field " + member, packagePrefixes, where);
          } else {
            JavaCodeUnit code = (JavaCodeUnit) m;
            collect(code.getReturnType(), member + "() return type", packagePrefixes, where);
            for (JavaType p : code.getParameterTypes()) {
              collect(p, member + "() parameter", packagePrefixes, where);
            }
            code.getTypeParameters()
                .forEach(t -> collect(t, member + "() type parameter", packagePrefixes, where));
            for (JavaClass t : code.getThrowsClause().getTypes()) {
              collect(t, member + "() throws", packagePrefixes, where);
            }
          }
        }
        for (String w : where) {
          events.add(SimpleConditionEvent.violated(c, c.getName() + ": " + w));
        }
        if (where.isEmpty()) {
          events.add(SimpleConditionEvent.satisfied(c, c.getName() + " has none"));
        }
      }
    };
  }

  private static void collect(
      JavaType type, String where, List<String> packagePrefixes, List<String> found) {
    for (JavaClass raw : type.getAllInvolvedRawTypes()) {
      JavaClass base = raw;
      while (base.isArray()) {
        base = base.getComponentType();
      }
      for (String prefix : packagePrefixes) {
        if (base.getName().startsWith(prefix)) {
          found.add(where + " uses " + base.getName());
        }
      }
    }
  }
}
