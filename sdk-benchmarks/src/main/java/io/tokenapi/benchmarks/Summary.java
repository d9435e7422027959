package io.tokenapi.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;

/**
 * Turns one suite run into Markdown tables of ratios against the floor / baseline measured in the same run.
 * Ratios and targets use the median iteration (see {@link #score}); JMH's mean and error are shown beside it.
 */
final class Summary {

  private static final Map<String, String> HIT_NAMES = new LinkedHashMap<>();
  private static final Map<String, String> FETCH_NAMES = new LinkedHashMap<>();

  static {
    HIT_NAMES.put("floor", "floor: volatile read + clock read + compare");
    HIT_NAMES.put("ours", "ours: `OAuthClient.getToken()`");
    HIT_NAMES.put("googleAuth", "google-auth: `OAuth2Credentials.getRequestMetadata(URI)`");
    HIT_NAMES.put("spring", "Spring Security: `authorize(...)`");
    FETCH_NAMES.put("handWritten", "hand-written OkHttp + Jackson");
    FETCH_NAMES.put("ours", "ours: `OAuthClient.refresh()`");
  }

  private final String mode;
  private final StringBuilder markdown = new StringBuilder();

  Summary(String mode) {
    this.mode = mode;
  }

  void environment(String description, Instant when) {
    markdown.append("# Benchmark summary (").append(mode).append(" mode, ").append(when).append(")\n\n")
        .append(description).append('\n');
  }

