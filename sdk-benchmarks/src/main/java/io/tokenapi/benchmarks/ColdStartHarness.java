package io.tokenapi.benchmarks;

import io.tokenapi.testkit.FakeTokenServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 6: wall time from spawning {@code java -cp <this jar> <program> <url>} to the program
 * printing its first token, for each program, over repeated whole-process runs against one loopback
 * server started here.
 *
 * <p>Runs alternate between the programs so drift from other load on the machine hits both alike,
 * and a few discarded runs first warm the OS page cache for the jar. Both programs run from the
 * same (shaded) jar, so the cost of opening it is the same for both.
 */
final class ColdStartHarness {

  private static final long RUN_TIMEOUT_SECONDS = 60;

  private final Map<String, String> programs;
  private final int warmupRuns;
  private final int runs;

  ColdStartHarness(Map<String, String> programs, int warmupRuns, int runs) {
    this.programs = programs;
    this.warmupRuns = warmupRuns;
    this.runs = runs;
  }

  /** The programs compared, name to main class, in report order. */
  static Map<String, String> defaultPrograms() {
    Map<String, String> programs = new LinkedHashMap<>();
    programs.put("hand-written OkHttp + Jackson", ColdStartHandWritten.class.getName());
    programs.put("ours: OAuthClient quickstart", ColdStartOurs.class.getName());
    return programs;
  }

  /** Milliseconds to first token for one program. */
  record Row(String program, Percentiles millis) {}

  List<Row> run(PrintStream log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    List<String> names = new ArrayList<>(programs.keySet());
    long[][] samples = new long[names.size()][runs];
    try (FakeTokenServer server = Contenders.tokenServer(3600)) {
      for (int round = 0; round < warmupRuns + runs; round++) {
        for (int k = 0; k < names.size(); k++) {
          // Alternate which program goes first in each round.
          int index = (round % 2 == 0) ? k : names.size() - 1 - k;
          long micros = runOnce(java, classpath, programs.get(names.get(index)), server.baseUrl());
          if (round >= warmupRuns) {
            samples[index][round - warmupRuns] = micros;
          }
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < names.size(); k++) {
      Percentiles millis = new Percentiles(toMillis(samples[k]), runs);
      log.printf(
          "cold start  %-32s runs %d  median %d ms  p90 %d ms  min %d ms  max %d ms%n",
          names.get(k), runs, millis.at(50), millis.at(90), millis.min(), millis.max());
      rows.add(new Row(names.get(k), millis));
    }
    return rows;
  }

  private static long[] toMillis(long[] micros) {
    long[] millis = new long[micros.length];
    for (int i = 0; i < micros.length; i++) {
      millis[i] = Math.round(micros[i] / 1000.0);
    }
    return millis;
  }

  /** Spawns the program and returns microseconds until it prints its token line. */
  private static long runOnce(String java, String classpath, String mainClass, String baseUrl)
      throws IOException, InterruptedException {
    File stderr = Files.createTempFile("cold-start", ".err").toFile();
    try {
      ProcessBuilder builder =
          new ProcessBuilder(java, "-cp", classpath, mainClass, baseUrl).redirectError(stderr);
      long started = System.nanoTime();
      Process process = builder.start();
      String line;
      try (BufferedReader stdout =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        line = stdout.readLine();
        long elapsed = System.nanoTime() - started;
        if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(mainClass + " did not exit");
        }
        if (line == null || !line.startsWith("TOKEN ")) {
          throw new IllegalStateException(
              mainClass
                  + " printed no token (exit "
                  + process.exitValue()
                  + "): "
                  + Files.readString(stderr.toPath(), StandardCharsets.UTF_8));
        }
        return TimeUnit.NANOSECONDS.toMicros(elapsed);
      }
    } finally {
      Files.deleteIfExists(stderr.toPath());
    }
  }
}
