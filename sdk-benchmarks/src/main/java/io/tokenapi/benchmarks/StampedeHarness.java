package io.tokenapi.benchmarks;

import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.RecordedTokenRequest;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark 4: N callers ask a cold cache for a token at the same instant; the server counts token
 * requests.
 *
 * <p>The server answers after {@link #SERVER_DELAY}, a realistic token-endpoint latency that keeps
 * the first request in flight while every caller arrives. Each trial uses a fresh server and a
 * fresh (cold) client.
 */
final class StampedeHarness {

  static final Duration SERVER_DELAY = Duration.ofMillis(100);
  static final int[] CALLERS = {1, 16, 256};
  private static final long JOIN_TIMEOUT_SECONDS = 60;

  private final Map<String, TokenSource.Factory> contenders;
  private final int trials;

  StampedeHarness(Map<String, TokenSource.Factory> contenders, int trials) {
    this.contenders = contenders;
    this.trials = trials;
  }

  /** One row of the result: token requests seen by the server per trial. */
  record Row(
      String contender,
      int callers,
      int[] requestsPerTrial,
      int failures,
      long slowestTrialMillis) {
    int minRequests() {
      return Arrays.stream(requestsPerTrial).min().orElse(0);
    }

    int maxRequests() {
      return Arrays.stream(requestsPerTrial).max().orElse(0);
    }
  }

  List<Row> run(PrintStream log) throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int callers : CALLERS) {
      for (Map.Entry<String, TokenSource.Factory> contender : contenders.entrySet()) {
        int[] requests = new int[trials];
        int failures = 0;
        long slowest = 0;
        for (int trial = 0; trial < trials; trial++) {
          try (FakeTokenServer server = Contenders.tokenServer(3600).delayAnswers(SERVER_DELAY)) {
            long started = System.nanoTime();
            failures += stampede(contender.getValue().create(server), callers);
            slowest = Math.max(slowest, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            requests[trial] = server.requestCount();
            if (requests[trial] > 1 && !contender.getKey().startsWith("Spring")) {
              log.printf(
                  "stampede  %s N=%d trial %d: %d token requests, received at %s%n",
                  contender.getKey(),
                  callers,
                  trial + 1,
                  requests[trial],
                  server.recordedRequests().stream()
                      .limit(8)
                      .map(RecordedTokenRequest::receivedAt)
                      .toList());
            }
          }
        }
        Row row = new Row(contender.getKey(), callers, requests, failures, slowest);
        log.printf(
            "stampede  %-16s N=%-4d token requests per trial %s  failures %d  slowest trial %d ms%n",
            row.contender(), callers, Arrays.toString(requests), failures, slowest);
        rows.add(row);
      }
    }
    return rows;
  }

  /**
   * Starts {@code callers} threads that all call {@code token()} at once; returns how many failed.
   */
  private static int stampede(TokenSource source, int callers) throws InterruptedException {
    CountDownLatch ready = new CountDownLatch(callers);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger failures = new AtomicInteger();
    List<Thread> threads = new ArrayList<>(callers);
    for (int i = 0; i < callers; i++) {
      Thread thread =
          new Thread(
              () -> {
                ready.countDown();
                try {
                  go.await();
                  if (source.token() == null) {
                    failures.incrementAndGet();
                  }
                } catch (Exception e) {
                  failures.incrementAndGet();
                }
              },
              "stampede-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    ready.await();
    go.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOIN_TIMEOUT_SECONDS);
    for (Thread thread : threads) {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      if (thread.isAlive()) {
        failures.incrementAndGet();
      }
    }
    source.close();
    return failures.get();
  }
}
