package io.tokenapi.apitests;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaGenericArrayType;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaParameterizedType;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.domain.JavaTypeVariable;
import com.tngtech.archunit.core.domain.JavaWildcardType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Renders the public API of one module as text, one line per class and member, sorted, so that a
 * change of the API is a readable diff of the checked-in file.
 *
 * <p>The API is every public class (and public or protected nested class) of an exported package
 * whose enclosing classes are API too, with its public and protected fields, constructors and
 * methods: modifiers, generic signatures, throws clauses and {@code @Deprecated}. Synthetic and
 * bridge members, {@code synchronized} and parameter names are left out. Read from class files
 * (ArchUnit), so nothing is loaded or run.
 */
final class ApiRenderer {
  private ApiRenderer() {}

  /** The API lines of {@code classes} in {@code exportedPackages}, classes sorted by name. */
  static String render(JavaClasses classes, Set<String> exportedPackages) {
    TreeMap<String, JavaClass> api = new TreeMap<>();
    for (JavaClass c : classes) {
      if (isApi(c, exportedPackages)) {
        api.put(c.getName(), c);
      }
    }
    StringBuilder out = new StringBuilder();
    for (JavaClass c : api.values()) {
      out.append(classLine(c)).append(" {\n");
      // Fields, then constructors, then methods, each by name: the order a reader looks for.
      TreeMap<String, String> members = new TreeMap<>();
      for (JavaMember m : c.getMembers()) {
        if (isVisible(m.getModifiers())
            && !m.getModifiers().contains(JavaModifier.SYNTHETIC)
            && !m.getModifiers().contains(JavaModifier.BRIDGE)) {
          String line = memberLine(c, m);
          int kind = m instanceof JavaField ? 0 : ((JavaCodeUnit) m).isConstructor() ? 1 : 2;
          members.put(kind + " " + m.getName() + " " + line, line);
        }
      }
      for (String m : members.values()) {
        out.append("  ").append(m).append('\n');
      }
      out.append("}\n\n");
    }
    return out.toString();
  }

  /**
   * Whether {@code c} is public API: public (or protected, when nested), in an exported package,
   * and every enclosing class API too. Local and anonymous classes never are.
   */
  static boolean isApi(JavaClass c, Set<String> exportedPackages) {
    if (!exportedPackages.contains(c.getPackageName())
        || c.isAnonymousClass()
        || c.isLocalClass()
        || c.getModifiers().contains(JavaModifier.SYNTHETIC)) {
      return false;
    }
    if (c.isTopLevelClass()) {
      return c.getModifiers().contains(JavaModifier.PUBLIC);
    }
    return isVisible(c.getModifiers())
        && c.getEnclosingClass().map(e -> isApi(e, exportedPackages)).orElse(false);
  }

