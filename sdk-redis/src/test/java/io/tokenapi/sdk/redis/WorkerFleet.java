package io.tokenapi.sdk.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Worker JVMs ({@link FleetWorker}) on the test class path, each writing its stdout and stderr to
 * files. Every wait is bounded, and {@link #close()} kills whatever is still running.
 */
final class WorkerFleet implements AutoCloseable {
  private final Path dir;
  private final List<Worker> workers = new ArrayList<>();

  WorkerFleet(Path dir) {
    this.dir = dir;
  }

  Path goFile() {
    return dir.resolve("go");
  }

  Worker start(String name, Map<String, String> options) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Small, quick-starting JVMs: the workers live a few seconds on a shared machine.
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx128m",
                "-cp",
                testClassPath(),
                FleetWorker.class.getName()));
    options.forEach((k, v) -> command.add(k + "=" + v));
    Worker worker = new Worker(name, dir.resolve(name + ".out"), dir.resolve(name + ".err"));
    worker.process =
        new ProcessBuilder(command)
            .redirectOutput(worker.out.toFile())
            .redirectError(worker.err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
            .start();
    workers.add(worker);
    return worker;
  }

  Worker worker(String name) {
    return workers.stream().filter(w -> w.name.equals(name)).findFirst().orElseThrow();
  }

  /** Waits until every worker has built its client and is waiting for the go file. */
  void awaitReady(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    for (Worker worker : workers) {
      while (!worker.lines().contains("READY")) {
        if (!worker.process.isAlive() || System.currentTimeMillis() > deadline) {
          throw new AssertionError(worker.name + " did not get ready: " + worker.stderr());
        }
        Thread.sleep(10);
      }
    }
  }

  void go() throws IOException {
    Files.createFile(goFile());
  }

  /** Waits for every worker to exit, and asserts each one exited cleanly. */
  void awaitExit(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    for (Worker worker : workers) {
      long left = Math.max(1, deadline - System.currentTimeMillis());
      assertThat(worker.process.waitFor(left, TimeUnit.MILLISECONDS))
          .as("%s exited in time", worker.name)
          .isTrue();
      assertThat(worker.process.exitValue())
          .as("%s exit code; stderr: %s", worker.name, worker.stderr())
          .isZero();
    }
  }

  @Override
  public void close() {
    for (Worker worker : workers) {
      if (worker.process.isAlive()) {
        try {
          worker.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * The class path of this test JVM. Surefire is configured without a manifest-only jar, so {@code
   * java.class.path} is the whole test class path; checked here so that a configuration change
   * fails loudly instead of strangely.
   */
  static String testClassPath() {
    String classPath = System.getProperty("java.class.path");
    if (!classPath.contains("jedis") || !classPath.contains("test-classes")) {
      throw new IllegalStateException("java.class.path is not the test class path: " + classPath);
    }
    return classPath;
  }

  private static java.io.File nullFile() {
    return new java.io.File("/dev/null");
  }

  /** One worker JVM and its output. */
  static final class Worker {
    final String name;
    final Path out;
    final Path err;
    Process process;

    Worker(String name, Path out, Path err) {
      this.name = name;
      this.out = out;
      this.err = err;
    }

    List<String> lines() {
      try {
        return Files.exists(out) ? Files.readAllLines(out) : List.of();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The token values it printed, in order. */
    List<String> tokens() {
      return lines().stream()
          .filter(l -> l.startsWith("TOKEN "))
          .map(l -> l.substring("TOKEN ".length()))
          .collect(Collectors.toList());
    }

    long counter(String name) {
      return lines().stream()
          .filter(l -> l.startsWith(name + " "))
          .mapToLong(l -> Long.parseLong(l.substring(name.length() + 1)))
          .findFirst()
          .orElseThrow(
              () ->
                  new AssertionError(this.name + " printed no " + name + "; stderr: " + stderr()));
    }

    String stderr() {
      try {
        return Files.exists(err) ? Files.readString(err) : "";
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }
  }
}
