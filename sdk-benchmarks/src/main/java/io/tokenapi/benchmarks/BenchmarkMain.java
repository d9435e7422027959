package io.tokenapi.benchmarks;

/**
 * Entry point of {@code benchmarks.jar}.
 *
 * <pre>
 * java -jar sdk-benchmarks/target/benchmarks.jar --quick   # whole suite, about 5 minutes
 * java -jar sdk-benchmarks/target/benchmarks.jar --full    # whole suite, more forks and iterations
 * java -jar sdk-benchmarks/target/benchmarks.jar CacheHit -prof gc   # anything else: plain JMH command line
 * </pre>
 *
 * <p>Suite options: {@code --out DIR} (default {@code sdk-benchmarks/results}), {@code --only
 * cachehit,coldfetch,interleaved,stampede,refresh,coldstart}.
 */
public final class BenchmarkMain {

  private BenchmarkMain() {}

  /**
   * Runs the suite for {@code --quick}/{@code --full}, otherwise hands the arguments to JMH.
   *
   * @param args command line
   * @throws Exception if a benchmark fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && (args[0].equals("--quick") || args[0].equals("--full"))) {
      Suite.fromArgs(args).run();
    } else {
      org.openjdk.jmh.Main.main(args);
    }
  }
}
