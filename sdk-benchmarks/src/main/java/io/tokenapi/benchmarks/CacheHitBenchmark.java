package io.tokenapi.benchmarks;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * Benchmarks 1 and 2: a cache hit on a fresh token, ours beside the floor and the peers.
 *
 * <p>Each contender's cache is warmed with one real fetch from its own loopback server in setup and
 * then serves a token that stays fresh for an hour. Each contender has its own state class, so a
 * fork sets up only the library it measures. States are {@code Scope.Benchmark}: in the two-thread
 * variant both threads read the same cache. Subclasses fix the thread count (JMH generates code
 * that extends them, so they cannot be final).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public abstract class CacheHitBenchmark {

  private static final long TOKEN_LIFETIME_SECONDS = 3600;
  private static final URI RESOURCE_URI = URI.create("https://api.example.com/v1/payments");

  /** A volatile read, a clock read and a compare: what any correct cache hit must cost. */
  @Benchmark
  public HandWrittenTokenClient.Token floor(FloorState state) {
    return state.cache.get();
  }

  /** Ours: {@code OAuthClient.getToken()} with a fresh token. */
  @Benchmark
  public AccessToken ours(OursState state) {
    return state.client.getToken();
  }

  /**
   * google-auth-library-java: {@code OAuth2Credentials.getRequestMetadata(URI)} with a fresh token.
   */
  @Benchmark
  public Map<String, List<String>> googleAuth(GoogleAuthState state) throws IOException {
    return state.credentials.getRequestMetadata(RESOURCE_URI);
  }

  /**
   * Spring Security: {@code AuthorizedClientServiceOAuth2AuthorizedClientManager.authorize(...)}
   * after the first token.
   */
  @Benchmark
  public OAuth2AccessToken spring(SpringState state) {
    return state.spring.getToken();
  }

  /**
   * Spring Security as its RestClient interceptor calls it: {@code authorize(...)} with the
   * authorize request built per call.
   */
  @Benchmark
  public OAuth2AccessToken springPerCall(SpringState state) {
    return state.spring.getTokenBuildingTheRequest();
  }

  /** Holds the loopback server each contender fetches its first token from. */
  abstract static class ServerState {
    FakeTokenServer server;

    void startServer() throws IOException {
      server = Contenders.tokenServer(TOKEN_LIFETIME_SECONDS);
    }

    @TearDown(Level.Trial)
    public void stopServer() {
      server.close();
    }
  }

  /** The floor, holding a token fetched by the hand-written client. */
  @State(Scope.Benchmark)
  public static class FloorState extends ServerState {
    FloorCache<HandWrittenTokenClient.Token> cache;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      startServer();
      HandWrittenTokenClient.Token token = Contenders.handWritten(server).fetch();
      cache = new FloorCache<>(Clock.systemUTC(), token, token.expiresAt().toEpochMilli() - 60_000);
    }
  }

  /** Our client, after its first token. */
  @State(Scope.Benchmark)
  public static class OursState extends ServerState {
    OAuthClient client;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      startServer();
      client = Contenders.ourClient(server).build();
      client.getToken();
    }

    @TearDown(Level.Trial)
    public void close() {
      client.close();
    }
  }

  /** google-auth's cache over the hand-written fetch, after its first token. */
  @State(Scope.Benchmark)
  public static class GoogleAuthState extends ServerState {
    GoogleAuthPeer credentials;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      startServer();
      credentials = new GoogleAuthPeer(Contenders.handWritten(server));
      credentials.getRequestMetadata(RESOURCE_URI);
    }
  }

  /** Spring's authorized-client manager, after its first token. */
  @State(Scope.Benchmark)
  public static class SpringState extends ServerState {
    SpringPeer spring;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      startServer();
      spring = new SpringPeer(server.tokenUrl(), Credentials.CLIENT_ID, Credentials.CLIENT_SECRET);
      spring.getToken();
    }
  }
}
