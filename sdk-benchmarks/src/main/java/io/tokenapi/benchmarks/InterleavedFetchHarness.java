package io.tokenapi.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * Benchmark 3 measured the robust way for this machine, with its breakdown: the cold-fetch variants
 * of {@link ColdFetchBreakdownBenchmark} run in one JVM against one server, in short blocks that
 * rotate between the variants, so every variant sees the same background load. Each block yields
 * wall time, CPU time of all the process's threads (the loopback server's included) and thread
 * wake-ups per request ({@link ProcessSchedStats}); ratios are taken within a rotation, against the
 * hand-written baseline, and their median is reported.
 */
final class InterleavedFetchHarness {

  /** One step from the hand-written baseline towards our refresh(). */
  @FunctionalInterface
  interface Variant {
    Object fetch() throws Exception;
  }

  record Row(
      String variant,
      double wallMicros,
      double cpuMicros,
      double wallRatio,
      double cpuRatio,
      double timesScheduledPerOp) {}

  private final long warmupMillis;
  private final int blocks;
  private final int requestsPerBlock;

  InterleavedFetchHarness(long warmupMillis, int blocks, int requestsPerBlock) {
    this.warmupMillis = warmupMillis;
    this.blocks = blocks;
    this.requestsPerBlock = requestsPerBlock;
  }

  List<Row> run(PrintStream log) throws Exception {
    try (FakeTokenServer server = Contenders.tokenServer(3600)) {
      ExecutorService asyncPool =
          new ThreadPoolExecutor(
              0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>());
      HandWrittenTokenClient handWritten = Contenders.handWritten(server);
      HandWrittenTokenClient handWrittenChannelSockets =
          new HandWrittenTokenClient(
              new OkHttpClient.Builder().socketFactory(new ChannelSocketFactory()).build(),
              new ObjectMapper(),
              server.tokenUrl(),
              Credentials.CLIENT_ID,
              Credentials.CLIENT_SECRET);
      HandWrittenTokenClient handWrittenCallTimeout =
          new HandWrittenTokenClient(
              new OkHttpClient.Builder().callTimeout(30, TimeUnit.SECONDS).build(),
              new ObjectMapper(),
              server.tokenUrl(),
              Credentials.CLIENT_ID,
              Credentials.CLIENT_SECRET);
      HandWrittenTokenClient handWrittenAsync =
          new HandWrittenTokenClient(
              new OkHttpClient.Builder().dispatcher(new Dispatcher(asyncPool)).build(),
              new ObjectMapper(),
              server.tokenUrl(),
              Credentials.CLIENT_ID,
              Credentials.CLIENT_SECRET);
      try (OAuthClient oursWithoutRetry =
              Contenders.ourClient(server).retryPolicy(RetryPolicy.none()).build();
          OAuthClient ours = Contenders.ourClient(server).build()) {
        Map<String, Variant> variants = new LinkedHashMap<>();
        variants.put("hand-written OkHttp + Jackson (execute on the caller)", handWritten::fetch);
        variants.put(
            "hand-written over SocketChannel sockets (the SDK's interruptible kind)",
            handWrittenChannelSockets::fetch);
        variants.put(
            "hand-written with a 30 s call timeout (the SDK bounds every attempt)",
            handWrittenCallTimeout::fetch);
        variants.put(
            "hand-written, enqueued + future.get() (the hand-off alone)",
            () -> handWrittenAsync.fetchAsync().get());
        variants.put(
            "ours, getTokenAsync() after invalidate() (every attempt on the client's threads)",
            () -> {
              ours.invalidate();
              return ours.getTokenAsync().get();
            });
        variants.put("ours, RetryPolicy.none() (no resilience4j)", oursWithoutRetry::refresh);
        variants.put("ours: OAuthClient.refresh() (default policy)", ours::refresh);
        return measure(variants, log);
      } finally {
        asyncPool.shutdownNow();
      }
    }
  }

  private List<Row> measure(Map<String, Variant> variants, PrintStream log) throws Exception {
    List<String> names = new ArrayList<>(variants.keySet());
    int n = names.size();
    // Time-based: the SDK's path spans more code and threads than the baseline and takes a few
    // seconds of requests to reach C2 on this loaded machine (JMH's warm-up iterations show it).
    long warmupEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
    while (System.nanoTime() < warmupEnd) {
      for (Variant variant : variants.values()) {
        for (int i = 0; i < 20; i++) {
          variant.fetch();
        }
      }
    }
    double[][] wall = new double[n][blocks];
    double[][] cpu = new double[n][blocks];
    double[][] scheduled = new double[n][blocks];
    for (int block = 0; block < blocks; block++) {
      for (int k = 0; k < n; k++) {
        // Rotate the starting variant so none always follows the same neighbour.
        int index = (k + block) % n;
        Variant variant = variants.get(names.get(index));
        ProcessSchedStats before = ProcessSchedStats.now();
        long wallStart = System.nanoTime();
        for (int i = 0; i < requestsPerBlock; i++) {
          variant.fetch();
        }
        long wallEnd = System.nanoTime();
        ProcessSchedStats spent = ProcessSchedStats.now().minus(before);
        wall[index][block] = (wallEnd - wallStart) / 1e3 / requestsPerBlock;
        cpu[index][block] = spent.cpuNanos() / 1e3 / requestsPerBlock;
        scheduled[index][block] = spent.timesScheduled() / (double) requestsPerBlock;
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      double[] wallRatios = new double[blocks];
      double[] cpuRatios = new double[blocks];
      for (int block = 0; block < blocks; block++) {
        wallRatios[block] = wall[k][block] / wall[0][block];
        cpuRatios[block] = cpu[k][block] / cpu[0][block];
      }
      Row row =
          new Row(
              names.get(k),
              median(wall[k]),
              median(cpu[k]),
              median(wallRatios),
              median(cpuRatios),
              median(scheduled[k]));
      log.printf(
          "interleaved fetch  %-62s wall %7.1f µs  CPU %7.1f µs  ×baseline wall %.2f CPU %.2f"
              + "  times scheduled/op %.1f%n",
          row.variant(),
          row.wallMicros(),
          row.cpuMicros(),
          row.wallRatio(),
          row.cpuRatio(),
          row.timesScheduledPerOp());
      rows.add(row);
    }
    return rows;
  }

  private static double median(double[] values) {
    List<Double> sorted = new ArrayList<>();
    for (double value : values) {
      sorted.add(value);
    }
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
