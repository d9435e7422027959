package io.tokenapi.sdk;

import static io.tokenapi.sdk.HostileInputs.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import okhttp3.Headers;
import okio.Buffer;
import okio.BufferedSink;
import okio.GzipSink;
import okio.Okio;

/**
 * Random answers from a hostile token server over loopback: any status, {@code Retry-After} in
 * every malformed shape, odd content types, broken framing, and bodies from {@link HostileInputs}.
 * Every call ends, within a bound, in a usable token or an {@link OAuthException} subclass that
 * fits the status; never another exception, never a hang, never the secret or a line break in the
 * message.
 */
class HostileInputPropertiesTest {
  static final int TRIES = 200;

  /**
   * No call may take longer. The worst legitimate case is about 1 s (broken framing cut by its 1 s
   * call timeout, or a retrying client reaching maxWait); the rest is slack for a loaded machine,
   * not for a hang.
   */
  private static final long CALL_BOUND_MILLIS = 8_000;

  /**
   * Timeouts for an answer HTTP carries without trouble: it can only time out on a bug or a starved
   * machine, so the bound is one a starved machine meets; the answer comes in milliseconds.
   */
  private static final Duration WELL_FRAMED_TIMEOUT = Duration.ofSeconds(5);

  /**
   * The read timeout for broken framing, where waiting for bytes that never come is a fitting end:
   * short, because such tries pay it.
   */
  private static final long BROKEN_READ_TIMEOUT_MILLIS = 500;

  /** maxWait of the retrying clients: bounds each try, 503 closures included. */
  private static final long MAX_WAIT_MILLIS = 1_000;

  private static MockWebServer server;
  private static SdkThreads threads;
  private static volatile MockResponse current;

  /** How the body is framed on the wire. */
  enum Framing {
    PLAIN,
    GZIP_HEADER_ON_PLAIN_BODY,
    GZIP,
    CHUNKED_HEADER_ON_PLAIN_BODY,
    CONTENT_LENGTH_SHORT
  }

  /** One hostile answer. */
  record Answer(
      int status,
      List<String> retryAfter,
      String contentType,
      Framing framing,
      byte[] body,
      boolean retries) {
    /**
     * An answer that HTTP itself carries without trouble, so that a transport error would be the
     * SDK's fault.
     */
    boolean wellFramed() {
      return framing == Framing.PLAIN || framing == Framing.GZIP
          ? status >= 200
              && status != 204
              && status != 205
              && status != 304
              && retryAfter.stream().noneMatch(v -> v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0)
              && (contentType == null
                  || (contentType.indexOf('\r') < 0 && contentType.indexOf('\n') < 0))
          : false;
    }

    @Override
    public String toString() {
      return "HTTP "
          + status
          + " retryAfter="
          + retryAfter
          + " contentType="
          + contentType
          + " framing="
          + framing
          + " retries="
          + retries
          + " body="
          + new String(body, StandardCharsets.UTF_8);
    }
  }

