package io.tokenapi.apitests;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.LocationProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The published modules of the reactor, read from the POMs: every module listed in the root POM's
 * {@code <modules>} whose packaging is {@code jar} and that does not set {@code maven.deploy.skip}.
 * For each, where its classes are on this module's test classpath and which packages it exports.
 */
final class PublishedModules {
  /** The command that rewrites every API file; printed with each failure. */
  static final String UPDATE_COMMAND =
      "./mvnw -B -q -pl sdk-api-tests -am test -Dtest=PublicApiTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dapi.update=true";

  private static volatile List<Module> all;

  private PublishedModules() {}

  /** One published module. */
  record Module(String directory, String artifactId, Path classes) {
    /** The checked-in API file: {@code <module>/api/<artifactId>.api}. */
    Path apiFile() {
      return root().resolve(directory).resolve("api").resolve(artifactId + ".api");
    }

    /**
     * The packages other code may use: the unqualified exports of module-info, or, for a module
     * without one (an automatic module), every package except those named {@code internal}.
     */
    Set<String> exportedPackages(JavaClasses imported) {
      ModuleDescriptor descriptor = moduleDescriptor();
      Set<String> exported = new TreeSet<>();
      if (descriptor != null) {
        for (ModuleDescriptor.Exports e : descriptor.exports()) {
          if (!e.isQualified()) {
            exported.add(e.source());
          }
        }
        return exported;
      }
      for (JavaClass c : imported) {
        if (!isInternal(c.getPackageName())) {
          exported.add(c.getPackageName());
        }
      }
      return exported;
    }

    /** The classes of this module alone (module-info excluded). */
    JavaClasses importClasses() {
      return new ClassFileImporter()
          .withImportOption(location -> !location.contains("module-info"))
          .importLocations(hasClasses() ? Set.of(location()) : Set.of());
    }

    /**
     * The classes as an ArchUnit location: a directory (target/classes, up to {@code test}) or a
     * jar (target/*.jar, from {@code package} on), which needs a {@code jar:} location.
     */
    Location location() {
      if (Files.isDirectory(classes)) {
        return Location.of(classes);
      }
      try {
        return Location.of(new JarFile(classes.toFile()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open " + classes, e);
      }
    }

    /** False for a module without classes (the starter: its target/classes is never made). */
    boolean hasClasses() {
      return Files.exists(classes);
    }

    private ModuleDescriptor moduleDescriptor() {
      if (!hasClasses()) {
        return null;
      }
      try {
        if (Files.isDirectory(classes)) {
          Path info = classes.resolve("module-info.class");
          if (!Files.exists(info)) {
            return null;
          }
          try (InputStream in = Files.newInputStream(info)) {
            return ModuleDescriptor.read(in);
          }
        }
        try (JarFile jar = new JarFile(classes.toFile())) {
          ZipEntry info = jar.getEntry("module-info.class");
          if (info == null) {
            return null;
          }
          try (InputStream in = jar.getInputStream(info)) {
            return ModuleDescriptor.read(in);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read module-info of " + classes, e);
      }
    }
  }

  /** For {@code @AnalyzeClasses}: the class locations of every published module. */
  static final class Locations implements LocationProvider {
    @Override
    public Set<Location> get(Class<?> testClass) {
      Set<Location> locations = new java.util.LinkedHashSet<>();
      for (Module m : all()) {
        if (m.hasClasses()) {
          locations.add(m.location());
        }
      }
      return locations;
    }
  }

  static boolean isInternal(String packageName) {
    return packageName.endsWith(".internal") || packageName.contains(".internal.");
  }

  /** The reactor's root directory (system property {@code api.root}, set by the POM). */
  static Path root() {
    String root = System.getProperty("api.root");
    if (root == null || root.isBlank() || root.contains("${")) {
      // Run from an IDE without the POM's settings: the working directory is the module's.
      return Path.of("").toAbsolutePath().getParent();
    }
    return Path.of(root).toAbsolutePath().normalize();
  }

  /**
   * Every published module, in the order of the root POM.
   *
   * @throws IllegalStateException if a published module's classes are not on the test classpath (it
   *     is missing from sdk-api-tests/pom.xml)
   */
  static List<Module> all() {
    List<Module> modules = all;
    if (modules == null) {
      modules = Collections.unmodifiableList(discover());
      all = modules;
    }
    return modules;
  }

  /** The published modules whose classes are missing from the test classpath. */
  static List<String> missingFromClasspath() {
    List<String> missing = new ArrayList<>();
    for (String[] m : publishedInPoms()) {
      if (classesOnClasspath(m[0], m[1]) == null) {
        missing.add(m[0] + " (" + m[1] + ")");
      }
    }
    return missing;
  }

  private static List<Module> discover() {
    List<Module> modules = new ArrayList<>();
    for (String[] m : publishedInPoms()) {
      Path classes = classesOnClasspath(m[0], m[1]);
      if (classes == null) {
        throw new IllegalStateException(
            "The published module "
                + m[0]
                + " ("
                + m[1]
                + ") is not on the test classpath: add it to sdk-api-tests/pom.xml (test scope,"
                + " exclusions */*) like the others.");
      }
      modules.add(new Module(m[0], m[1], classes));
    }
    return modules;
  }

  /** {directory, artifactId} of each published module, from the POMs. */
  private static List<String[]> publishedInPoms() {
    Element rootPom = readPom(root().resolve("pom.xml"));
    List<String[]> published = new ArrayList<>();
    Element modules = child(rootPom, "modules");
    if (modules == null) {
      return published;
    }
    NodeList list = modules.getElementsByTagName("module");
    for (int i = 0; i < list.getLength(); i++) {
      String directory = list.item(i).getTextContent().trim();
      Element pom = readPom(root().resolve(directory).resolve("pom.xml"));
      String packaging = text(pom, "packaging", "jar");
      Element properties = child(pom, "properties");
      boolean deploySkipped =
          properties != null && "true".equals(text(properties, "maven.deploy.skip", "false"));
      if ("jar".equals(packaging) && !deploySkipped) {
        published.add(new String[] {directory, text(pom, "artifactId", directory)});
      }
    }
    return published;
  }

  /**
   * Where the module's classes are on the test classpath: its {@code target/classes} (a reactor
   * build up to {@code test}) or its jar in {@code target} (up to {@code package} and later).
   */
  private static Path classesOnClasspath(String directory, String artifactId) {
    Path target = root().resolve(directory).resolve("target").normalize();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path path = Path.of(entry).toAbsolutePath().normalize();
      if (path.equals(target.resolve("classes"))) {
        return path;
      }
      String name = path.getFileName().toString();
      if (target.equals(path.getParent())
          && name.startsWith(artifactId + "-")
          && name.endsWith(".jar")
          && !name.endsWith("-tests.jar")) {
        return path;
      }
    }
    return null;
  }

  private static Element readPom(Path pom) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document document = factory.newDocumentBuilder().parse(pom.toFile());
      return document.getDocumentElement();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + pom + ": " + e, e);
    }
  }

  /** The direct child element named {@code name}, or null. */
  private static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && name.equals(n.getNodeName())) {
        return (Element) n;
      }
    }
    return null;
  }

  private static String text(Element parent, String name, String fallback) {
    Element e = child(parent, name);
    return e == null ? fallback : e.getTextContent().trim();
  }
}
