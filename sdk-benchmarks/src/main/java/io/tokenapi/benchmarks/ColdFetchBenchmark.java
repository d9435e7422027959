package io.tokenapi.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
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
 * Benchmark 3: one token request end to end against a loopback server, ours vs a hand-written
 * OkHttp + Jackson POST with the same parsing (both build a Jackson tree and read the same fields).
 * Each side has its own OkHttpClient and reuses its keep-alive connection, so the figure is one
 * request/response plus the work each side does around it.
 *
 * <p>Loopback round trips on a shared 2-core machine are noisy: the warm-up is long so both sides
 * reach C2 and the connection pool is settled before measuring.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 20, time = 1)
@Measurement(iterations = 10, time = 2)
@Fork(3)
@Threads(1)
public class ColdFetchBenchmark {

  private FakeTokenServer server;
  private HandWrittenTokenClient handWritten;
  private OAuthClient ours;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    server = Contenders.tokenServer(3600);
    handWritten =
        new HandWrittenTokenClient(
            new OkHttpClient(),
            new ObjectMapper(),
            server.tokenUrl(),
            Credentials.CLIENT_ID,
            Credentials.CLIENT_SECRET);
    ours = Contenders.ourClient(server).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ours.close();
    server.close();
  }

  /** One POST + Jackson parse, written by hand. */
  @Benchmark
  public HandWrittenTokenClient.Token handWritten() throws IOException {
    return handWritten.fetch();
  }

  /**
   * Ours: {@code refresh()} on one long-lived client, which sends one token request now and stores
   * the result: the same single request as {@link #handWritten()}, plus what the SDK adds around it
   * (single flight, typed errors, cache store; the first attempt runs on the calling thread, as the
   * hand-written one does). A fresh client per call would also measure building a client and its
   * threads.
   */
  @Benchmark
  public AccessToken ours() {
    return ours.refresh();
  }
}