  void cacheHit(Collection<RunResult> results) {
    for (String benchmarkClass : List.of("CacheHitOneThread", "CacheHitTwoThreads")) {
      Map<String, RunResult> byMethod = byMethod(results, benchmarkClass);
      if (byMethod.isEmpty()) {
        continue;
      }
      markdown.append("## Cache hit, ").append(benchmarkClass.endsWith("OneThread") ? "1 thread" : "2 threads")
          .append("\n\n| contender | ns/op (mean) | ± (99.9%) | ns/op (median iteration) | B/op | × floor |\n")
          .append("|---|---:|---:|---:|---:|---:|\n");
      double floor = score(byMethod.get("floor"));
      for (Map.Entry<String, String> name : HIT_NAMES.entrySet()) {
        RunResult result = byMethod.get(name.getKey());
        if (result != null) {
          markdown.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %s | %.2f |%n", name.getValue(),
              mean(result), error(result), score(result), bytesPerOp(result), score(result) / floor));
        }
      }
      RunResult ours = byMethod.get("ours");
      if (ours != null) {
        double google = score(byMethod.get("googleAuth"));
        double spring = score(byMethod.get("spring"));
        markdown.append('\n')
            .append(target("ours within 1.10x of the floor", score(ours) / floor, score(ours) / floor <= 1.10))
            .append(target("ours allocates 0 B/op", allocation(ours).orElse(Double.NaN),
                allocation(ours).orElse(1.0) < 0.5))
            .append(target("ours faster than google-auth (google-auth / ours)", google / score(ours),
                score(ours) < google))
            .append(target("ours at least 5x faster than Spring (Spring / ours)", spring / score(ours),
                spring / score(ours) >= 5));
      }
      markdown.append('\n');
    }
  }

  void coldFetch(Collection<RunResult> results) {
    Map<String, RunResult> byMethod = byMethod(results, "ColdFetchBenchmark");
    if (byMethod.isEmpty()) {
      return;
    }
    markdown.append("## Cold fetch: one token request end to end (loopback)\n\n")
        .append("| contender | µs/op (mean) | ± (99.9%) | µs/op (median iteration) | B/op | × hand-written |\n")
        .append("|---|---:|---:|---:|---:|---:|\n");
    double baseline = score(byMethod.get("handWritten"));
    for (Map.Entry<String, String> name : FETCH_NAMES.entrySet()) {
      RunResult result = byMethod.get(name.getKey());
      if (result != null) {
        markdown.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %s | %.2f |%n", name.getValue(),
            mean(result), error(result), score(result), bytesPerOp(result), score(result) / baseline));
      }
    }
    RunResult ours = byMethod.get("ours");
    if (ours != null) {
      markdown.append('\n').append(target("ours / hand-written <= 1.10", score(ours) / baseline,
          score(ours) / baseline <= 1.10));
    }
    markdown.append('\n');
  }

  void stampede(List<StampedeHarness.Row> rows) {
    markdown.append("## Stampede: token requests seen by the server (min-max over trials; server answers after ")
        .append(StampedeHarness.SERVER_DELAY.toMillis()).append(" ms)\n\n")
        .append("| contender | N | token requests | failed callers | slowest trial |\n|---|---:|---:|---:|---:|\n");
    for (StampedeHarness.Row row : rows) {
      String requests = row.minRequests() == row.maxRequests()
          ? String.valueOf(row.minRequests()) : row.minRequests() + "-" + row.maxRequests();
      markdown.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %d ms |%n",
          row.contender(), row.callers(), requests, row.failures(), row.slowestTrialMillis()));
    }
    markdown.append('\n');
  }

  void refreshBoundary(List<RefreshBoundaryHarness.Row> rows) {
    markdown.append("## Refresh boundary: `getToken()` latency while the token turns stale (server answers after ")
        .append(RefreshBoundaryHarness.SERVER_DELAY.toMillis()).append(" ms)\n\n")
        .append("| contender | callers | calls | crossings | refreshes | p50 µs | p99 µs | p99.9 µs | max µs |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (RefreshBoundaryHarness.Row row : rows) {
      LatencyHistogram nanos = row.nanos();
      markdown.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.1f | %.1f | %.1f | %.1f |%n",
          row.contender(), row.callers(), nanos.count(), row.crossings(), row.tokenRequests(),
          nanos.percentile(50) / 1e3, nanos.percentile(99) / 1e3, nanos.percentile(99.9) / 1e3,
          nanos.max() / 1e3));
    }
    for (RefreshBoundaryHarness.Row row : rows) {
      if (row.contender().startsWith("ours")) {
        double p999Millis = row.nanos().percentile(99.9) / 1e6;
        markdown.append('\n').append(target("no caller waits for the network: p99.9 < 1 ms (ms)", p999Millis,
            p999Millis < 1.0));
      }
    }
    markdown.append('\n');
  }

  void coldStart(List<ColdStartHarness.Row> rows) {
    markdown.append("## Cold start: JVM start to first token (whole-process runs)\n\n")
        .append("| program | runs | median ms | p90 ms | min ms | max ms | × hand-written (median) |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|\n");
    double baseline = rows.get(0).millis().at(50);
    for (ColdStartHarness.Row row : rows) {
      Percentiles millis = row.millis();
      markdown.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %.2f |%n", row.program(),
          millis.count(), millis.at(50), millis.at(90), millis.min(), millis.max(), millis.at(50) / baseline));
    }
    for (ColdStartHarness.Row row : rows.subList(1, rows.size())) {
      double ratio = row.millis().at(50) / baseline;
      markdown.append('\n').append(target(row.program() + " / hand-written <= 1.3", ratio, ratio <= 1.3));
    }
    markdown.append('\n');
  }

  void elapsed(long nanos) {
    markdown.append("Suite wall time: ").append(TimeUnit.NANOSECONDS.toSeconds(nanos)).append(" s\n");
  }

  String toMarkdown() {
    return markdown.toString();
  }

  private static String target(String what, double value, boolean met) {
    return String.format(Locale.ROOT, "- target: %s: %.2f, %s%n", what, value, met ? "**met**" : "**MISSED**");
  }

  private static Map<String, RunResult> byMethod(Collection<RunResult> results, String benchmarkClass) {
    Map<String, RunResult> byMethod = new LinkedHashMap<>();
    for (RunResult result : results) {
      String benchmark = result.getParams().getBenchmark();
      String prefix = "io.tokenapi.benchmarks." + benchmarkClass + ".";
      if (benchmark.startsWith(prefix)) {
        byMethod.put(benchmark.substring(prefix.length()), result);
      }
    }
    return byMethod;
  }

  /**
   * The median of all measurement iterations (all forks). On this shared machine other agents' builds come and go
   * during a run; the median iteration resists those bursts better than the mean, so ratios use it.
   */
  private static double score(RunResult result) {
    if (result == null) {
      return Double.NaN;
    }
    List<Double> iterations = new ArrayList<>();
    for (BenchmarkResult fork : result.getBenchmarkResults()) {
      for (IterationResult iteration : fork.getIterationResults()) {
        iterations.add(iteration.getPrimaryResult().getScore());
      }
    }
    Collections.sort(iterations);
    int n = iterations.size();
    return n % 2 == 1 ? iterations.get(n / 2) : (iterations.get(n / 2 - 1) + iterations.get(n / 2)) / 2;
  }

  /** JMH's own score: the mean over all measurement iterations. */
  private static double mean(RunResult result) {
    return result.getPrimaryResult().getScore();
  }

  private static double error(RunResult result) {
    return result.getPrimaryResult().getScoreError();
  }

  private static Optional<Double> allocation(RunResult result) {
    // JMH declares the map with a raw Result type; going through the keys keeps the raw type out of our code.
    for (String key : result.getSecondaryResults().keySet()) {
      if (key.endsWith("gc.alloc.rate.norm")) {
        return Optional.of(result.getSecondaryResults().get(key).getScore());
      }
    }
    return Optional.empty();
  }

  private static String bytesPerOp(RunResult result) {
    return allocation(result).map(bytes -> String.format(Locale.ROOT, "%.1f", bytes)).orElse("n/a");
  }
}
