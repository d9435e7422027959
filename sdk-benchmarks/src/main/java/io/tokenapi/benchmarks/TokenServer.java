package io.tokenapi.benchmarks;

import io.tokenapi.testkit.NoDelayServerSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * A loopback token endpoint for every benchmark and harness: answers each request with the same
 * JSON token, optionally after a delay, and counts the requests.
 *
 * <p>Two MockWebServer habits are neutralised here: accepted sockets get TCP_NODELAY (see {@link
 * NoDelayServerSocketFactory}), and the server's queue of recorded requests, which otherwise grows
 * by one entry per request for the life of the server, is drained by the dispatcher as each request
 * arrives.
 */
final class TokenServer implements AutoCloseable {

  static final String TOKEN_PATH = "/v1/oauth/token";

  private final MockWebServer server = new MockWebServer();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private final long startedNanos = System.nanoTime();
  // Arrival time (ms since start) and connection of the first requests, to explain an unexpected
  // count.
  private final List<String> firstArrivals = Collections.synchronizedList(new ArrayList<>());
  // Delayed answers wait on this rather than sleep, so close() need not wait out a long delay.
  private final CountDownLatch closing = new CountDownLatch(1);
  private final MockResponse response;
  private final long delayNanos;
  private final int undelayedRequests;

  private TokenServer(Duration delay, long expiresInSeconds, int undelayedRequests) {
    this.delayNanos = delay.toNanos();
    this.undelayedRequests = undelayedRequests;
    // Fixed token value: the benchmarks measure caching and transport, not the uniqueness of
    // tokens.
    this.response =
        new MockResponse.Builder()
            .code(200)
            .setHeader("Content-Type", "application/json")
            .setHeader("Cache-Control", "no-store")
            .body(
                "{\"access_token\":\"bench-access-token-0123456789abcdef\",\"token_type\":\"Bearer\","
                    + "\"expires_in\":"
                    + expiresInSeconds
                    + ",\"scope\":\"payments\"}")
            .build();
  }

  /**
   * Starts a server on 127.0.0.1 that answers at once with a token valid for {@code
   * expiresInSeconds}.
   */
  static TokenServer start(long expiresInSeconds) throws IOException {
    return start(Duration.ZERO, expiresInSeconds);
  }

  /** Starts a server on 127.0.0.1 that waits {@code delay} before each answer. */
  static TokenServer start(Duration delay, long expiresInSeconds) throws IOException {
    return start(delay, expiresInSeconds, 0);
  }

  /**
   * Like {@link #start(Duration, long)}, but the first {@code undelayedRequests} requests are
   * answered at once.
   */
  static TokenServer start(Duration delay, long expiresInSeconds, int undelayedRequests)
      throws IOException {
    TokenServer tokenServer = new TokenServer(delay, expiresInSeconds, undelayedRequests);
    tokenServer.server.setServerSocketFactory(new NoDelayServerSocketFactory());
    tokenServer.server.setDispatcher(tokenServer.new CountingDispatcher());
    tokenServer.server.start(InetAddress.getLoopbackAddress(), 0);
    return tokenServer;
  }

  /** Base URL, {@code http://127.0.0.1:port}, without the token path. */
  String baseUrl() {
    HttpUrl url = server.url("/");
    return "http://127.0.0.1:" + url.port();
  }

  /** Full token endpoint URL. */
  String tokenUrl() {
    return baseUrl() + TOKEN_PATH;
  }

  /** Token requests received so far. */
  int tokenRequests() {
    return tokenRequests.get();
  }

  /** When the first requests arrived and on which connection. */
  String firstArrivals() {
    synchronized (firstArrivals) {
      return String.join(", ", firstArrivals);
    }
  }

  /**
   * TCP connections that carried at least one request: shows whether a client reuses its
   * connection.
   */
  int connections() {
    return connections.get();
  }

  @Override
  public void close() {
    closing.countDown();
    server.close();
  }

  private final class CountingDispatcher extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
      // MockWebServer queued this request just before calling us; take it back out so memory stays
      // flat.
      server.takeRequest(0, TimeUnit.NANOSECONDS);
      int number = tokenRequests.incrementAndGet();
      connections.accumulateAndGet(request.getConnectionIndex() + 1, Math::max);
      if (number <= 8) {
        firstArrivals.add(
            String.format(
                Locale.ROOT,
                "#%d at %.1f ms on connection %d",
                number,
                (System.nanoTime() - startedNanos) / 1e6,
                request.getConnectionIndex()));
      }
      if (delayNanos > 0 && number > undelayedRequests) {
        closing.await(delayNanos, TimeUnit.NANOSECONDS);
      }
      return response;
    }
  }
}
