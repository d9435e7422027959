package io.tokenapi.sdk.jdbc;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measurement, not a test (skipped unless {@code -Dcoldread.runs=N}): the cost of a restarted
 * service's first store read, file vs JDBC on PostgreSQL vs Redis, each in a fresh JVM ({@link
 * StoreWorker} {@code mode=coldread}), runs interleaved so other load on the machine hits all
 * alike. Reports medians of: building the store, the first load (class loading, connection,
 * decryption), a warm load, and launch-to-exit wall time. Figures in BENCHMARKS.md.
 */
class StoreColdReadBenchmarkTest {
  @TempDir Path dir;

  @Test
  void coldRead_fileVsPostgresVsRedis() throws Exception {
    int runs = Integer.getInteger("coldread.runs", 0);
    assumeThat(runs).as("-Dcoldread.runs=N").isPositive();
    Process redis = startRedis();
    try {
      Map<String, Map<String, String>> stores = new LinkedHashMap<>();
      stores.put("file", Map.of("store", "file", "dir", dir.resolve("tokens").toString()));
      stores.put(
          "jdbc-postgresql",
          Map.of("store", "postgres", "port", String.valueOf(Databases.postgresPort())));
      stores.put("redis", Map.of("store", "redis", "port", String.valueOf(redisPort)));
      Map<String, List<long[]>> results = new LinkedHashMap<>();
      for (String name : stores.keySet()) {
        run(name, stores.get(name), true); // seeds the token, warms the page cache
        results.put(name, new ArrayList<>());
      }
      for (int i = 0; i < runs; i++) {
        for (String name : stores.keySet()) {
          results.get(name).add(run(name, stores.get(name), false));
        }
      }
      System.out.printf(
          "cold store read, %d fresh JVMs per store, medians (µs):%n"
              + "| store | build() | first load() | warm load() | build + first load | JVM launch to exit (ms) |%n"
              + "|---|---:|---:|---:|---:|---:|%n",
          runs);
      for (Map.Entry<String, List<long[]>> e : results.entrySet()) {
        long build = median(e.getValue(), 0);
        long first = median(e.getValue(), 1);
        System.out.printf(
            "| %s | %d | %d | %d | %d | %d |%n",
            e.getKey(),
            build,
            first,
            median(e.getValue(), 2),
            median(e.getValue(), 4),
            median(e.getValue(), 3));
      }
    } finally {
      redis.destroy();
      redis.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private int redisPort;

  private Process startRedis() throws Exception {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      redisPort = probe.getLocalPort();
    }
    Process redis =
        new ProcessBuilder(
                "redis-server",
                "--port",
                String.valueOf(redisPort),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), redisPort), 200);
        return redis;
      } catch (IOException e) {
        Thread.sleep(20);
      }
    }
    redis.destroyForcibly();
    throw new IllegalStateException("redis-server did not start");
  }

  /** build µs, first load µs, warm load µs, launch-to-exit ms, build + first load µs. */
  private long[] run(String name, Map<String, String> store, boolean seed) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                StoreWorker.class.getName(),
                "mode=coldread",
                "seed=" + seed));
    store.forEach((k, v) -> command.add(k + "=" + v));
    Path out = dir.resolve(name + ".out");
    long started = System.nanoTime();
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(dir.resolve(name + ".err").toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError(name + ": " + Files.readString(dir.resolve(name + ".err")));
    }
    long wallMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    String line =
        Files.readAllLines(out).stream()
            .filter(l -> l.startsWith("COLD "))
            .findFirst()
            .orElseThrow();
    long[] parts = Arrays.stream(line.substring(5).split(" ")).mapToLong(Long::parseLong).toArray();
    return new long[] {parts[0], parts[1], parts[2], wallMillis, parts[0] + parts[1]};
  }

  private static long median(List<long[]> rows, int column) {
    long[] values = rows.stream().mapToLong(r -> r[column]).sorted().toArray();
    return values[values.length / 2];
  }
}
