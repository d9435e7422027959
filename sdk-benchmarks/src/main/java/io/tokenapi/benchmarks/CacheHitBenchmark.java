package io.tokenapi.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * Benchmarks 1 and 2: a cache hit on a fresh token, ours beside the floor and the peers in the same run.
 *
 * <p>Every cache is warmed with one real fetch from a loopback server in setup and then serves a token that stays
 * fresh for an hour. One instance is shared by all benchmark threads ({@code Scope.Benchmark}), so the two-thread
 * variant has both threads reading the same cache. Subclasses fix the thread count (JMH generates code that extends
 * them, so they cannot be final).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(3)
public abstract class CacheHitBenchmark {

  private static final long TOKEN_LIFETIME_SECONDS = 3600;

  private final URI resourceUri = URI.create("https://api.example.com/v1/payments");
  private TokenServer server;
  private FloorCache<HandWrittenTokenClient.Token> floor;
  private GoogleAuthPeer googleAuth;
  private SpringPeer spring;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    server = TokenServer.start(TOKEN_LIFETIME_SECONDS);
    HandWrittenTokenClient handWritten = new HandWrittenTokenClient(
        new OkHttpClient(), new ObjectMapper(), server.tokenUrl(), Credentials.CLIENT_ID, Credentials.CLIENT_SECRET);

    HandWrittenTokenClient.Token token = handWritten.fetch();
    floor = new FloorCache<>(Clock.systemUTC(), token, token.expiresAt().toEpochMilli() - 60_000);

    googleAuth = new GoogleAuthPeer(handWritten);
    googleAuth.getRequestMetadata(resourceUri);

    spring = new SpringPeer(server.tokenUrl(), Credentials.CLIENT_ID, Credentials.CLIENT_SECRET);
    spring.getToken();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    server.close();
  }

  /** A volatile read, a clock read and a compare: what any correct cache hit must cost. */
  @Benchmark
  public HandWrittenTokenClient.Token floor() {
    return floor.get();
  }

  /** google-auth-library-java: {@code OAuth2Credentials.getRequestMetadata(URI)} with a fresh token. */
  @Benchmark
  public Map<String, List<String>> googleAuth() throws IOException {
    return googleAuth.getRequestMetadata(resourceUri);
  }

  /** Spring Security: {@code AuthorizedClientServiceOAuth2AuthorizedClientManager.authorize(...)} after the first token. */
  @Benchmark
  public OAuth2AccessToken spring() {
    return spring.getToken();
  }
}
