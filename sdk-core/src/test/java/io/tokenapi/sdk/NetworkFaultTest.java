package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenapi.testkit.MutableClock;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okio.Buffer;
import okio.BufferedSink;
import okio.GzipSink;
import okio.Okio;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Faults below HTTP, served over loopback by MockWebServer: refused connections, disconnects at
 * each stage of the answer, stalls past the read timeout, a slow drip past the call timeout,
 * truncated and oversized bodies. Each must end in the right typed exception within its timeout
 * plus {@link #SLACK_MILLIS}, without the secret in the message and without a thread left behind
 * once the client is closed.
 */
class NetworkFaultTest {
  private static final String SECRET = "nf-s3cret-8f2c1d";
  private static final long READ_TIMEOUT_MILLIS = 400;
  private static final long CALL_TIMEOUT_MILLIS = 800;

  /**
   * Headroom for scheduling on a loaded 2-core machine; a hang or a missing timeout overshoots by
   * seconds.
   */
  private static final long SLACK_MILLIS = 1_000;

  /**
   * How soon close() must release a caller stuck on a server that stalls 20 s behind 15 s timeouts:
   * far below those, far above a thread handing an exception on under load.
   */
  private static final long RELEASE_MILLIS = 5_000;

  @StartStop final MockWebServer server = new MockWebServer();
  private String testName;

  @BeforeEach
  void rememberName(TestInfo info) {
    testName = info.getTestMethod().map(m -> m.getName()).orElse("?");
  }

  private OAuthClient.Builder client() {
    return OAuthClient.builder()
        .baseUrl(server.url("/"))
        .clientId("nf-client")
        .clientSecret(SECRET)
        .retryPolicy(RetryPolicy.none())
        .connectTimeout(Duration.ofSeconds(1))
        .readTimeout(Duration.ofMillis(READ_TIMEOUT_MILLIS))
        .callTimeout(Duration.ofSeconds(5));
  }

  /**
   * For the tests where the server answers at once: a read timeout no loaded machine runs out of
   * (400 ms did, at load 20 with busy loops), as the timeout is not what they test.
   */
  private OAuthClient.Builder answering() {
    return client().readTimeout(Duration.ofSeconds(5));
  }

  /**
   * Runs getToken() once, checks the outcome's type, time bound, message and threads, and returns
   * it.
   */
  private <T extends OAuthException> T failsWithin(
      OAuthClient.Builder builder, Class<T> type, long boundMillis) throws InterruptedException {
    SdkThreads threads = SdkThreads.snapshot();
    OAuthException e;
    long elapsedMillis;
    try (OAuthClient client = builder.build()) {
      long start = System.nanoTime();
      e = catchThrowableOfType(OAuthException.class, client::getToken);
      elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
    // One line per fault, for RELIABILITY.md: what it ended in and how long it took against its
    // bound.
    System.out.printf(
        "FAULT %s -> %s in %d ms (bound %d ms + %d ms slack)%n",
        testName,
        e == null ? "no exception" : e.getClass().getSimpleName(),
        elapsedMillis,
        boundMillis,
        SLACK_MILLIS);
    assertThat(e).as("getToken() must fail with an OAuthException").isNotNull();
    assertThat(e).isInstanceOf(type);
    assertThat(elapsedMillis)
        .as("time to fail, ms")
        .isLessThanOrEqualTo(boundMillis + SLACK_MILLIS);
    assertNoSecret(e);
    assertThat(threads.aliveAfter(Duration.ofSeconds(2)))
        .as("SDK threads alive after close()")
        .isEmpty();
    return type.cast(e);
  }

  static void assertNoSecret(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t)).doesNotContain(SECRET);
    }
  }

  private static MockResponse.Builder json(String body) {
    return new MockResponse.Builder().setHeader("Content-Type", "application/json").body(body);
  }

  private static String tokenBody(String padding) {
    return "{\"access_token\":\"nf-token-value\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"pad\":\""
        + padding
        + "\"}";
  }

  /**
   * Headers at once, then the body one byte per {@code periodMillis}. (MockResponse's throttleBody
   * would throttle reading the request body too, so the request would never be complete.)
   */
  private static MockResponse slowDrip(String body, long periodMillis) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return new MockResponse.Builder()
        .setHeader("Content-Type", "application/json")
        .setHeader("Content-Length", bytes.length)
        .socketHandler(
            socket -> {
              try (BufferedSink sink = Okio.buffer(socket.getSink())) {
                for (byte b : bytes) {
                  sink.writeByte(b);
                  sink.flush();
                  Thread.sleep(periodMillis);
                }
              } catch (IOException e) {
                // the client gave up: that is what the test wants
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            })
        .build();
  }

  private static Buffer gzip(String text) throws IOException {
    Buffer compressed = new Buffer();
    try (BufferedSink sink = Okio.buffer(new GzipSink(compressed))) {
      sink.writeUtf8(text);
    }
    return compressed;
  }

  @Test
  void refusedConnection_isTransportException() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    OAuthClient.Builder builder = client().baseUrl("http://127.0.0.1:" + port);

    TransportException e = failsWithin(builder, TransportException.class, 1_000);

    assertThat(e.getCause()).isInstanceOf(ConnectException.class);
  }

  @Test
  void disconnectBeforeTheResponse_isTransportException_andNotRepeatedByOkHttp() throws Exception {
    server.enqueue(
        json(tokenBody("x")).onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build());
    server.enqueue(json(tokenBody("x")).build());

    failsWithin(client(), TransportException.class, READ_TIMEOUT_MILLIS);

    // OkHttp's own silent retry on a failed connection is off: the SDK's retry policy owns every
    // attempt.
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void disconnectAfterTheHeaders_isTransportException() throws Exception {
    server.enqueue(
        new MockResponse.Builder()
            .setHeader("Content-Type", "application/json")
            .setHeader("Content-Length", 200)
            .socketHandler(
                socket -> {}) // headers only, then the effect below closes the connection
            .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
            .build());

    failsWithin(client(), TransportException.class, READ_TIMEOUT_MILLIS);
  }

  @Test
  void disconnectMidBody_isTransportException() throws Exception {
    server.enqueue(
        json(tokenBody("y".repeat(2_000)))
            .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
            .build());

    failsWithin(client(), TransportException.class, READ_TIMEOUT_MILLIS);
  }

  @Test
  void stalledHeaders_pastTheReadTimeout_isTransportException() throws Exception {
    server.enqueue(json(tokenBody("x")).headersDelay(10, TimeUnit.SECONDS).build());

    TransportException e = failsWithin(client(), TransportException.class, READ_TIMEOUT_MILLIS);

    assertThat(e.getCause()).isInstanceOf(InterruptedIOException.class);
  }

  @Test
  void stalledBody_pastTheReadTimeout_isTransportException() throws Exception {
    server.enqueue(json(tokenBody("x")).bodyDelay(10, TimeUnit.SECONDS).build());

    TransportException e = failsWithin(client(), TransportException.class, READ_TIMEOUT_MILLIS);

    assertThat(e.getCause()).isInstanceOf(InterruptedIOException.class);
  }

  @Test
  void slowDripBody_pastTheCallTimeout_isTransportException_althoughEveryReadIsInTime()
      throws Exception {
    // One byte every 50 ms: the read timeout (1 s) never fires, the whole body would take 15 s.
    server.enqueue(slowDrip(tokenBody("z".repeat(220)), 50));
    OAuthClient.Builder builder =
        client()
            .readTimeout(Duration.ofSeconds(1))
            .callTimeout(Duration.ofMillis(CALL_TIMEOUT_MILLIS));

    failsWithin(builder, TransportException.class, CALL_TIMEOUT_MILLIS);
  }

  @Test
  void slowDripBody_withRetries_endsWithinMaxWait_withoutARetryStorm() throws Exception {
    for (int i = 0; i < 10; i++) {
      server.enqueue(slowDrip(tokenBody("z".repeat(220)), 50));
    }
    long maxWaitMillis = 2_000;
    OAuthClient.Builder builder =
        client()
            .readTimeout(Duration.ofSeconds(1))
            .callTimeout(Duration.ofMillis(CALL_TIMEOUT_MILLIS))
            .retryPolicy(
                RetryPolicy.builder()
                    .maxAttempts(3)
                    .initialBackoff(Duration.ofMillis(50))
                    .maxBackoff(Duration.ofMillis(200))
                    .maxWait(Duration.ofMillis(maxWaitMillis))
                    .build());

    failsWithin(builder, TransportException.class, maxWaitMillis);

    assertThat(server.getRequestCount()).isBetween(2, 3);
  }

  @Test
  void brokenChunkFraming_withALineBreakInIt_isTransportException_onOneLine() throws Exception {
    // OkHttp quotes the bad chunk-size line in its ProtocolException: the server's bytes, here with
    // a bare CR that would forge a log line (found by HostileInputPropertiesTest on a random seed).
    server.enqueue(
        json("")
            .body(new Buffer().writeUtf8("5x\rFORGED LOG LINE\n"))
            .removeHeader("Content-Length")
            .setHeader("Transfer-Encoding", "chunked")
            .build());

    TransportException e = failsWithin(client(), TransportException.class, READ_TIMEOUT_MILLIS);

    assertThat(e.getMessage())
        .contains("ProtocolException")
        .contains("FORGED LOG LINE")
        .doesNotContain("\r")
        .doesNotContain("\n");
  }

  @Test
  void truncatedJson_isInvalidResponse() throws Exception {
    server.enqueue(json("{\"access_token\":\"nf-token-value\",\"expires_in\":36").build());

    InvalidResponseException e =
        failsWithin(answering(), InvalidResponseException.class, READ_TIMEOUT_MILLIS);

    assertThat(e.statusCode()).isEqualTo(200);
    assertThat(e.getMessage()).doesNotContain("nf-token-value");
  }

  @Test
  void gzipBody_thatDecompressesPastTheBound_isInvalidResponse() throws Exception {
    int bound = 8_192;
    Buffer bomb = gzip(tokenBody("0".repeat(4 * 1024 * 1024)));
    // The compressed body is far below the bound: only counting after decompression catches it.
    assertThat(bomb.size()).isLessThan(bound);
    server.enqueue(json("").setHeader("Content-Encoding", "gzip").body(bomb).build());

    InvalidResponseException e =
        failsWithin(
            answering().maxResponseBytes(bound),
            InvalidResponseException.class,
            READ_TIMEOUT_MILLIS);

    assertThat(e.getMessage()).contains("larger than " + bound + " bytes");
  }

  @Test
  void gzipErrorBody_thatDecompressesPastTheBound_isStillTheTypedStatus() throws Exception {
    Buffer bomb =
        gzip(
            "{\"errorId\":\"e1\",\"code\":\"BOOM\",\"text\":\""
                + "0".repeat(4 * 1024 * 1024)
                + "\"}");
    server.enqueue(
        new MockResponse.Builder()
            .code(500)
            .setHeader("Content-Type", "application/json")
            .setHeader("Content-Encoding", "gzip")
            .body(bomb)
            .build());

    InternalServerErrorException e =
        failsWithin(
            answering().maxResponseBytes(4_096),
            InternalServerErrorException.class,
            READ_TIMEOUT_MILLIS);

    assertThat(e.error()).isEmpty();
  }

  @Test
  void gzipBody_withinTheBound_isAToken() throws Exception {
    // The control for the two tests above: gzip itself works.
    server.enqueue(
        json("").setHeader("Content-Encoding", "gzip").body(gzip(tokenBody("small"))).build());

    try (OAuthClient client = answering().maxResponseBytes(4_096).build()) {
      assertThat(client.getToken().value()).isEqualTo("nf-token-value");
    }
  }

  @Test
  void slowResponse_tokenExpiryCountsFromTheRequest_notFromTheLateAnswer() throws Exception {
    // expires_in counts from when the server answered, which the client only knows to be after it
    // sent the request. The server moves the client's clock on by ten minutes between the request
    // and the answer: counting from the answer's arrival would keep the token ten minutes past the
    // server's idea of its expiry. No wall clock involved, so no margin for a loaded machine.
    Instant sent = Instant.parse("2026-03-02T10:00:00Z");
    MutableClock clock = new MutableClock(sent);
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            clock.advance(Duration.ofMinutes(10));
            return json(tokenBody("x")).build();
          }
        });

    AccessToken token;
    try (OAuthClient client = answering().clock(clock).build()) {
      token = client.getToken();
    }

    assertThat(clock.instant()).isEqualTo(sent.plus(Duration.ofMinutes(10)));
    assertThat(token.expiresAt()).isEqualTo(sent.plusSeconds(3_600));
  }

  @Test
  void getTokenAsync_onAStalledServer_returnsAtOnce_andFailsWithinTheReadTimeout()
      throws Exception {
    server.enqueue(json(tokenBody("x")).headersDelay(10, TimeUnit.SECONDS).build());
    SdkThreads threads = SdkThreads.snapshot();

    try (OAuthClient client = client().build()) {
      CompletableFuture<AccessToken> future = client.getTokenAsync();
      // Not done on return: it did not wait for the stalled answer (no bound in milliseconds,
      // which a loaded CI machine can miss).
      boolean doneOnReturn = future.isDone();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      try {
        future.get(READ_TIMEOUT_MILLIS + SLACK_MILLIS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        failure.set(e.getCause());
      }

      assertThat(doneOnReturn).as("getTokenAsync() must not block").isFalse();
      assertThat(failure.get()).isInstanceOf(TransportException.class);
      assertNoSecret(failure.get());
    }
    assertThat(threads.aliveAfter(Duration.ofSeconds(2))).isEmpty();
  }

  @Test
  void close_whileACallerWaitsOnAStalledServer_releasesTheCaller_andEveryThread() throws Exception {
    server.enqueue(json(tokenBody("x")).headersDelay(20, TimeUnit.SECONDS).build());
    SdkThreads threads = SdkThreads.snapshot();
    OAuthClient client =
        client().readTimeout(Duration.ofSeconds(15)).callTimeout(Duration.ofSeconds(15)).build();
    CompletableFuture<Throwable> caller =
        CompletableFuture.supplyAsync(() -> catchThrowable(client::getToken));
    assertThat(server.takeRequest(5, TimeUnit.SECONDS))
        .as("the token request reached the server")
        .isNotNull();

    long start = System.nanoTime();
    client.close();
    Throwable e = caller.get(RELEASE_MILLIS, TimeUnit.MILLISECONDS);

    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(RELEASE_MILLIS);
    // The same as calling a closed client (OAuthClient#getToken documents it).
    assertThat(e).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertNoSecret(e);
    assertThat(threads.aliveAfter(Duration.ofSeconds(2))).isEmpty();
  }
}
