package io.tokenapi.sdk.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.TokenStore;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file and JDBC stores across real process boundaries ({@link StoreWorker} JVMs): a token
 * survives a restart during closed hours, and a writer killed with SIGKILL never leaves a file or
 * row that a reader takes as a token. Here because this module's test class path has both stores
 * and the PostgreSQL server.
 */
class StoreProcessesTest {
  private static final int CRASH_ROUNDS = 10;

  private final FakeTokenServer tokens = new FakeTokenServer();
  @TempDir Path dir;

  @BeforeEach
  void startTokenServer() {
    tokens.start();
  }

  @AfterEach
  void stopTokenServer() {
    tokens.close();
  }

  @Test
  void fileStore_restartDuringClosedHours_servesTheStoredTokenWithoutARequest() throws Exception {
    restartDuringClosedHours(Map.of("store", "file", "dir", dir.resolve("tokens").toString()));
  }

  @Test
  void postgresStore_restartDuringClosedHours_servesTheStoredTokenWithoutARequest()
      throws Exception {
    Databases.execute(Databases.postgres(), "DELETE FROM tokenapi_token_store");
    restartDuringClosedHours(
        Map.of("store", "postgres", "port", String.valueOf(Databases.postgresPort())));
  }

  @Test
  void fileStore_writerKilledMidWrite_neverLeavesAFileReadAsAToken() throws Exception {
    Map<String, String> store = Map.of("store", "file", "dir", dir.resolve("tokens").toString());
    crashWhileWriting(store);
    try (Stream<Path> files = Files.list(dir.resolve("tokens"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
      long temps = names.stream().filter(n -> n.endsWith(".tmp")).count();
      System.out.printf(
          "file store crash: %d temporary files left by killed writers (deleted by the next"
              + " build() once ten minutes old), %d other files%n",
          temps, names.size() - temps);
    }
  }

  @Test
  void postgresStore_writerKilledMidWrite_neverLeavesARowReadAsAToken() throws Exception {
    Databases.execute(Databases.postgres(), "DELETE FROM tokenapi_token_store");
    crashWhileWriting(
        Map.of("store", "postgres", "port", String.valueOf(Databases.postgresPort())));
  }

  private void restartDuringClosedHours(Map<String, String> store) throws Exception {
    String first = runClient(store, "first", 30_000);
    assertThat(first).as(stderr("first")).startsWith("TOKEN ");
    assertThat(tokens.requestCount()).isEqualTo(1);

    // Night: the provider answers 503 with Retry-After to every request from now on.
    tokens.closedWhen(now -> true, now -> now.plus(Duration.ofHours(10)));
    long started = System.nanoTime();
    String second = runClient(store, "restarted", 2_000);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    System.out.printf(
        "restart (%s store) during closed hours: new JVM served %s, %d token request(s) in total,"
            + " %d ms from launch to exit%n",
        store.get("store"),
        second.equals(first) ? "the stored token" : "something else",
        tokens.requestCount(),
        millis);

    assertThat(second).as(stderr("restarted")).isEqualTo(first);
    assertThat(tokens.requestCount()).as("token requests").isEqualTo(1);
  }

  private String runClient(Map<String, String> store, String name, long maxWaitMillis)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "mode=client", "baseUrl=" + tokens.baseUrl(), "maxWaitMillis=" + maxWaitMillis));
    store.forEach((k, v) -> args.add(k + "=" + v));
    Process process = start(name, args);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s exited", name).isTrue();
    List<String> out = Files.readAllLines(dir.resolve(name + ".out"));
    assertThat(process.exitValue()).as("%s: %s", name, stderr(name)).isZero();
    return out.stream()
        .filter(l -> l.startsWith("TOKEN ") || l.startsWith("FAILED "))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " printed nothing: " + stderr(name)));
  }

  private void crashWhileWriting(Map<String, String> options) throws Exception {
    Random random = new Random(42);
    TokenStore reader = StoreWorker.store(options);
    List<String> args = new ArrayList<>(List.of("mode=writer"));
    options.forEach((k, v) -> args.add(k + "=" + v));
    int readable = 0;
    long newest = 0;
    long started = System.nanoTime();
    for (int round = 1; round <= CRASH_ROUNDS; round++) {
      String name = "writer-" + round;
      Process writer = start(name, args);
      awaitReady(writer, name);
      Thread.sleep(50 + random.nextInt(250)); // killed at a random point of its save loop
      writer.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
      assertThat(writer.waitFor(10, TimeUnit.SECONDS)).isTrue();

      AccessToken token = reader.load(StoreWorker.CRASH_KEY).orElseThrow();
      String value = token.value();
      long n = Long.parseLong(value.substring("crash-".length(), value.indexOf('-', 6)));
      assertThat(value).as("round %d", round).isEqualTo(StoreWorker.crashValue(n));
      readable++;
      newest = Math.max(newest, n);
    }
    System.out.printf(
        "%s store crash: %d writers killed with SIGKILL mid-loop; every read after a kill was a"
            + " whole token (%d/%d), the last writer had saved %d tokens; %d ms%n",
        options.get("store"),
        CRASH_ROUNDS,
        readable,
        CRASH_ROUNDS,
        newest,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  private void awaitReady(Process process, String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Path out = dir.resolve(name + ".out");
    while (!(Files.exists(out) && Files.readAllLines(out).contains("READY"))) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        process.destroyForcibly();
        throw new AssertionError(name + " did not get ready: " + stderr(name));
      }
      Thread.sleep(10);
    }
  }

  private Process start(String name, List<String> args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx128m",
                "-cp",
                testClassPath(),
                StoreWorker.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command)
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(dir.resolve(name + ".err").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
  }

  private String stderr(String name) {
    try {
      Path err = dir.resolve(name + ".err");
      return Files.exists(err) ? Files.readString(err) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static String testClassPath() {
    String classPath = System.getProperty("java.class.path");
    if (!classPath.contains("test-classes")) {
      throw new IllegalStateException("java.class.path is not the test class path: " + classPath);
    }
    return classPath;
  }
}
