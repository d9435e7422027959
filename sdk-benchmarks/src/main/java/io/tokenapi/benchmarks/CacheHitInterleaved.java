package io.tokenapi.benchmarks;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.FakeTokenServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.util.Arrays;

/**
 * Diagnostic (not in the suite): the cache hit beside the floor in one JVM, in alternating blocks,
 * timed by the thread's own CPU time. Separate JMH forks see different load and different JIT
 * decisions; here both loops run side by side for the whole run, and descheduled time is left out,
 * so a difference of a nanosecond shows even on the shared machine.
 *
 * <pre>
 * java -cp sdk-benchmarks/target/benchmarks.jar io.tokenapi.benchmarks.CacheHitInterleaved [blocks] [calls]
 * </pre>
 */
final class CacheHitInterleaved {
  private static volatile Object sink;

  private CacheHitInterleaved() {}

  /**
   * Runs the comparison and prints medians per call and of the per-block ratio.
   *
   * @param args blocks (default 100) and calls per block (default 2,000,000)
   * @throws Exception if the loopback server fails
   */
  public static void main(String[] args) throws Exception {
    int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (FakeTokenServer server = Contenders.tokenServer(3600)) {
      HandWrittenTokenClient.Token token = Contenders.handWritten(server).fetch();
      FloorCache<HandWrittenTokenClient.Token> floor =
          new FloorCache<>(Clock.systemUTC(), token, token.expiresAt().toEpochMilli() - 60_000);
      try (OAuthClient client = Contenders.ourClient(server).build()) {
        client.getToken();
        for (int i = 0; i < 20; i++) {
          sink = floor(floor, calls);
          sink = ours(client, calls);
        }
        double[] floorNanos = new double[blocks];
        double[] oursNanos = new double[blocks];
        double[] ratios = new double[blocks];
        for (int b = 0; b < blocks; b++) {
          for (int k = 0; k < 2; k++) {
            boolean isFloor = (k == 0) == (b % 2 == 0);
            long start = threads.getCurrentThreadCpuTime();
            sink = isFloor ? floor(floor, calls) : ours(client, calls);
            double nanos = (threads.getCurrentThreadCpuTime() - start) / (double) calls;
            if (isFloor) {
              floorNanos[b] = nanos;
            } else {
              oursNanos[b] = nanos;
            }
          }
          ratios[b] = oursNanos[b] / floorNanos[b];
        }
        System.out.printf(
            "JDK %s, %d blocks of %d calls, CPU ns per call (median): floor %.2f, getToken() %.2f;"
                + " getToken() / floor per block: median %.3f (quartiles %.3f-%.3f)%n",
            Runtime.version(),
            blocks,
            calls,
            quantile(floorNanos, 0.5),
            quantile(oursNanos, 0.5),
            quantile(ratios, 0.5),
            quantile(ratios, 0.25),
            quantile(ratios, 0.75));
      }
    }
  }

  private static Object floor(FloorCache<HandWrittenTokenClient.Token> cache, int calls) {
    Object last = null;
    for (int i = 0; i < calls; i++) {
      last = cache.get();
    }
    return last;
  }

  private static Object ours(OAuthClient client, int calls) {
    Object last = null;
    for (int i = 0; i < calls; i++) {
      last = client.getToken();
    }
    return last;
  }

  private static double quantile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
  }
}
