package io.tokenapi.benchmarks;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a caller pays for {@code getToken()} inside the stale window, while the one background
 * refresh is in flight (the server holds it for an hour): the path every caller takes during a
 * refresh-boundary crossing. Not part of the suite; run {@code java -jar
 * sdk-benchmarks/target/benchmarks.jar StaleHit -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@Threads(1)
public class StaleHitBenchmark {

  /** The floor, for the ratio. */
  @Benchmark
  public Object floor(FloorState state) {
    return state.cache.get();
  }

  /** Ours in the stale window, refresh in flight. */
  @Benchmark
  public AccessToken oursStale(StaleState state) {
    return state.client.getToken();
  }

  @State(Scope.Benchmark)
  public static class FloorState {
    FloorCache<Object> cache;

    @Setup(Level.Trial)
    public void setUp() {
      cache = new FloorCache<>(Clock.systemUTC(), new Object(), Long.MAX_VALUE);
    }
  }

  @State(Scope.Benchmark)
  public static class StaleState {
    private static final Duration REFRESH_AHEAD = Duration.ofMinutes(5);
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(30);

    FakeTokenServer server;
    OAuthClient client;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      // First token at once; every later request is held for an hour, so the background refresh
      // never lands.
      server = Contenders.tokenServer(3600);
      MutableClock clock = new MutableClock(Instant.now());
      client =
          Contenders.ourClient(server)
              .clock(clock)
              .refreshAhead(REFRESH_AHEAD)
              .expiryMargin(EXPIRY_MARGIN)
              .build();
      AccessToken token = client.getToken();
      server.delayAnswers(Duration.ofHours(1));
      long target =
          token.expiresAt().toEpochMilli()
              - (REFRESH_AHEAD.toMillis() + EXPIRY_MARGIN.toMillis()) / 2;
      clock.set(Instant.ofEpochMilli(target));
      client.getToken(); // starts the background refresh
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      client.close();
      server.close();
    }
  }
}
