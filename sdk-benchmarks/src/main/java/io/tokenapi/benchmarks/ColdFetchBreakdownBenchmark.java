package io.tokenapi.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.Dispatcher;
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
 * Where the cold fetch's extra time goes: steps from the hand-written baseline to our {@code
 * refresh()}, each adding one thing the SDK does. Not part of the suite; run it when the cold-fetch
 * ratio needs explaining: {@code java -jar sdk-benchmarks/target/benchmarks.jar ColdFetchBreakdown
 * -prof gc}.
 *
 * <ol>
 *   <li>{@code a_handWritten}: OkHttp {@code execute()} and the Jackson parse on the calling
 *       thread.
 *   <li>{@code a2_handWrittenChannelSockets}: the same over sockets made by {@code
 *       SocketChannel.open().socket()}, the interruptible kind the SDK uses: the cost of
 *       interruptibility.
 *   <li>{@code a3_handWrittenCallTimeout}: the same with a 30 s OkHttp call timeout, the bound the
 *       SDK puts on every attempt (OkHttp's watchdog thread keeps it).
 *   <li>{@code b_handWrittenAsync}: the same request {@code enqueue()}d on a pool thread, the
 *       caller parked on a {@code CompletableFuture} until the callback has parsed: the cost of a
 *       hand-off, which the SDK makes for {@code getTokenAsync()} and for retries, but no longer
 *       for a blocking caller's first attempt.
 *   <li>{@code c_oursWithoutRetry}: our {@code refresh()} with {@code RetryPolicy.none()}: the
 *       SDK's own work (cache, parser, interceptor, futures) over the hand-written request.
 *   <li>{@code d_ours}: our {@code refresh()} with the default policy (resilience4j is only built
 *       if the first attempt fails).
 * </ol>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@Threads(1)
public class ColdFetchBreakdownBenchmark {

  private FakeTokenServer server;
  private HandWrittenTokenClient handWritten;
  private HandWrittenTokenClient handWrittenChannelSockets;
  private HandWrittenTokenClient handWrittenCallTimeout;
  private HandWrittenTokenClient handWrittenAsync;
  private ExecutorService asyncPool;
  private OAuthClient oursWithoutRetry;
  private OAuthClient ours;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    server = Contenders.tokenServer(3600);
    handWritten = Contenders.handWritten(server);
    handWrittenChannelSockets =
        new HandWrittenTokenClient(
            new OkHttpClient.Builder().socketFactory(new ChannelSocketFactory()).build(),
            new ObjectMapper(),
            server.tokenUrl(),
            Credentials.CLIENT_ID,
            Credentials.CLIENT_SECRET);
    handWrittenCallTimeout =
        new HandWrittenTokenClient(
            new OkHttpClient.Builder().callTimeout(30, TimeUnit.SECONDS).build(),
            new ObjectMapper(),
            server.tokenUrl(),
            Credentials.CLIENT_ID,
            Credentials.CLIENT_SECRET);
    // The same pool shape as the SDK's token-request threads.
    asyncPool =
        new ThreadPoolExecutor(
            0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>());
    handWrittenAsync =
        new HandWrittenTokenClient(
            new OkHttpClient.Builder().dispatcher(new Dispatcher(asyncPool)).build(),
            new ObjectMapper(),
            server.tokenUrl(),
            Credentials.CLIENT_ID,
            Credentials.CLIENT_SECRET);
    oursWithoutRetry = Contenders.ourClient(server).retryPolicy(RetryPolicy.none()).build();
    ours = Contenders.ourClient(server).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ours.close();
    oursWithoutRetry.close();
    asyncPool.shutdownNow();
    server.close();
  }

  @Benchmark
  public HandWrittenTokenClient.Token a_handWritten() throws IOException {
    return handWritten.fetch();
  }

  @Benchmark
  public HandWrittenTokenClient.Token a2_handWrittenChannelSockets() throws IOException {
    return handWrittenChannelSockets.fetch();
  }

  @Benchmark
  public HandWrittenTokenClient.Token a3_handWrittenCallTimeout() throws IOException {
    return handWrittenCallTimeout.fetch();
  }

  @Benchmark
  public HandWrittenTokenClient.Token b_handWrittenAsync()
      throws InterruptedException, ExecutionException {
    return handWrittenAsync.fetchAsync().get();
  }

  @Benchmark
  public AccessToken c_oursWithoutRetry() {
    return oursWithoutRetry.refresh();
  }

  @Benchmark
  public AccessToken d_ours() {
    return ours.refresh();
  }
}