  static boolean isVisible(Set<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  private static String classLine(JavaClass c) {
    StringBuilder line = new StringBuilder();
    deprecated(c.isAnnotatedWith(Deprecated.class), line);
    Set<JavaModifier> mods = c.getModifiers();
    line.append(mods.contains(JavaModifier.PUBLIC) ? "public " : "protected ");
    if (c.isNestedClass() && mods.contains(JavaModifier.STATIC) && !c.isInterface()) {
      line.append("static ");
    }
    String kind;
    if (c.isAnnotation()) {
      kind = "@interface";
    } else if (c.isInterface()) {
      kind = "interface";
    } else if (c.isEnum()) {
      kind = "enum";
    } else if (c.isRecord()) {
      kind = "record";
    } else {
      if (mods.contains(JavaModifier.ABSTRACT)) {
        line.append("abstract ");
      }
      if (mods.contains(JavaModifier.FINAL)) {
        line.append("final ");
      }
      kind = "class";
    }
    line.append(kind).append(' ').append(name(c)).append(typeParameters(c.getTypeParameters()));
    List<String> supertypes = new ArrayList<>();
    if (!c.isInterface() && !c.isEnum() && !c.isRecord()) {
      c.getSuperclass()
          .map(ApiRenderer::type)
          .filter(s -> !s.equals("java.lang.Object"))
          .ifPresent(s -> line.append(" extends ").append(s));
    }
    for (JavaType i : c.getInterfaces()) {
      String s = type(i);
      if (!(c.isAnnotation() && s.equals("java.lang.annotation.Annotation"))) {
        supertypes.add(s);
      }
    }
    supertypes.sort(null);
    if (!supertypes.isEmpty()) {
      line.append(c.isInterface() ? " extends " : " implements ")
          .append(String.join(", ", supertypes));
    }
    return line.toString();
  }

  private static String memberLine(JavaClass owner, JavaMember m) {
    StringBuilder line = new StringBuilder();
    deprecated(m.isAnnotatedWith(Deprecated.class), line);
    Set<JavaModifier> mods = m.getModifiers();
    line.append(mods.contains(JavaModifier.PUBLIC) ? "public " : "protected ");
    if (mods.contains(JavaModifier.ABSTRACT)) {
      line.append("abstract ");
    } else if (owner.isInterface()
        && !mods.contains(JavaModifier.STATIC)
        && m instanceof com.tngtech.archunit.core.domain.JavaMethod) {
      line.append("default ");
    }
    if (mods.contains(JavaModifier.STATIC)) {
      line.append("static ");
    }
    if (mods.contains(JavaModifier.FINAL)) {
      line.append("final ");
    }
    if (m instanceof JavaField) {
      JavaField f = (JavaField) m;
      if (mods.contains(JavaModifier.VOLATILE)) {
        line.append("volatile ");
      }
      return line.append(type(f.getType())).append(' ').append(f.getName()).toString();
    }
    JavaCodeUnit code = (JavaCodeUnit) m;
    // synchronized is how a method is implemented, not what it promises: not rendered.
    String typeParameters = typeParameters(code.getTypeParameters());
    if (!typeParameters.isEmpty()) {
      line.append(typeParameters).append(' ');
    }
    if (code.isConstructor()) {
      line.append(owner.getSimpleName());
    } else {
      line.append(type(code.getReturnType())).append(' ').append(code.getName());
    }
    line.append('(')
        .append(code.getParameterTypes().stream().map(ApiRenderer::type).collect(joining()))
        .append(')');
    if (!code.getThrowsClause().getTypes().isEmpty()) {
      line.append(" throws ")
          .append(
              code.getThrowsClause().getTypes().stream()
                  .map(ApiRenderer::name)
                  .sorted()
                  .collect(joining()));
    }
    return line.toString();
  }

  private static java.util.stream.Collector<CharSequence, ?, String> joining() {
    return Collectors.joining(", ");
  }

  private static void deprecated(boolean deprecated, StringBuilder line) {
    if (deprecated) {
      line.append("@Deprecated ");
    }
  }

  private static String typeParameters(List<? extends JavaTypeVariable<?>> variables) {
    if (variables.isEmpty()) {
      return "";
    }
    return variables.stream()
        .map(ApiRenderer::declaration)
        .collect(Collectors.joining(", ", "<", ">"));
  }

  private static String declaration(JavaTypeVariable<?> v) {
    List<String> bounds =
        v.getUpperBounds().stream()
            .map(ApiRenderer::type)
            .filter(b -> !b.equals("java.lang.Object"))
            .collect(Collectors.toList());
    return bounds.isEmpty() ? v.getName() : v.getName() + " extends " + String.join(" & ", bounds);
  }

  /** A type as source would spell it, fully qualified, nested classes joined with a dot. */
  static String type(JavaType t) {
    if (t instanceof JavaClass) {
      return name((JavaClass) t);
    }
    if (t instanceof JavaParameterizedType) {
      JavaParameterizedType p = (JavaParameterizedType) t;
      return name(p.toErasure())
          + p.getActualTypeArguments().stream()
              .map(ApiRenderer::type)
              .collect(Collectors.joining(", ", "<", ">"));
    }
    if (t instanceof JavaTypeVariable) {
      return ((JavaTypeVariable<?>) t).getName();
    }
    if (t instanceof JavaWildcardType) {
      JavaWildcardType w = (JavaWildcardType) t;
      if (!w.getLowerBounds().isEmpty()) {
        return "? super " + type(w.getLowerBounds().get(0));
      }
      List<JavaType> upper = w.getUpperBounds();
      if (upper.isEmpty() || type(upper.get(0)).equals("java.lang.Object")) {
        return "?";
      }
      return "? extends " + type(upper.get(0));
    }
    if (t instanceof JavaGenericArrayType) {
      return type(((JavaGenericArrayType) t).getComponentType()) + "[]";
    }
    return t.getName();
  }

  private static String name(JavaClass c) {
    if (c.isArray()) {
      return name(c.getComponentType()) + "[]";
    }
    return c.getName().replace('$', '.');
  }
}
