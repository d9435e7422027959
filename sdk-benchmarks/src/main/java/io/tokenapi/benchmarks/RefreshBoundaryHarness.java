package io.tokenapi.benchmarks;

import io.tokenapi.testkit.FakeTokenServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 5: callers call the cache in a tight loop while the token crosses into its stale window
 * and the token server takes {@link #SERVER_DELAY} to answer the refresh. Every call's latency is
 * recorded.
 *
 * <p>Callers only run (and record) around each crossing: from {@link #MARGIN} before the token
 * turns stale until {@code MARGIN} after the refreshed token is visible, so every recorded call is
 * a boundary call. The rest of the time they sleep, which keeps the shared machine free and the
 * sample about the boundary rather than about hits.
 */
final class RefreshBoundaryHarness {

  static final Duration SERVER_DELAY = Duration.ofMillis(200);
  static final int CALLERS = 2;
  private static final Duration MARGIN = Duration.ofMillis(20);
  private static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(5);

  /** A cache under test, and how to push its token into the stale window. */
  interface Contender extends AutoCloseable {
    /** The call whose latency is measured. */
    Object getToken() throws Exception;

    /**
     * The token now in the cache, without triggering anything; compared by identity to see a
     * refresh land.
     */
    Object cachedToken() throws Exception;

    /** Returns when the token is {@link #MARGIN} away from turning stale. */
    void approachStale(Duration margin) throws InterruptedException;

    /** Makes the token stale now (no-op where real time does it). */
    void crossIntoStale();

    @Override
    default void close() {}
  }

  /** Creates a contender with a warm cache against a server. */
  @FunctionalInterface
  interface Factory {
    Contender create(FakeTokenServer server) throws Exception;
  }

  /**
   * One contender's result. {@code tokenRequests} counts the first fetch too: one refresh per
   * crossing means {@code crossings + 1}.
   */
  record Row(
      String contender, int callers, int crossings, int tokenRequests, LatencyHistogram nanos) {
    int extraRequests() {
      return tokenRequests - crossings - 1;
    }
  }

  static List<Row> runAll(int crossings, PrintStream log) throws Exception {
    List<Row> rows = new ArrayList<>();
    rows.add(
        run(
            "control: floor cache, same loop (scheduler noise)",
            OursBoundary.TOKEN_LIFETIME_SECONDS,
            server -> new ControlBoundary(),
            crossings,
            log));
    rows.add(
        run(
            "ours (stale window 5 min, clock jumped into it)",
            OursBoundary.TOKEN_LIFETIME_SECONDS,
            OursBoundary::new,
            crossings,
            log));
    rows.add(
        run(
            "google-auth (real time, stale 2 s before a 3 s expiry)",
            GoogleAuthBoundary.TOKEN_LIFETIME_SECONDS,
            GoogleAuthBoundary::new,
            crossings,
            log));
    return rows;
  }

  static Row run(
      String name, long tokenLifetimeSeconds, Factory factory, int crossings, PrintStream log)
      throws Exception {
    try (FakeTokenServer server =
            Contenders.tokenServer(tokenLifetimeSeconds).delayAnswers(SERVER_DELAY);
        Contender contender = factory.create(server)) {
      Callers callers = new Callers(contender);
      callers.start();
      int refreshed = 0;
      for (int i = 0; i < crossings; i++) {
        Object before = contender.cachedToken();
        contender.approachStale(MARGIN);
        callers.active = true;
        TimeUnit.NANOSECONDS.sleep(MARGIN.toNanos());
        callers.crossedAtNanos = System.nanoTime();
        contender.crossIntoStale();
        long deadline = System.nanoTime() + REFRESH_TIMEOUT.toNanos();
        while (contender.cachedToken() == before && System.nanoTime() < deadline) {
          TimeUnit.MILLISECONDS.sleep(1);
        }
        if (contender.cachedToken() != before) {
          refreshed++;
        } else {
          log.printf(
              "refresh boundary  %s: crossing %d: no refreshed token after %d s (%d token requests so far);"
                  + " threads:%n%s",
              name, i + 1, REFRESH_TIMEOUT.toSeconds(), server.requestCount(), threadDump());
        }
        TimeUnit.NANOSECONDS.sleep(MARGIN.toNanos());
        callers.active = false;
        settle(server);
      }
      LatencyHistogram nanos = callers.stop();
      Row row = new Row(name, CALLERS, refreshed, server.requestCount(), nanos);
      log.printf(
          "refresh boundary  %s: %d crossings (%d refreshed), %d token requests, %d calls,"
              + " p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs, max %.1f µs, failures %d%n",
          name,
          crossings,
          refreshed,
          row.tokenRequests(),
          nanos.count(),
          nanos.percentile(50) / 1e3,
          nanos.percentile(99) / 1e3,
          nanos.percentile(99.9) / 1e3,
          nanos.max() / 1e3,
          callers.failures());
      log.printf("  slowest calls: %s%n", callers.slowest());
      return row;
    }
  }

  /**
   * Waits until no token request has arrived for longer than the server takes to answer one, so a
   * second refresh started at the end of a crossing lands before the next crossing computes its
   * clock jump from the cached token (otherwise it would land after the jump, with an expiry
   * computed from the old clock).
   */
  private static void settle(FakeTokenServer server) throws InterruptedException {
    int seen;
    do {
      seen = server.requestCount();
      TimeUnit.NANOSECONDS.sleep(SERVER_DELAY.toNanos() + MARGIN.toNanos() * 5);
    } while (server.requestCount() != seen);
  }

  /**
   * Stacks of the threads that take part in a refresh, for a crossing whose refresh never landed.
   */
  private static String threadDump() {
    StringBuilder dump = new StringBuilder();
    for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
      String thread = entry.getKey().getName();
      if (thread.startsWith("tokenapi")
          || thread.startsWith("OkHttp")
          || thread.startsWith("boundary-caller")
          || thread.startsWith("MockWebServer")) {
        dump.append("  \"")
            .append(thread)
            .append("\" ")
            .append(entry.getKey().getState())
            .append('\n');
        for (StackTraceElement frame : entry.getValue()) {
          dump.append("      at ").append(frame).append('\n');
        }
      }
    }
    return dump.toString();
  }

  /** The calling threads: loop on getToken() while active, sleep otherwise. */
  private static final class Callers {
    private final Contender contender;
    private final List<Thread> threads = new ArrayList<>();
    private final List<LatencyHistogram> histograms = new ArrayList<>();
    private final int[] failures = new int[CALLERS];
    // Per caller, its slowest call and when it started relative to the crossing: tells a wait
    // caused by the refresh (starts right at the crossing) from the OS descheduling a thread
    // (starts anywhere).
    private final long[] slowestNanos = new long[CALLERS];
    private final long[] slowestStartAfterCrossing = new long[CALLERS];
    volatile boolean active;
    volatile long crossedAtNanos;
    private volatile boolean stopped;

    Callers(Contender contender) {
      this.contender = contender;
    }

    void start() {
      for (int i = 0; i < CALLERS; i++) {
        LatencyHistogram histogram = new LatencyHistogram();
        histograms.add(histogram);
        int index = i;
        Thread thread = new Thread(() -> loop(histogram, index), "boundary-caller-" + i);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }

    private void loop(LatencyHistogram histogram, int index) {
      while (!stopped) {
        if (!active) {
          try {
            TimeUnit.MILLISECONDS.sleep(1);
          } catch (InterruptedException e) {
            return;
          }
          continue;
        }
        long started = System.nanoTime();
        try {
          contender.getToken();
        } catch (Exception e) {
          failures[index]++;
        }
        long elapsed = System.nanoTime() - started;
        histogram.record(elapsed);
        if (elapsed > slowestNanos[index]) {
          slowestNanos[index] = elapsed;
          slowestStartAfterCrossing[index] = started - crossedAtNanos;
        }
      }
    }

    LatencyHistogram stop() throws InterruptedException {
      stopped = true;
      LatencyHistogram merged = new LatencyHistogram();
      for (int i = 0; i < threads.size(); i++) {
        threads.get(i).join(TimeUnit.SECONDS.toMillis(10));
        merged.add(histograms.get(i));
      }
      return merged;
    }

    String slowest() {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < CALLERS; i++) {
        text.append(
            String.format(
                Locale.ROOT,
                "%scaller %d: %.1f µs, started %+.1f ms from a crossing",
                i == 0 ? "" : "; ",
                i,
                slowestNanos[i] / 1e3,
                slowestStartAfterCrossing[i] / 1e6));
      }
      return text.toString();
    }

    int failures() {
      int sum = 0;
      for (int failure : failures) {
        sum += failure;
      }
      return sum;
    }
  }
}