  @BeforeContainer
  static void startServer() throws IOException {
    threads = SdkThreads.snapshot();
    server = new MockWebServer();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return current;
          }
        });
    server.start();
    warmUp();
  }

  /**
   * One call before the tries, so that class loading and JIT on a busy machine do not count against
   * try 1.
   */
  private static void warmUp() {
    current = new MockResponse.Builder().body("{\"access_token\":\"warm-up\"}").build();
    try (OAuthClient client = client(false, true)) {
      assertThat(client.getToken().value()).isEqualTo("warm-up");
    }
  }

  @AfterContainer
  static void stopServer() throws InterruptedException {
    server.close();
    assertThat(threads.aliveAfter(Duration.ofSeconds(3)))
        .as("SDK threads alive after every client closed")
        .isEmpty();
  }

  @Provide
  Arbitrary<Answer> answers() {
    Arbitrary<byte[]> bodies =
        Arbitraries.frequencyOf(
            List.of(Tuple.of(3, HostileInputs.bodies()), Tuple.of(1, validTokenBodies())));
    Arbitrary<Framing> framings =
        Arbitraries.frequencyOf(
            List.of(
                Tuple.of(12, Arbitraries.just(Framing.PLAIN)),
                Tuple.of(2, Arbitraries.just(Framing.GZIP)),
                Tuple.of(
                    1,
                    Arbitraries.of(
                        Framing.GZIP_HEADER_ON_PLAIN_BODY,
                        Framing.CHUNKED_HEADER_ON_PLAIN_BODY,
                        Framing.CONTENT_LENGTH_SHORT))));
    return Combinators.combine(
            HostileInputs.statuses(),
            HostileInputs.retryAfterValues().list().ofMaxSize(2),
            HostileInputs.contentTypes(),
            framings,
            bodies,
            Arbitraries.of(true, false))
        .as(Answer::new);
  }

  private static Arbitrary<byte[]> validTokenBodies() {
    return Combinators.combine(
            Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(30),
            Arbitraries.integers().between(0, 100_000))
        .as(
            (value, expiresIn) ->
                ("{\"access_token\":"
                        + HostileInputs.quote(value)
                        + ",\"token_type\":\"Bearer\","
                        + "\"expires_in\":"
                        + expiresIn
                        + "}")
                    .getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = TRIES, edgeCases = EdgeCasesMode.NONE)
  void anyAnswer_isAUsableTokenOrAFittingOAuthException_withinTheBound(
      @ForAll("answers") Answer answer) throws Exception {
    current = response(answer);
    Object outcome;
    long callMillis;
    long start = System.nanoTime();
    try (OAuthClient client = client(answer.retries(), answer.wellFramed())) {
      long callStart = System.nanoTime();
      CompletableFuture<AccessToken> future = client.getTokenAsync();
      try {
        outcome = future.get(CALL_BOUND_MILLIS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        outcome = e.getCause();
      } catch (TimeoutException e) {
        outcome = fail("no outcome within " + CALL_BOUND_MILLIS + " ms: the call hangs");
      }
      callMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - callStart);
    }
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    boolean cutByMaxWait = cutByMaxWait(outcome, answer, callMillis);
    Statistics.label("outcome")
        .collect(outcome.getClass().getSimpleName() + (cutByMaxWait ? " (maxWait)" : ""));

    assertThat(elapsedMillis).isLessThan(CALL_BOUND_MILLIS);
    if (outcome instanceof AccessToken) {
      assertThat(answer.status()).isBetween(200, 299);
      AccessToken token = (AccessToken) outcome;
      assertThat(token.value()).isNotBlank();
      assertThat(token.expiresAt()).isAfterOrEqualTo(Instant.now().minusSeconds(60));
      new Headers.Builder().add("Authorization", token.authorizationHeader());
      return;
    }
    assertThat(outcome).isInstanceOf(OAuthException.class);
    assertThat(outcome.getClass())
        .as("a plain OAuthException means an unexpected exception was wrapped")
        .isNotEqualTo(OAuthException.class);
    OAuthException e = (OAuthException) outcome;
    assertThat(e.getMessage())
        .doesNotContain(SECRET)
        .doesNotContain("\n")
        .doesNotContain("\r")
        .hasSizeLessThan(1_500);
    assertFits(e, answer, cutByMaxWait);
  }

  /**
   * A 1xx answer is not the final one: OkHttp waits for the real answer, so a server that sends
   * only a 1xx ends in the read timeout. Kept out of the random statuses because each such try
   * costs a read timeout.
   */
  @Example
  void informationalStatus_withoutAFinalAnswer_isTransportException_afterTheReadTimeout()
      throws Exception {
    for (int status : new int[] {100, 199}) {
      current = new MockResponse.Builder().code(status).build();
      // The call timeout well past the read timeout: the exception's type, not a bound in
      // milliseconds, tells which one ended the call (OkHttp's call timeout is a plain
      // InterruptedIOException).
      try (OAuthClient client =
          builder(false)
              .readTimeout(Duration.ofMillis(BROKEN_READ_TIMEOUT_MILLIS))
              .callTimeout(WELL_FRAMED_TIMEOUT)
              .build()) {
        long start = System.nanoTime();
        Throwable e = catchThrowable(client::getToken);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(e).as("HTTP %s", status).isInstanceOf(TransportException.class);
        assertThat(e.getCause()).as("HTTP %s", status).isInstanceOf(SocketTimeoutException.class);
        assertThat(elapsedMillis).isGreaterThanOrEqualTo(BROKEN_READ_TIMEOUT_MILLIS);
      }
    }
  }

  /**
   * Whether a retrying client's call ran out of maxWait: a timeout, once at least maxWait had
   * passed. The last attempt gets only what is left of maxWait (as little as {@link
   * RetryRules#MIN_ATTEMPT_MILLIS}, after a 503 closure waited out to the end), so on a busy
   * machine even a well-framed answer can end this way; without load it never does.
   */
  private static boolean cutByMaxWait(Object outcome, Answer answer, long callMillis) {
    return answer.retries()
        && outcome instanceof TransportException
        && ((TransportException) outcome).getCause() instanceof InterruptedIOException
        && callMillis >= MAX_WAIT_MILLIS - 10;
  }

  /**
   * The exception type follows from the status, unless the wire itself was broken or the call ran
   * out of maxWait (documented: maxWait bounds the whole call, and a busy machine can use it up).
   */
  private static void assertFits(OAuthException e, Answer answer, boolean cutByMaxWait) {
    int status = answer.status();
    if (e instanceof TransportException) {
      assertThat(answer.wellFramed() && !cutByMaxWait)
          .as("a transport error for a well-framed answer: %s", e)
          .isFalse();
      return;
    }
    if (e instanceof InvalidResponseException) {
      assertThat(status).isBetween(200, 299);
      return;
    }
    assertThat(e).isInstanceOf(ApiException.class);
    ApiException api = (ApiException) e;
    assertThat(api.statusCode()).isEqualTo(status);
    assertThat(status / 100).as("status class").isNotEqualTo(2);
    switch (status) {
      case 409:
        assertThat(e).isInstanceOf(ConflictException.class);
        break;
      case 500:
        assertThat(e).isInstanceOf(InternalServerErrorException.class);
        break;
      case 503:
        assertThat(e).isInstanceOf(ServiceUnavailableException.class);
        ((ServiceUnavailableException) e)
            .retryAt()
            .ifPresent(
                at -> assertThat(at).isBefore(Instant.now().plus(RetryAfter.MAX).plusSeconds(60)));
        break;
      default:
        break;
    }
  }

  /**
   * A client for one try: generous timeouts for a well-framed answer, short ones for broken framing
   * (which may end in a read timeout, and each such try pays it).
   */
  private static OAuthClient client(boolean retries, boolean wellFramed) {
    return builder(retries)
        .readTimeout(
            wellFramed ? WELL_FRAMED_TIMEOUT : Duration.ofMillis(BROKEN_READ_TIMEOUT_MILLIS))
        .callTimeout(wellFramed ? WELL_FRAMED_TIMEOUT : Duration.ofSeconds(1))
        .build();
  }

  private static OAuthClient.Builder builder(boolean retries) {
    return OAuthClient.builder()
        .baseUrl(server.url("/"))
        .clientId("hostile-client")
        .clientSecret(SECRET)
        .retryPolicy(
            retries
                ? RetryPolicy.builder()
                    .maxAttempts(2)
                    .initialBackoff(Duration.ofMillis(1))
                    .maxBackoff(Duration.ofMillis(10))
                    .maxWait(Duration.ofMillis(MAX_WAIT_MILLIS))
                    .build()
                : RetryPolicy.none());
  }

  private static MockResponse response(Answer answer) throws IOException {
    MockResponse.Builder r = new MockResponse.Builder().code(answer.status());
    for (String value : answer.retryAfter()) {
      r.addHeaderLenient("Retry-After", value);
    }
    if (answer.contentType() != null) {
      r.addHeaderLenient("Content-Type", answer.contentType());
    }
    byte[] body = answer.body();
    switch (answer.framing()) {
      case GZIP:
        Buffer compressed = new Buffer();
        try (BufferedSink sink = Okio.buffer(new GzipSink(compressed))) {
          sink.write(body);
        }
        r.body(compressed).setHeader("Content-Encoding", "gzip");
        break;
      case GZIP_HEADER_ON_PLAIN_BODY:
        r.body(new Buffer().write(body)).setHeader("Content-Encoding", "gzip");
        break;
      case CHUNKED_HEADER_ON_PLAIN_BODY:
        r.body(new Buffer().write(body))
            .removeHeader("Content-Length")
            .setHeader("Transfer-Encoding", "chunked");
        break;
      case CONTENT_LENGTH_SHORT:
        r.body(new Buffer().write(body)).setHeader("Content-Length", Math.max(0, body.length - 1));
        break;
      default:
        r.body(new Buffer().write(body));
        break;
    }
    return r.build();
  }
}
