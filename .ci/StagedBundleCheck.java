import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Checks a staged release (a Maven repository directory written by {@code deploy
 * -DaltDeploymentRepository=...}) the way the Central Publisher Portal validates an upload:
 *
 * <ul>
 *   <li>exactly the published modules are staged (the parent, the BOM and every module of the root
 *       POM that does not set {@code maven.deploy.skip}): no example, test or benchmark module;
 *   <li>every file has a {@code .asc} signature that {@code gpg --verify} accepts, and {@code .md5}
 *       and {@code .sha1} checksums that match;
 *   <li>every jar module has its jar, a sources jar, a javadoc jar and a CycloneDX SBOM;
 *   <li>every POM, with what it inherits from a staged parent, has name, description, url, a
 *       license with name and url, a developer with a name, and scm url and connection.
 * </ul>
 *
 * <p>Run with the JDK alone: {@code java .ci/StagedBundleCheck.java <staging dir> <project root>}.
 * Exit code 0 when the bundle passes, 1 with one line per problem otherwise.
 */
public class StagedBundleCheck {
  private static final Set<String> SIDE_FILES = Set.of(".asc", ".md5", ".sha1", ".sha256", ".sha512");

  private final List<String> problems = new ArrayList<>();
  private int files;
  private int signatures;

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: java StagedBundleCheck.java <staging dir> <project root>");
      System.exit(2);
    }
    StagedBundleCheck check = new StagedBundleCheck();
    Map<String, Path> staged = check.run(Path.of(args[0]), Path.of(args[1]));
    if (!check.problems.isEmpty()) {
      System.out.println("Staged bundle check FAILED: " + check.problems.size() + " problem(s)");
      check.problems.forEach(p -> System.out.println("  - " + p));
      System.exit(1);
    }
    System.out.println(
        "Staged bundle check passed: "
            + staged.size()
            + " artifacts ("
            + String.join(", ", staged.keySet())
            + "), "
            + check.files
            + " files, "
            + check.signatures
            + " signatures verified by gpg, checksums match, POM metadata complete.");
  }

  private Map<String, Path> run(Path staging, Path root) throws Exception {
    Path group = staging.resolve("io/tokenapi");
    if (!Files.isDirectory(group)) {
      problems.add("nothing staged under " + group);
      return Map.of();
    }
    Map<String, Path> staged = new TreeMap<>();
    try (Stream<Path> artifacts = Files.list(group)) {
      for (Path a : artifacts.filter(Files::isDirectory).collect(Collectors.toList())) {
        try (Stream<Path> versions = Files.list(a)) {
          List<Path> dirs = versions.filter(Files::isDirectory).collect(Collectors.toList());
          if (dirs.size() != 1) {
            problems.add(a.getFileName() + ": expected one version directory, found " + dirs);
            continue;
          }
          staged.put(a.getFileName().toString(), dirs.get(0));
        }
      }
    }

    Set<String> expected = publishedArtifactIds(root);
    if (!staged.keySet().equals(expected)) {
      Set<String> missing = new TreeSet<>(expected);
      missing.removeAll(staged.keySet());
      Set<String> extra = new TreeSet<>(staged.keySet());
      extra.removeAll(expected);
      problems.add("staged artifacts differ from the published modules: missing " + missing + ", not to be published " + extra);
    }

    for (Map.Entry<String, Path> e : staged.entrySet()) {
      checkArtifact(e.getKey(), e.getValue(), staged);
    }
    return staged;
  }

  private void checkArtifact(String artifactId, Path dir, Map<String, Path> staged) throws Exception {
    List<Path> primaries;
    try (Stream<Path> list = Files.list(dir)) {
      primaries =
          list.filter(p -> !p.getFileName().toString().startsWith("maven-metadata"))
              .filter(p -> SIDE_FILES.stream().noneMatch(s -> p.toString().endsWith(s)))
              .sorted()
              .collect(Collectors.toList());
    }
    for (Path file : primaries) {
      files++;
      checkChecksum(file, ".md5", "MD5");
      checkChecksum(file, ".sha1", "SHA-1");
      checkSignature(file);
    }

    String version = dir.getFileName().toString();
    Path pom = single(artifactId, version, primaries, ".pom", null);
    if (pom == null) {
      return;
    }
    Element project = parse(pom);
    String packaging = text(project, "packaging", "jar");
    if (packaging.equals("jar")) {
      // The main jar may hold no class (the starter); its sources and javadoc jars never are empty.
      single(artifactId, version, primaries, ".jar", null);
      for (String classifier : new String[] {"sources", "javadoc"}) {
        Path jar = single(artifactId, version, primaries, ".jar", classifier);
        if (jar != null && !hasEntries(jar)) {
          problems.add(jar.getFileName() + " is empty");
        }
      }
      single(artifactId, version, primaries, ".json", "cyclonedx");
    }
    checkMetadata(artifactId, project, staged);
  }

  /** The one file of the artifact with this extension and classifier; a problem if none. */
  private Path single(
      String artifactId, String version, List<Path> files, String extension, String classifier) {
    String suffix = (classifier == null ? "" : "-" + classifier) + extension;
    // <artifactId>-<version>[-classifier].<ext>; a SNAPSHOT's version in the file name is
    // <base>-<yyyyMMdd.HHmmss>-<build number>.
    String versionPattern =
        version.endsWith("-SNAPSHOT")
            ? java.util.regex.Pattern.quote(version.substring(0, version.length() - 9))
                + "-[0-9]{8}\\.[0-9]{6}-[0-9]+"
            : java.util.regex.Pattern.quote(version);
    List<Path> found = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      if (!name.startsWith(artifactId + "-") || !name.endsWith(suffix)) {
        continue;
      }
      String middle = name.substring(artifactId.length() + 1, name.length() - suffix.length());
      if (middle.matches(versionPattern)) {
        found.add(f);
      }
    }
    if (found.size() != 1) {
      problems.add(artifactId + ": expected one *" + suffix + ", found " + found.size());
      return null;
    }
    return found.get(0);
  }

  private void checkChecksum(Path file, String extension, String algorithm) throws Exception {
    Path sum = Path.of(file + extension);
    if (!Files.exists(sum)) {
      problems.add(file.getFileName() + ": no " + extension);
      return;
    }
    String expected = Files.readString(sum).trim().split("\\s+")[0];
    String actual =
        HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(Files.readAllBytes(file)));
    if (!expected.equalsIgnoreCase(actual)) {
      problems.add(file.getFileName() + ": " + extension + " does not match the file");
    }
  }

  private void checkSignature(Path file) throws Exception {
    Path asc = Path.of(file + ".asc");
    if (!Files.exists(asc)) {
      problems.add(file.getFileName() + ": no .asc signature");
      return;
    }
    Process gpg =
        new ProcessBuilder("gpg", "--batch", "--verify", asc.toString(), file.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(gpg.getInputStream().readAllBytes());
    if (!gpg.waitFor(60, TimeUnit.SECONDS)) {
      gpg.destroyForcibly();
      problems.add(file.getFileName() + ": gpg --verify did not finish in 60 s");
    } else if (gpg.exitValue() != 0) {
      problems.add(file.getFileName() + ": gpg --verify failed: " + output.strip().replace('\n', ' '));
    } else {
      signatures++;
    }
  }

  /** Central's required POM elements, each from the POM itself or a staged parent. */
  private void checkMetadata(String artifactId, Element project, Map<String, Path> staged) throws Exception {
    for (String own : new String[] {"name", "description"}) {
      if (text(project, own, "").isBlank()) {
        problems.add(artifactId + ": POM has no <" + own + ">");
      }
    }
    List<Element> chain = new ArrayList<>();
    chain.add(project);
    Element parent = child(project, "parent");
    while (parent != null) {
      String parentId = text(parent, "artifactId", "");
      Path dir = staged.get(parentId);
      if (dir == null) {
        problems.add(artifactId + ": parent " + parentId + " is not staged");
        break;
      }
      Path parentPom;
      try (Stream<Path> list = Files.list(dir)) {
        parentPom = list.filter(p -> p.toString().endsWith(".pom")).findFirst().orElse(null);
      }
      if (parentPom == null) {
        break;
      }
      Element parentProject = parse(parentPom);
      chain.add(parentProject);
      parent = child(parentProject, "parent");
    }
    require(artifactId, chain, "url", p -> !text(p, "url", "").isBlank());
    require(artifactId, chain, "licenses/license with name and url", p -> {
      Element licenses = child(p, "licenses");
      Element license = licenses == null ? null : child(licenses, "license");
      return license != null && !text(license, "name", "").isBlank() && !text(license, "url", "").isBlank();
    });
    require(artifactId, chain, "developers/developer with a name", p -> {
      Element developers = child(p, "developers");
      Element developer = developers == null ? null : child(developers, "developer");
      return developer != null && !text(developer, "name", "").isBlank();
    });
    require(artifactId, chain, "scm with url and connection", p -> {
      Element scm = child(p, "scm");
      return scm != null && !text(scm, "url", "").isBlank() && !text(scm, "connection", "").isBlank();
    });
  }

  private void require(
      String artifactId, List<Element> chain, String what, java.util.function.Predicate<Element> present) {
    if (chain.stream().noneMatch(present)) {
      problems.add(artifactId + ": POM (and its parents) have no " + what);
    }
  }

  /** The parent's artifactId, the BOM's, and each root-POM module's that is deployed. */
  private static Set<String> publishedArtifactIds(Path root) throws Exception {
    Element rootPom = parse(root.resolve("pom.xml"));
    Set<String> ids = new TreeSet<>();
    ids.add(text(rootPom, "artifactId", ""));
    Element modules = child(rootPom, "modules");
    for (Node n = modules.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && n.getNodeName().equals("module")) {
        Element pom = parse(root.resolve(n.getTextContent().trim()).resolve("pom.xml"));
        Element properties = child(pom, "properties");
        if (properties == null || !"true".equals(text(properties, "maven.deploy.skip", ""))) {
          ids.add(text(pom, "artifactId", ""));
        }
      }
    }
    return ids;
  }

  private static boolean hasEntries(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.stream().anyMatch(e -> !e.isDirectory() && !e.getName().startsWith("META-INF/"));
    }
  }

  private static Element parse(Path xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(xml.toFile()).getDocumentElement();
  }

  private static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element && n.getNodeName().equals(name)) {
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
