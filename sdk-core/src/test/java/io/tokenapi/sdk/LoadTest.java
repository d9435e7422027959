package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.okhttp.BearerTokenInterceptor;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@value #THREADS} threads call a resource server through {@link BearerTokenInterceptor} while
 * tokens live {@value #LIFETIME_MILLIS} ms and the token server fails {@value #FAILURE_PERCENT}% of
 * token requests with 503 or 500. The resource server checks every bearer token against the tokens
 * issued and their expiry.
 *
 * <p>{@code mvn verify} runs it for {@value #DEFAULT_SECONDS} s; the long run is {@code mvn -B
 * verify -pl sdk-testkit,sdk-core -Dgroups=load -Dtokenapi.load.seconds=30}. Loopback only; it
 * stops by itself at the deadline.
 */
@Tag("load")
class LoadTest {
  static final int THREADS = 32;
  static final long LIFETIME_MILLIS = 1_000;
  static final int FAILURE_PERCENT = 10;
  static final long DEFAULT_SECONDS = 4;

  /**
   * Refresh 200 ms before expiry: with the default (half the lifetime) there would be twice as many
   * fetches.
   */
  static final long REFRESH_AHEAD_MILLIS = 200;

  private static final String HANDED_OUT_AT = "X-Test-Token-Handed-Out-At";

  /**
   * What the token server issued: token value to the instant (epoch ms) the server stops accepting
   * it.
   */
  private final Map<String, Long> issued = new ConcurrentHashMap<>();

  private final AtomicLong tokenRequests = new AtomicLong();
  private final AtomicLong tokenFailures = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong withoutToken = new AtomicLong();
  private final AtomicLong unknownToken = new AtomicLong();

  /** Requests whose token had expired when the SDK handed it out: always the SDK's fault. */
  private final AtomicLong handedOutExpired = new AtomicLong();

  /**
   * Requests whose token was valid when handed out but expired on the way (transit longer than the
   * margin).
   */
  private final AtomicLong arrivedExpired = new AtomicLong();

  /** How late the latest expired token arrived, ms past its expiry. */
  private final AtomicLong maxLateMillis = new AtomicLong();

  @Test
  void bearerTokens_underLoad_withShortLivedTokens_andAFlakyTokenServer() throws Exception {
    long seconds = Long.getLong("tokenapi.load.seconds", DEFAULT_SECONDS);
    assertThat(seconds).as("tokenapi.load.seconds").isBetween(1L, 120L);
    SdkThreads sdkThreads = SdkThreads.snapshot();
    AtomicBoolean stop = new AtomicBoolean();

    try (MockWebServer tokenServer = new MockWebServer();
        MockWebServer resourceServer = new MockWebServer()) {
      tokenServer.setDispatcher(tokenDispatcher());
      resourceServer.setDispatcher(resourceDispatcher());
      tokenServer.start();
      resourceServer.start();
      Thread drainer = drain(stop, tokenServer, resourceServer);

      Result result;
      try (OAuthClient oauth =
          OAuthClient.builder()
              .baseUrl(tokenServer.url("/"))
              .clientId("load-client")
              .clientSecret("load-s3cret")
              .refreshAhead(Duration.ofMillis(REFRESH_AHEAD_MILLIS))
              .retryPolicy(
                  RetryPolicy.builder()
                      .maxAttempts(6)
                      .initialBackoff(Duration.ofMillis(10))
                      .maxBackoff(Duration.ofMillis(100))
                      .maxWait(Duration.ofSeconds(5))
                      .build())
              .build()) {
        OkHttpClient http =
            new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(THREADS, 1, TimeUnit.MINUTES))
                .addInterceptor(
                    BearerTokenInterceptor.builder(oauth)
                        .allowHost(resourceServer.getHostName())
                        .build())
                // Runs inside the bearer interceptor, right after it attached the token: when was
                // it handed out?
                .addInterceptor(
                    chain ->
                        chain.proceed(
                            chain
                                .request()
                                .newBuilder()
                                .header(HANDED_OUT_AT, Long.toString(System.currentTimeMillis()))
                                .build()))
                .build();
        try {
          result = run(http, resourceServer, seconds);
        } finally {
          http.dispatcher().executorService().shutdown();
          http.connectionPool().evictAll();
        }
      } finally {
        stop.set(true);
        drainer.join(2_000);
      }

      double expectedFetches = result.seconds * 1000.0 / (LIFETIME_MILLIS - REFRESH_AHEAD_MILLIS);
      System.out.printf(
          "LOAD seconds=%.1f threads=%d calls=%d (%.0f/s) errors=%d non200=%d | resource server: accepted=%d"
              + " withoutToken=%d unknown=%d handedOutExpired=%d arrivedExpired=%d (latest %d ms late) |"
              + " tokenRequests=%d tokenFailures=%d tokensIssued=%d expectedFetches~%.0f |"
              + " call latency p50=%.2f p99=%.2f max=%.2f ms%n",
          result.seconds,
          THREADS,
          result.requests,
          result.requests / result.seconds,
          result.errors.size(),
          result.non200,
          accepted.get(),
          withoutToken.get(),
          unknownToken.get(),
          handedOutExpired.get(),
          arrivedExpired.get(),
          maxLateMillis.get(),
          tokenRequests.get(),
          tokenFailures.get(),
          issued.size(),
          expectedFetches,
          result.percentileMillis(50),
          result.percentileMillis(99),
          result.percentileMillis(100));

      assertThat(result.errors).as("exceptions in the calling threads").isEmpty();
      assertThat(result.non200)
          .as("calls that did not end in 200 (after the interceptor's one retry)")
          .isZero();
      assertThat(withoutToken.get()).as("resource requests without a token").isZero();
      assertThat(unknownToken.get())
          .as("resource requests with a token that was never issued")
          .isZero();
      assertThat(handedOutExpired.get())
          .as("resource requests with a token that had expired when handed out")
          .isZero();
      // A token can still expire on the way when transit takes longer than the expiry margin (100
      // ms for 1 s tokens): the server answers 401 and the interceptor retries once with a new
      // token, so non200 stays 0.
      assertThat(arrivedExpired.get())
          .as("resource requests whose token expired in transit")
          .isLessThanOrEqualTo(Math.max(5, result.requests / 100));
      assertThat(result.requests).isGreaterThan(THREADS);
      // One fetch per (lifetime - refreshAhead), not one per call or per thread, and no retry
      // storm.
      assertThat((double) issued.size())
          .isBetween(expectedFetches * 0.5, expectedFetches * 1.5 + 2);
      assertThat((double) tokenRequests.get()).isLessThan(expectedFetches * 2 + 4);
    }
    assertThat(sdkThreads.aliveAfter(Duration.ofSeconds(3)))
        .as("SDK threads alive after close()")
        .isEmpty();
  }

  private Dispatcher tokenDispatcher() {
    AtomicLong serial = new AtomicLong();
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        tokenRequests.incrementAndGet();
        if (ThreadLocalRandom.current().nextInt(100) < FAILURE_PERCENT) {
          tokenFailures.incrementAndGet();
          int status = ThreadLocalRandom.current().nextBoolean() ? 503 : 500;
          return new MockResponse.Builder()
              .code(status)
              .setHeader("Content-Type", "application/json")
              .body(
                  "{\"errorId\":\"e-"
                      + serial.incrementAndGet()
                      + "\",\"code\":\"FLAKY\",\"text\":\"try again\"}")
              .build();
        }
        String value =
            "load-token-" + serial.incrementAndGet() + "-" + ThreadLocalRandom.current().nextLong();
        issued.put(value, System.currentTimeMillis() + LIFETIME_MILLIS);
        return new MockResponse.Builder()
            .setHeader("Content-Type", "application/json")
            .body(
                "{\"access_token\":\""
                    + value
                    + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                    + LIFETIME_MILLIS / 1000.0
                    + "}")
            .build();
      }
    };
  }

  private Dispatcher resourceDispatcher() {
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String header = request.getHeaders().get("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
          withoutToken.incrementAndGet();
          return new MockResponse.Builder().code(401).build();
        }
        Long expiresAt = issued.get(header.substring("Bearer ".length()));
        if (expiresAt == null) {
          unknownToken.incrementAndGet();
          return new MockResponse.Builder().code(401).build();
        }
        long late = System.currentTimeMillis() - expiresAt;
        if (late >= 0) {
          String handedOutAt = request.getHeaders().get(HANDED_OUT_AT);
          if (handedOutAt == null || Long.parseLong(handedOutAt) >= expiresAt) {
            handedOutExpired.incrementAndGet();
          } else {
            arrivedExpired.incrementAndGet();
          }
          maxLateMillis.accumulateAndGet(late, Math::max);
          return new MockResponse.Builder().code(401).build();
        }
        accepted.incrementAndGet();
        return new MockResponse.Builder().body("ok").build();
      }
    };
  }

  /**
   * MockWebServer keeps every request it served; this takes them off its queue so a long run stays
   * small.
   */
  private static Thread drain(AtomicBoolean stop, MockWebServer... servers) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (!stop.get()) {
                  boolean idle = true;
                  for (MockWebServer server : servers) {
                    while (server.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
                      idle = false;
                    }
                  }
                  if (idle) {
                    Thread.sleep(20);
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "load-test-drainer");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static Result run(OkHttpClient http, MockWebServer resourceServer, long seconds)
      throws Exception {
    Request request = new Request.Builder().url(resourceServer.url("/resource")).build();
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    ExecutorService pool =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "load-test-caller");
              t.setDaemon(true);
              return t;
            });
    List<Future<Worker>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < THREADS; i++) {
        futures.add(pool.submit(() -> new Worker().run(http, request, deadline)));
      }
      Result result = new Result();
      for (Future<Worker> f : futures) {
        // Each worker stops at the deadline; a call in flight then ends within the client's
        // timeouts.
        result.add(f.get(seconds + 60, TimeUnit.SECONDS));
      }
      result.seconds = (System.nanoTime() - start) / 1e9;
      return result;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One calling thread: calls until the deadline, keeping its latencies and failures. */
  private static final class Worker {
    long[] latencies = new long[1024];
    int count;
    long non200;
    final List<String> errors = new ArrayList<>();

    Worker run(OkHttpClient http, Request request, long deadline) {
      while (System.nanoTime() < deadline) {
        long t0 = System.nanoTime();
        try (Response response = http.newCall(request).execute()) {
          response.body().string();
          if (response.code() != 200) {
            non200++;
          }
        } catch (IOException | RuntimeException e) {
          if (errors.size() < 10) {
            errors.add(e.toString());
          }
        }
        if (count == latencies.length) {
          latencies = Arrays.copyOf(latencies, count * 2);
        }
        latencies[count++] = System.nanoTime() - t0;
      }
      return this;
    }
  }

  /** All workers together. */
  private static final class Result {
    double seconds;
    long requests;
    long non200;
    final List<String> errors = new ArrayList<>();
    private final List<long[]> latencies = new ArrayList<>();

    void add(Worker w) {
      requests += w.count;
      non200 += w.non200;
      errors.addAll(w.errors);
      latencies.add(Arrays.copyOf(w.latencies, w.count));
    }

    double percentileMillis(int percentile) {
      long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      if (all.length == 0) {
        return 0;
      }
      int index = (int) Math.min(all.length - 1, Math.ceil(percentile / 100.0 * all.length) - 1);
      return all[Math.max(0, index)] / 1e6;
    }
  }
}
