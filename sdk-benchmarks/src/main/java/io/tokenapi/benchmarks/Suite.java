package io.tokenapi.benchmarks;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The whole benchmark suite in one command: the JMH benchmarks (cache hit, cold fetch) and the harnesses (stampede,
 * refresh boundary, cold start). Writes the raw JMH output (text and JSON), each harness's log and a summary of
 * ratios to the results directory.
 */
final class Suite {

  private static final List<String> ALL_PARTS = List.of("cachehit", "coldfetch", "stampede", "refresh", "coldstart");

  private final Settings settings;
  private final Path out;
  private final Set<String> parts;

  private Suite(Settings settings, Path out, Set<String> parts) {
    this.settings = settings;
    this.out = out;
    this.parts = parts;
  }

  /** How long each part runs. */
  record Settings(String name, int forks,
      int hitWarmups, int hitWarmupSeconds, int hitIterations, int hitIterationSeconds,
      int fetchWarmups, int fetchWarmupSeconds, int fetchIterations, int fetchIterationSeconds,
      int stampedeTrials, int refreshCrossings, int coldStartWarmups, int coldStartRuns) {

    static final Settings QUICK = new Settings("quick", 1, 5, 1, 5, 1, 10, 1, 5, 2, 3, 10, 2, 10);
    static final Settings FULL = new Settings("full", 3, 5, 2, 10, 2, 20, 1, 10, 2, 10, 50, 3, 40);
  }

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
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (use --out DIR, --only " + String.join(",", ALL_PARTS) + ")");
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
      Collection<RunResult> results = jmh("cache-hit", "\\.CacheHit(OneThread|TwoThreads)\\.",
          settings.hitWarmups(), settings.hitWarmupSeconds(), settings.hitIterations(), settings.hitIterationSeconds());
      summary.cacheHit(results);
    }
    if (parts.contains("coldfetch")) {
      Collection<RunResult> results = jmh("cold-fetch", "\\.ColdFetchBenchmark\\.",
          settings.fetchWarmups(), settings.fetchWarmupSeconds(),
          settings.fetchIterations(), settings.fetchIterationSeconds());
      summary.coldFetch(results);
    }
    if (parts.contains("stampede")) {
      try (PrintStream log = log("stampede")) {
        summary.stampede(new StampedeHarness(Contenders.all(), settings.stampedeTrials()).run(log));
      }
    }
    if (parts.contains("refresh")) {
      try (PrintStream log = log("refresh-boundary")) {
        summary.refreshBoundary(RefreshBoundaryHarness.runAll(settings.refreshCrossings(), log));
      }
    }
    if (parts.contains("coldstart")) {
      try (PrintStream log = log("cold-start")) {
        summary.coldStart(new ColdStartHarness(ColdStartHarness.defaultPrograms(),
            settings.coldStartWarmups(), settings.coldStartRuns()).run(log));
      }
    }

    summary.elapsed(System.nanoTime() - started);
    Path summaryFile = out.resolve("summary-" + settings.name() + ".md");
    Files.writeString(summaryFile, summary.toMarkdown(), StandardCharsets.UTF_8);
    System.out.println();
    System.out.println(summary.toMarkdown());
    System.out.println("Results in " + out.toAbsolutePath());
  }

  private Collection<RunResult> jmh(String part, String include, int warmups, int warmupSeconds, int iterations,
      int iterationSeconds) throws Exception {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(include)
        .forks(settings.forks())
        .warmupIterations(warmups)
        .warmupTime(TimeValue.seconds(warmupSeconds))
        .measurementIterations(iterations)
        .measurementTime(TimeValue.seconds(iterationSeconds))
        .jvmArgsAppend("-Xms512m", "-Xmx512m")
        .addProfiler(GCProfiler.class)
        .resultFormat(ResultFormatType.JSON)
        .result(out.resolve("jmh-" + part + "-" + settings.name() + ".json").toString());
    try (PrintStream log = log("jmh-" + part)) {
      return new Runner(options.build(), OutputFormatFactory.createFormatInstance(log, VerboseMode.NORMAL)).run();
    }
  }

  /** A stream that goes to the console and to {@code results/<name>-<mode>.txt}. */
  private PrintStream log(String name) throws IOException {
    FileOutputStream file = new FileOutputStream(out.resolve(name + "-" + settings.name() + ".txt").toFile());
    return new PrintStream(new Tee(System.out, file), true, StandardCharsets.UTF_8);
  }
}
