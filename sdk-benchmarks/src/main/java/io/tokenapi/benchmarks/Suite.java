package io.tokenapi.benchmarks;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.results.RunResult;

/**
 * The whole benchmark suite in one command: the JMH benchmarks (cache hit, cold fetch) and the
 * harnesses (stampede, refresh boundary, cold start). Writes the raw JMH output (text and JSON),
 * each harness's log and a summary of ratios to the results directory.
 */
final class Suite {

  private static final List<String> ALL_PARTS =
      List.of("cachehit", "coldfetch", "interleaved", "stampede", "refresh", "coldstart");

  private final Settings settings;
  private final Path out;
  private final Set<String> parts;

  private Suite(Settings settings, Path out, Set<String> parts) {
    this.settings = settings;
    this.out = out;
    this.parts = parts;
  }

  /**
   * How long each part runs. JMH parts run in rounds (see {@link JmhRounds}); times in
   * milliseconds.
   */
  record Settings(
      String name,
      int rounds,
      int hitWarmups,
      int hitWarmupMillis,
      int hitIterations,
      int hitIterationMillis,
      int fetchWarmups,
      int fetchWarmupMillis,
      int fetchIterations,
      int fetchIterationMillis,
      long interleavedWarmupMillis,
      int interleavedBlocks,
      int interleavedRequests,
      int stampedeTrials,
      int refreshCrossings,
      int coldStartWarmups,
      int coldStartRuns) {

    // Cold fetch warms up for 10 s: ours takes 2-3 s of requests to reach C2 here (its first
    // iterations run at ~10x its steady time), the hand-written client less.
    static final Settings QUICK =
        new Settings("quick", 2, 3, 500, 3, 500, 10, 1000, 4, 500, 10_000, 20, 200, 3, 10, 1, 8);
    static final Settings FULL =
        new Settings(
            "full", 4, 5, 1000, 5, 1000, 20, 1000, 10, 1000, 30_000, 60, 300, 10, 50, 3, 40);
  }

  private static final String PACKAGE = "io.tokenapi.benchmarks.";
  private static final List<String> HIT_METHODS =
      List.of("floor", "ours", "oursWithMetrics", "googleAuth", "spring", "springPerCall");
  private static final List<String> FETCH_METHODS = List.of("handWritten", "ours");

  static Suite fromArgs(String[] args) {
    Settings settings = args[0].equals("--full") ? Settings.FULL : Settings.QUICK;
    Path out = Path.of("sdk-benchmarks", "results");
    Set<String> parts = new LinkedHashSet<>(ALL_PARTS);
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--only" -> {
          parts = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
          if (!ALL_PARTS.containsAll(parts)) {
            throw new IllegalArgumentException("--only takes a subset of " + ALL_PARTS);
          }
        }
        default ->
            throw new IllegalArgumentException(
                "unknown option "
                    + args[i]
                    + " (use --out DIR, --only "
                    + String.join(",", ALL_PARTS)
                    + ")");
      }
    }
    return new Suite(settings, out, parts);
  }

  void run() throws Exception {
    Files.createDirectories(out);
    Summary summary = new Summary(settings.name());
    summary.environment(Environment.describe(), Instant.now());
    long started = System.nanoTime();

    if (parts.contains("cachehit")) {
      long partStarted = System.nanoTime();
      List<String> benchmarks = new ArrayList<>();
      for (String benchmarkClass : List.of("CacheHitOneThread", "CacheHitTwoThreads")) {
        HIT_METHODS.forEach(method -> benchmarks.add(PACKAGE + benchmarkClass + "." + method));
      }
      summary.cacheHit(
          jmh(
              "cache-hit",
              new JmhRounds(
                  benchmarks,
                  settings.rounds(),
                  settings.hitWarmups(),
                  settings.hitWarmupMillis(),
                  settings.hitIterations(),
                  settings.hitIterationMillis())));
      summary.partTime("cachehit", System.nanoTime() - partStarted);
    }
    if (parts.contains("coldfetch")) {
      long partStarted = System.nanoTime();
      List<String> benchmarks = new ArrayList<>();
      FETCH_METHODS.forEach(method -> benchmarks.add(PACKAGE + "ColdFetchBenchmark." + method));
      summary.coldFetch(
          jmh(
              "cold-fetch",
              new JmhRounds(
                  benchmarks,
                  settings.rounds(),
                  settings.fetchWarmups(),
                  settings.fetchWarmupMillis(),
                  settings.fetchIterations(),
                  settings.fetchIterationMillis())));
      summary.partTime("coldfetch", System.nanoTime() - partStarted);
    }
    if (parts.contains("interleaved")) {
      long partStarted = System.nanoTime();
      try (PrintStream log = log("cold-fetch-interleaved")) {
        summary.interleavedFetch(
            new InterleavedFetchHarness(
                    settings.interleavedWarmupMillis(),
                    settings.interleavedBlocks(),
                    settings.interleavedRequests())
                .run(log));
      }
      summary.partTime("interleaved", System.nanoTime() - partStarted);
    }
    if (parts.contains("stampede")) {
      long partStarted = System.nanoTime();
      try (PrintStream log = log("stampede")) {
        summary.stampede(new StampedeHarness(Contenders.all(), settings.stampedeTrials()).run(log));
      }
      summary.partTime("stampede", System.nanoTime() - partStarted);
    }
    if (parts.contains("refresh")) {
      long partStarted = System.nanoTime();
      try (PrintStream log = log("refresh-boundary")) {
        summary.refreshBoundary(RefreshBoundaryHarness.runAll(settings.refreshCrossings(), log));
      }
      summary.partTime("refresh", System.nanoTime() - partStarted);
    }
    if (parts.contains("coldstart")) {
      long partStarted = System.nanoTime();
      try (PrintStream log = log("cold-start")) {
        summary.coldStart(
            new ColdStartHarness(
                    ColdStartHarness.defaultPrograms(),
                    settings.coldStartWarmups(),
                    settings.coldStartRuns())
                .run(log));
      }
      summary.partTime("coldstart", System.nanoTime() - partStarted);
    }

    summary.elapsed(System.nanoTime() - started);
    Path summaryFile = out.resolve("summary-" + settings.name() + ".md");
    Files.writeString(summaryFile, summary.toMarkdown(), StandardCharsets.UTF_8);
    System.out.println();
    System.out.println(summary.toMarkdown());
    System.out.println("Results in " + out.toAbsolutePath());
  }

  private Map<String, List<RunResult>> jmh(String part, JmhRounds rounds) throws Exception {
    try (PrintStream log = log("jmh-" + part)) {
      return rounds.run(log, out.resolve("jmh-" + part + "-" + settings.name() + ".json"));
    }
  }

  /** A stream that goes to the console and to {@code results/<name>-<mode>.txt}. */
  private PrintStream log(String name) throws IOException {
    FileOutputStream file =
        new FileOutputStream(out.resolve(name + "-" + settings.name() + ".txt").toFile());
    return new PrintStream(new Tee(System.out, file), true, StandardCharsets.UTF_8);
  }
}
