package io.tokenapi.benchmarks;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.profile.LinuxPerfNormProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs a group of JMH benchmarks in rounds: every round runs each benchmark once in its own fork,
 * in forward order on even rounds and reverse order on odd ones.
 *
 * <p>Why: this machine is shared with other agents whose builds come and go on a scale of seconds.
 * Run one after the other, as JMH does, a benchmark and its baseline can see very different load;
 * in alternating rounds each round yields its own ratio and the median of those ratios holds up.
 * Where {@code perf} works, each fork also records the process's CPU time per operation ({@link
 * PerfTaskClock}), which leaves out the time the benchmark thread spent descheduled. JMH's own
 * output for every fork goes to the log, and all results to one JSON file.
 */
final class JmhRounds {

  private final List<String> benchmarks;
  private final int rounds;
  private final int warmups;
  private final int warmupMillis;
  private final int iterations;
  private final int iterationMillis;
  private final boolean cpuTime;

  JmhRounds(
      List<String> benchmarks,
      int rounds,
      int warmups,
      int warmupMillis,
      int iterations,
      int iterationMillis) {
    this.benchmarks = benchmarks;
    this.rounds = rounds;
    this.warmups = warmups;
    this.warmupMillis = warmupMillis;
    this.iterations = iterations;
    this.iterationMillis = iterationMillis;
    this.cpuTime = PerfTaskClock.available();
  }

  /**
   * Spring's authorize() path is deep: on this loaded machine its warm-up iterations are still
   * falling after two seconds while C2 works through it, so it gets four times the warm-up of the
   * others.
   */
  private int warmupsFor(String benchmark) {
    return benchmark.endsWith(".spring") || benchmark.endsWith(".springPerCall")
        ? warmups * 4
        : warmups;
  }

  /** Benchmark name to its result in each round, in round order. */
  Map<String, List<RunResult>> run(PrintStream log, Path json) throws Exception {
    Map<String, List<RunResult>> results = new LinkedHashMap<>();
    for (String benchmark : benchmarks) {
      results.put(benchmark, new ArrayList<>());
    }
    List<RunResult> all = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      List<String> order = new ArrayList<>(benchmarks);
      if (round % 2 == 1) {
        Collections.reverse(order);
      }
      for (String benchmark : order) {
        log.printf("%n# Round %d of %d: %s%n", round + 1, rounds, benchmark);
        ChainedOptionsBuilder options =
            new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark) + "$")
                .forks(1)
                .warmupIterations(warmupsFor(benchmark))
                .warmupTime(TimeValue.milliseconds(warmupMillis))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.milliseconds(iterationMillis))
                .jvmArgsAppend("-Xms512m", "-Xmx512m")
                .addProfiler(GCProfiler.class);
        if (cpuTime) {
          options.addProfiler(LinuxPerfNormProfiler.class, "events=" + PerfTaskClock.EVENT);
        }
        RunResult result =
            new Runner(
                    options.build(),
                    OutputFormatFactory.createFormatInstance(log, VerboseMode.NORMAL))
                .runSingle();
        results.get(benchmark).add(result);
        all.add(result);
      }
    }
    try (PrintStream out = new PrintStream(json.toFile(), StandardCharsets.UTF_8)) {
      ResultFormatFactory.getInstance(ResultFormatType.JSON, out).writeOut(all);
    }
    return results;
  }
}
