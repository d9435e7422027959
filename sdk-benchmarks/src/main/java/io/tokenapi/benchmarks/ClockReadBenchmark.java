package io.tokenapi.benchmarks;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Diagnostic (not in the suite): what the floor's parts cost on this machine. The cache-hit floor
 * is a volatile read plus one clock read, and the clock read is most of it; this shows which time
 * source is cheapest here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class ClockReadBenchmark {
  private final Clock clock = Clock.systemUTC();
  private volatile Object snapshot = new Object();

  /** The volatile read alone. */
  @Benchmark
  public Object volatileRead() {
    return snapshot;
  }

  /** {@code System.currentTimeMillis()}: what {@code Clock.systemUTC().millis()} calls. */
  @Benchmark
  public long currentTimeMillis() {
    return System.currentTimeMillis();
  }

  /** {@code Clock.systemUTC().millis()} through the field, as the floor and the SDK read it. */
  @Benchmark
  public long clockMillis() {
    return clock.millis();
  }

  /** {@code Clock.systemUTC().instant()}, as Spring and google-auth read it. */
  @Benchmark
  public Instant clockInstant() {
    return clock.instant();
  }

  /** {@code System.nanoTime()}: the monotonic clock. */
  @Benchmark
  public long nanoTime() {
    return System.nanoTime();
  }
}
