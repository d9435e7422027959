package io.tokenapi.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenapi.testkit.RecordedTokenRequest.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;

/**
 * A scriptable fake of the provider's token endpoint on the loopback interface, for tests.
 *
 * <pre>{@code
 * try (FakeTokenServer server = new FakeTokenServer().start()) {
 *     server.enqueueClosed(Duration.ofSeconds(2));   // first request: 503 with Retry-After: 2
 *     OAuthClient client = OAuthClient.builder()
 *         .baseUrl(server.baseUrl())
 *         .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
 *         .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
 *         .build();
 *     AccessToken token = client.getToken();         // second request: a token
 *     assertEquals(server.lastIssuedToken(), token.value());
 *     assertEquals(2, server.requestCount());
 * }
 * }</pre>
 *
 * <p><b>Default behaviour.</b> A {@code POST} to the {@linkplain #tokenPath(String) token path}
 * (default {@value #DEFAULT_TOKEN_PATH}) with the expected {@linkplain #credentials(String, String)
 * credentials} (default {@value #DEFAULT_CLIENT_ID} / {@value #DEFAULT_CLIENT_SECRET}) is answered
 * 200 with a new token {@code {"access_token": "fake-token-1", "token_type": "Bearer",
 * "expires_in": 3600}}, plus {@code "scope"} when the request asked for one. Three request styles
 * are accepted: the provider's JSON body {@code {"client_id": ..., "client_secret": ...}}, and RFC
 * 6749 client credentials in a form body ({@code client_secret_post}) or in an HTTP Basic header
 * ({@code client_secret_basic}, id and secret form-url-encoded first as RFC 6749 section 2.3.1
 * requires). Other outcomes:
 *
 * <ul>
 *   <li>wrong or missing credentials: 401 {@code {"error": "invalid_client", "error_description":
 *       ...}};
 *   <li>malformed JSON or form, a grant type other than {@code client_credentials}, or credentials
 *       both in the header and in the body: 400 with an RFC 6749 body ({@code invalid_request},
 *       {@code unsupported_grant_type});
 *   <li>a content type other than JSON or form: 415; a method other than {@code POST}: 405; another
 *       path: 404, each with the provider's error envelope {@code {"errorId", "code", "text"}};
 *   <li>while the {@linkplain #closedWhen(Predicate, Function) closed schedule} says closed: 503
 *       with the provider's envelope, code {@value #CLOSED_CODE};
 *   <li>when a callback of yours (clock, schedule) throws: 500 with the provider's envelope, code
 *       {@value #FAILURE_CODE}, naming the exception.
 * </ul>
 *
 * Every answer has {@code Content-Type: application/json} unless a {@linkplain #enqueueResponse raw
 * answer} says otherwise. Error ids are {@code fake-error-1}, {@code fake-error-2}, ...; token
 * values are {@code fake-token-1}, {@code fake-token-2}, ...; both keep counting across {@link
 * #reset()} so they stay unique for the server's life.
 *
 * <p><b>Scripted answers.</b> The {@code enqueue...} methods add one-shot answers to a first-in,
 * first-out script. Each request to the token path takes the next scripted answer, whatever its
 * method or credentials; when the script is empty the default behaviour answers. Requests to other
 * paths never consume the script.
 *
 * <p><b>Recording.</b> Every request that reaches the server, on any path, is counted and recorded
 * as a {@link RecordedTokenRequest}; the last {@value #MAX_RECORDED_REQUESTS} are kept.
 *
 * <p><b>Threads.</b> All methods are thread-safe. Settings and scripts may change while the server
 * runs; a request in progress sees either the old or the new value. The server binds {@code
 * 127.0.0.1} only, speaks HTTP/1.1 without TLS, and sets TCP_NODELAY on accepted connections so
 * kept-alive connections serve requests without Nagle stalls.
 */
public final class FakeTokenServer implements AutoCloseable {

  /** The client id the server expects unless {@link #credentials(String, String)} changes it. */
  public static final String DEFAULT_CLIENT_ID = "test-client";

  /**
   * The client secret the server expects unless {@link #credentials(String, String)} changes it.
   */
  public static final String DEFAULT_CLIENT_SECRET = "test-secret";

  /** The token path unless {@link #tokenPath(String)} changes it. */
  public static final String DEFAULT_TOKEN_PATH = "/v1/oauth/token";

  /** The lifetime of issued tokens unless {@link #tokenLifetime(Duration)} changes it: one hour. */
  public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(1);

  /** The {@code token_type} of issued tokens unless {@link #tokenType(String)} changes it. */
  public static final String DEFAULT_TOKEN_TYPE = "Bearer";

  /** The error {@code code} of a 503 "closed" answer. */
  public static final String CLOSED_CODE = "SERVICE_UNAVAILABLE";

  /** The error {@code text} of a 503 "closed" answer, as the provider words it. */
  public static final String CLOSED_TEXT =
      "The server is currently unavailable due to non-working hours. Please try again later.";

  /**
   * The error {@code code} of the 500 answer sent when the server itself fails, such as when a
   * {@linkplain #closedWhen(Predicate) schedule} or {@linkplain #clock(Clock) clock} throws; the
   * {@code text} names the exception.
   */
  public static final String FAILURE_CODE = "FAKE_SERVER_FAILURE";

  /** How long {@link #takeRequest()} waits for a request: ten seconds. */
  public static final Duration DEFAULT_TAKE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * How many requests {@link #recordedRequests()} and {@link #takeRequest()} keep; older ones are
   * dropped.
   */
  public static final int MAX_RECORDED_REQUESTS = 1000;

  /** How many issued tokens {@link #issuedTokens()} and {@link #isIssued(String)} remember. */
  public static final int MAX_REMEMBERED_TOKENS = 10_000;

  /** Request bodies are kept up to this size; a token request is a few hundred bytes. */
  private static final long BODY_LIMIT = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** IMF-fixdate (RFC 9110 5.6.7), always two-digit days, unlike {@code RFC_1123_DATE_TIME}. */
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private final MockWebServer server = new MockWebServer();
  private final ConcurrentLinkedQueue<Function<RecordedTokenRequest, MockResponse>> script =
      new ConcurrentLinkedQueue<>();
  private final AtomicInteger requestCount = new AtomicInteger();
  private final AtomicInteger tokenSequence = new AtomicInteger();
  private final AtomicInteger errorSequence = new AtomicInteger();
  private final LinkedBlockingQueue<RecordedTokenRequest> untaken =
      new LinkedBlockingQueue<>(MAX_RECORDED_REQUESTS);

  /** Guarded by itself. */
  private final ArrayDeque<RecordedTokenRequest> history = new ArrayDeque<>();

  /**
   * Token value to expiry ({@link Instant#MIN} once revoked), in issue order. Guarded by itself.
   */
  private final LinkedHashMap<String, Instant> issued = new LinkedHashMap<>();

  private volatile Credentials credentials;
  private volatile String tokenPath;
  private volatile Duration tokenLifetime;
  private volatile String tokenType;
  private volatile boolean camelCaseFields;
  private volatile boolean expiresInAsString;
  private volatile boolean omitExpiresIn;
  private volatile Clock clock;

  /** Null when always open. */
  private volatile Schedule schedule;

  private volatile String baseUrl;
  private volatile boolean closed;

  /** Creates a server with the default settings. It listens only after {@link #start()}. */
  public FakeTokenServer() {
    restoreDefaults();
    server.setDispatcher(new TokenDispatcher());
    server.setBodyLimit(BODY_LIMIT);
  }

  /**
   * Starts listening on {@code 127.0.0.1} on a free port. Calling it again on a started server does
   * nothing.
   *
   * @return this server
   * @throws IllegalStateException if the server was closed
   * @throws UncheckedIOException if no port could be bound
   */
  public synchronized FakeTokenServer start() {
    if (closed) {
      throw new IllegalStateException("FakeTokenServer was closed");
    }
    if (baseUrl != null) {
      return this;
    }
    server.setServerSocketFactory(new NoDelayServerSocketFactory());
    try {
      server.start(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("FakeTokenServer cannot bind 127.0.0.1", e);
    }
    baseUrl = "http://127.0.0.1:" + server.getPort();
    return this;
  }

  /**
   * Stops the server and closes its connections. A closed server cannot be started again. Calling
   * it twice, or on a server that never started, does nothing.
   */
  @Override
  public synchronized void close() {
    closed = true;
    server.close();
  }

  /**
   * Returns the base URL to give the SDK, without a trailing slash.
   *
   * @return a URL such as {@code "http://127.0.0.1:54321"}
   * @throws IllegalStateException if the server has not been started
   */
  public String baseUrl() {
    String url = baseUrl;
    if (url == null) {
      throw new IllegalStateException("FakeTokenServer is not started: call start() first");
    }
    return url;
  }

  /**
   * Returns the full URL of the token endpoint: the {@linkplain #baseUrl() base URL} plus the
   * {@linkplain #tokenPath(String) token path}.
   *
   * @return a URL such as {@code "http://127.0.0.1:54321/v1/oauth/token"}
   * @throws IllegalStateException if the server has not been started
   */
  public String tokenUrl() {
    return baseUrl() + tokenPath;
  }

  /**
   * Returns the port the server listens on.
   *
   * @return the port
   * @throws IllegalStateException if the server has not been started
   */
  public int port() {
    baseUrl();
    return server.getPort();
  }

  // ---------------------------------------------------------------- settings

  /**
   * Sets the credentials the server accepts. Default {@value #DEFAULT_CLIENT_ID} / {@value
   * #DEFAULT_CLIENT_SECRET}.
   *
   * @param clientId the expected client id
   * @param clientSecret the expected client secret
   * @return this server
   * @throws NullPointerException if an argument is null
   */
  public FakeTokenServer credentials(String clientId, String clientSecret) {
    this.credentials =
        new Credentials(
            Objects.requireNonNull(clientId, "clientId == null"),
            Objects.requireNonNull(clientSecret, "clientSecret == null"));
    return this;
  }

  /**
   * Sets the path of the token endpoint; requests to any other path are answered 404. Default
   * {@value #DEFAULT_TOKEN_PATH}.
   *
   * @param path an absolute path such as {@code "/oauth2/token"}
   * @return this server
   * @throws NullPointerException if {@code path} is null
   * @throws IllegalArgumentException if {@code path} does not start with {@code /}
   */
  public FakeTokenServer tokenPath(String path) {
    Objects.requireNonNull(path, "path == null");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + path);
    }
    this.tokenPath = path;
    return this;
  }

  /**
   * Sets the lifetime of the tokens issued from now on. {@code expires_in} is the lifetime in whole
   * seconds, rounded down; {@link #isValid(String)} uses the exact lifetime. Default one hour.
   *
   * @param lifetime zero or a positive duration
   * @return this server
   * @throws NullPointerException if {@code lifetime} is null
   * @throws IllegalArgumentException if {@code lifetime} is negative
   */
  public FakeTokenServer tokenLifetime(Duration lifetime) {
    Objects.requireNonNull(lifetime, "lifetime == null");
    if (lifetime.isNegative()) {
      throw new IllegalArgumentException("lifetime < 0: " + lifetime);
    }
    this.tokenLifetime = lifetime;
    return this;
  }

  /**
   * Sets the {@code token_type} of issued tokens. Default {@value #DEFAULT_TOKEN_TYPE}.
   *
   * @param type the token type, such as {@code "bearer"}
   * @return this server
   * @throws NullPointerException if {@code type} is null
   */
  public FakeTokenServer tokenType(String type) {
    this.tokenType = Objects.requireNonNull(type, "type == null");
    return this;
  }

  /**
   * Names the success fields {@code accessToken}, {@code tokenType}, {@code expiresIn} instead of
   * {@code access_token}, {@code token_type}, {@code expires_in}. Default false.
   *
   * @param camelCase true for camel-case field names
   * @return this server
   */
  public FakeTokenServer camelCaseFields(boolean camelCase) {
    this.camelCaseFields = camelCase;
    return this;
  }

  /**
   * Sends {@code expires_in} as a JSON string ({@code "3600"}) instead of a number. Default false.
   *
   * @param asString true to send the lifetime as a string
   * @return this server
   */
  public FakeTokenServer expiresInAsString(boolean asString) {
    this.expiresInAsString = asString;
    return this;
  }

  /**
   * Leaves {@code expires_in} out of success answers, so clients fall back to their default
   * lifetime. The server still expires its tokens after the {@linkplain #tokenLifetime(Duration)
   * token lifetime}. Default false.
   *
   * @param omit true to omit the field
   * @return this server
   */
  public FakeTokenServer omitExpiresIn(boolean omit) {
    this.omitExpiresIn = omit;
    return this;
  }

  /**
   * Sets the clock that stamps requests, drives the {@linkplain #closedWhen(Predicate, Function)
   * closed schedule} and expires tokens for {@link #isValid(String)}. Give the SDK the same clock
   * to test schedules without waiting. Default {@link Clock#systemUTC()}.
   *
   * @param clock the clock
   * @return this server
   * @throws NullPointerException if {@code clock} is null
   */
  public FakeTokenServer clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock == null");
    return this;
  }

  /**
   * Answers 503 "closed" (no {@code Retry-After}) to token requests while {@code closed} returns
   * true for the {@linkplain #clock(Clock) clock's} current instant. Scripted answers still come
   * first.
   *
   * @param closed tells whether the provider is closed at an instant
   * @return this server
   * @throws NullPointerException if {@code closed} is null
   * @see #closedWhen(Predicate, Function)
   */
  public FakeTokenServer closedWhen(Predicate<Instant> closed) {
    this.schedule = new Schedule(Objects.requireNonNull(closed, "closed == null"), null);
    return this;
  }

  /**
   * Answers 503 "closed" to token requests while {@code closed} returns true for the {@linkplain
   * #clock(Clock) clock's} current instant, with {@code Retry-After} in delta-seconds until {@code
   * reopensAt(now)} (rounded up; no header when it returns null). Scripted answers still come
   * first. With the SDK's {@code WorkingHours}:
   *
   * <pre>{@code
   * WorkingHours hours = WorkingHours.of(ZoneId.of("Europe/Berlin"),
   *         LocalTime.of(8, 0), LocalTime.of(18, 0), EnumSet.range(MONDAY, FRIDAY));
   * server.clock(clock).closedWhen(Predicate.not(hours::isOpen), hours::nextOpening);
   * }</pre>
   *
   * @param closed tells whether the provider is closed at an instant
   * @param reopensAt gives, for an instant when closed, the instant it opens again
   * @return this server
   * @throws NullPointerException if an argument is null
   */
  public FakeTokenServer closedWhen(
      Predicate<Instant> closed, Function<Instant, Instant> reopensAt) {
    this.schedule =
        new Schedule(
            Objects.requireNonNull(closed, "closed == null"),
            Objects.requireNonNull(reopensAt, "reopensAt == null"));
    return this;
  }

  /**
   * Removes the closed schedule: the server is open at all times again (the default).
   *
   * @return this server
   */
  public FakeTokenServer alwaysOpen() {
    this.schedule = null;
    return this;
  }

  /**
   * Brings the server back to the state of a new one, keeping its port: default settings, empty
   * script, zero request count, no recorded requests, no issued tokens. Token values and error ids
   * keep counting.
   *
   * @return this server
   */
  public FakeTokenServer reset() {
    restoreDefaults();
    script.clear();
    requestCount.set(0);
    untaken.clear();
    synchronized (history) {
      history.clear();
    }
    synchronized (issued) {
      issued.clear();
    }
    return this;
  }

  private void restoreDefaults() {
    credentials = new Credentials(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);
    tokenPath = DEFAULT_TOKEN_PATH;
    tokenLifetime = DEFAULT_TOKEN_LIFETIME;
    tokenType = DEFAULT_TOKEN_TYPE;
    camelCaseFields = false;
    expiresInAsString = false;
    omitExpiresIn = false;
    clock = Clock.systemUTC();
    schedule = null;
  }

  // ---------------------------------------------------------------- script

  /**
   * Scripts an error answer with the provider's envelope {@code {"errorId", "code", "text"}}.
   *
   * @param status the HTTP status, 100 to 599
   * @param code the envelope's {@code code}
   * @param text the envelope's {@code text}
   * @return this server
   * @throws NullPointerException if {@code code} or {@code text} is null
   * @throws IllegalArgumentException if {@code status} is out of range
   */
  public FakeTokenServer enqueueError(int status, String code, String text) {
    checkStatus(status);
    Objects.requireNonNull(code, "code == null");
    Objects.requireNonNull(text, "text == null");
    script.add(request -> envelope(status, code, text, null).toMockResponse());
    return this;
  }

  /**
   * Scripts an error answer with the provider's full envelope, including {@code parameter_name} and
   * {@code parameter_value}.
   *
   * @param status the HTTP status, 100 to 599
   * @param code the envelope's {@code code}
   * @param text the envelope's {@code text}
   * @param parameterName the envelope's {@code parameter_name}, or null
   * @param parameterValue the envelope's {@code parameter_value}: null, a String, Number, Boolean,
   *     List or Map
   * @return this server
   * @throws NullPointerException if {@code code} or {@code text} is null
   * @throws IllegalArgumentException if {@code status} is out of range
   */
  public FakeTokenServer enqueueError(
      int status, String code, String text, String parameterName, Object parameterValue) {
    checkStatus(status);
    Objects.requireNonNull(code, "code == null");
    Objects.requireNonNull(text, "text == null");
    Map<String, Object> parameter = new LinkedHashMap<>();
    parameter.put("parameter_name", parameterName);
    parameter.put("parameter_value", parameterValue);
    script.add(request -> envelope(status, code, text, parameter).toMockResponse());
    return this;
  }

  /**
   * Scripts a 409 answer, code {@code CONFLICT}.
   *
   * @return this server
   */
  public FakeTokenServer enqueueConflict() {
    return enqueueError(409, "CONFLICT", "Action could not be completed because of conflict.");
  }

  /**
   * Scripts a 500 answer, code {@code INTERNAL_SERVER_ERROR}.
   *
   * @return this server
   */
  public FakeTokenServer enqueueServerError() {
    return enqueueError(500, "INTERNAL_SERVER_ERROR", "Internal server error.");
  }

  /**
   * Scripts a 503 "closed" answer without {@code Retry-After}.
   *
   * @return this server
   */
  public FakeTokenServer enqueueClosed() {
    script.add(request -> closedAnswer(null).toMockResponse());
    return this;
  }

  /**
   * Scripts a 503 "closed" answer with {@code Retry-After} in delta-seconds.
   *
   * @param retryAfter the wait to announce; rounded up to whole seconds
   * @return this server
   * @throws NullPointerException if {@code retryAfter} is null
   * @throws IllegalArgumentException if {@code retryAfter} is negative
   */
  public FakeTokenServer enqueueClosed(Duration retryAfter) {
    Objects.requireNonNull(retryAfter, "retryAfter == null");
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter < 0: " + retryAfter);
    }
    String seconds = Long.toString(ceilSeconds(retryAfter));
    script.add(request -> closedAnswer(seconds).toMockResponse());
    return this;
  }

  /**
   * Scripts a 503 "closed" answer with {@code Retry-After} as an HTTP-date, such as {@code
   * Retry-After: Mon, 02 Jun 2025 08:00:00 GMT}.
   *
   * @param reopensAt the instant to announce; sub-second parts are dropped, as HTTP-dates have none
   * @return this server
   * @throws NullPointerException if {@code reopensAt} is null
   */
  public FakeTokenServer enqueueClosedUntil(Instant reopensAt) {
    String date = HTTP_DATE.format(Objects.requireNonNull(reopensAt, "reopensAt == null"));
    script.add(request -> closedAnswer(date).toMockResponse());
    return this;
  }

  /**
   * Scripts a raw answer. {@code Content-Type: application/json} is added unless {@code headers}
   * has a {@code Content-Type}.
   *
   * @param status the HTTP status, 100 to 599
   * @param headers the response headers; may be empty
   * @param body the response body; may be empty
   * @return this server
   * @throws NullPointerException if {@code headers} or {@code body} is null
   * @throws IllegalArgumentException if {@code status} is out of range
   */
  public FakeTokenServer enqueueResponse(int status, Map<String, String> headers, String body) {
    checkStatus(status);
    Answer answer = new Answer(status, Objects.requireNonNull(body, "body == null"));
    Objects.requireNonNull(headers, "headers == null").forEach(answer::header);
    script.add(request -> answer.toMockResponse());
    return this;
  }

  /**
   * Scripts a delay: the next token request gets its default answer (a token, 401, 503 when
   * closed...) after waiting {@code delay} before the response headers. Use it to trigger a
   * client's read timeout. The wait ends early when the server closes.
   *
   * @param delay the wait before the headers
   * @return this server
   * @throws NullPointerException if {@code delay} is null
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public FakeTokenServer enqueueDelay(Duration delay) {
    Objects.requireNonNull(delay, "delay == null");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay < 0: " + delay);
    }
    long nanos = delay.toNanos();
    script.add(
        request ->
            defaultAnswer(request)
                .toMockResponse()
                .newBuilder()
                .headersDelay(nanos, TimeUnit.NANOSECONDS)
                .build());
    return this;
  }

  /**
   * Scripts a disconnect: the server reads the next token request and closes the connection without
   * answering. No token is issued. On a kept-alive connection, an OkHttp client with {@code
   * retryOnConnectionFailure} on (its default) resends the request by itself on a new connection,
   * and the resent request takes the next scripted answer; to see the failure, use a client with
   * {@code retryOnConnectionFailure(false)} or a fresh connection.
   *
   * @return this server
   */
  public FakeTokenServer enqueueDisconnect() {
    script.add(
        request ->
            new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());
    return this;
  }

  /**
   * Scripts a disconnect in the middle of the body: the next token request gets its default
   * answer's status line, headers and half of its body, then the connection closes. If that answer
   * was a token, it counts as issued.
   *
   * @return this server
   */
  public FakeTokenServer enqueueDisconnectDuringBody() {
    script.add(
        request ->
            defaultAnswer(request)
                .toMockResponse()
                .newBuilder()
                .onResponseBody(new SocketEffect.CloseSocket())
                .build());
    return this;
  }

  /**
   * Scripts a truncated JSON body in a well-formed HTTP response: the next token request gets its
   * default answer with only the first half of the body (and a matching {@code Content-Length}), so
   * the client sees a complete response whose JSON does not parse. If that answer was a token, it
   * counts as issued.
   *
   * @return this server
   */
  public FakeTokenServer enqueueTruncatedJson() {
    script.add(
        request -> {
          Answer answer = defaultAnswer(request);
          return answer
              .withBody(answer.body.substring(0, answer.body.length() / 2))
              .toMockResponse();
        });
    return this;
  }

  /**
   * Returns how many scripted answers are still waiting for a request.
   *
   * @return the number of unused scripted answers
   */
  public int scriptedAnswersRemaining() {
    return script.size();
  }

  // ---------------------------------------------------------------- recording

  /**
   * Returns how many requests the server received since it started or was {@linkplain #reset()
   * reset}, on any path, including requests that were disconnected.
   *
   * @return the request count
   */
  public int requestCount() {
    return requestCount.get();
  }

  /**
   * Removes and returns the oldest request not taken yet, waiting up to {@link
   * #DEFAULT_TAKE_TIMEOUT} for one.
   *
   * @return the request
   * @throws IllegalStateException if no request arrives in time, or the thread is interrupted
   */
  public RecordedTokenRequest takeRequest() {
    return takeRequest(DEFAULT_TAKE_TIMEOUT);
  }

  /**
   * Removes and returns the oldest request not taken yet, waiting up to {@code timeout} for one.
   *
   * @param timeout how long to wait
   * @return the request
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalStateException if no request arrives in time, or the thread is interrupted
   */
  public RecordedTokenRequest takeRequest(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout == null");
    try {
      RecordedTokenRequest request = untaken.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (request == null) {
        throw new IllegalStateException("No request arrived within " + timeout);
      }
      return request;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a request", e);
    }
  }

  /**
   * Returns the recorded requests, oldest first, whether taken or not; at most the last {@value
   * #MAX_RECORDED_REQUESTS}.
   *
   * @return an immutable snapshot
   */
  public List<RecordedTokenRequest> recordedRequests() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  /**
   * Returns the token values issued, oldest first; at most the last {@value
   * #MAX_REMEMBERED_TOKENS}.
   *
   * @return an immutable snapshot
   */
  public List<String> issuedTokens() {
    synchronized (issued) {
      return List.copyOf(issued.keySet());
    }
  }

  /**
   * Returns the token value issued last.
   *
   * @return the last token value
   * @throws IllegalStateException if no token has been issued
   */
  public String lastIssuedToken() {
    synchronized (issued) {
      String last = null;
      for (String token : issued.keySet()) {
        last = token;
      }
      if (last == null) {
        throw new IllegalStateException("No token has been issued");
      }
      return last;
    }
  }

  /**
   * Tells whether this server issued a token, whether or not it is still valid.
   *
   * @param token a token value, such as the one in a resource request's {@code Authorization:
   *     Bearer} header
   * @return true if this server issued it (among the last {@value #MAX_REMEMBERED_TOKENS})
   */
  public boolean isIssued(String token) {
    synchronized (issued) {
      return issued.containsKey(token);
    }
  }

  /**
   * Tells whether a token was issued by this server, has not expired by the {@linkplain
   * #clock(Clock) clock} and was not {@linkplain #revoke(String) revoked}. A resource-server fake
   * can use this to answer 401.
   *
   * @param token a token value; null gives false
   * @return true if the token is valid now
   */
  public boolean isValid(String token) {
    Instant expiresAt;
    synchronized (issued) {
      expiresAt = issued.get(token);
    }
    return expiresAt != null && clock.instant().isBefore(expiresAt);
  }

  /**
   * Revokes an issued token: {@link #isValid(String)} returns false for it from now on. Unknown
   * tokens are ignored.
   *
   * @param token the token value
   * @return this server
   */
  public FakeTokenServer revoke(String token) {
    synchronized (issued) {
      issued.replace(token, Instant.MIN);
    }
    return this;
  }

  /**
   * Describes the server by its base URL, without credentials or tokens.
   *
   * @return a description such as {@code FakeTokenServer{http://127.0.0.1:54321}}
   */
  @Override
  public String toString() {
    String url = baseUrl;
    return "FakeTokenServer{" + (closed ? "closed" : url == null ? "not started" : url) + "}";
  }

  // ---------------------------------------------------------------- answering

  private MockResponse dispatch(RecordedRequest raw) {
    requestCount.incrementAndGet();
    String path = raw.getUrl().encodedPath();
    String body = raw.getBody() == null ? "" : raw.getBody().utf8();
    RecordedTokenRequest request =
        TokenRequestParser.parse(
            raw.getMethod(), path, raw.getHeaders().toMultimap(), body, clock.instant());
    record(request);
    if (!path.equals(tokenPath)) {
      return envelope(404, "NOT_FOUND", "No resource at " + path + ".", null).toMockResponse();
    }
    Function<RecordedTokenRequest, MockResponse> scripted = script.poll();
    return scripted != null ? scripted.apply(request) : defaultAnswer(request).toMockResponse();
  }

  private Answer defaultAnswer(RecordedTokenRequest request) {
    if (!request.method().equals("POST")) {
      return envelope(405, "METHOD_NOT_ALLOWED", "Use POST.", null).header("Allow", "POST");
    }
    Instant now = request.receivedAt();
    Schedule closedSchedule = schedule;
    if (closedSchedule != null && closedSchedule.closed().test(now)) {
      String retryAfter = null;
      if (closedSchedule.reopensAt() != null) {
        Instant reopens = closedSchedule.reopensAt().apply(now);
        if (reopens != null) {
          retryAfter = Long.toString(Math.max(0, ceilSeconds(Duration.between(now, reopens))));
        }
      }
      return closedAnswer(retryAfter);
    }
    Problem problem = request.problem();
    if (problem != null) {
      return problem.oauth()
          ? oauthError(problem.status(), problem.code(), problem.text())
          : envelope(problem.status(), problem.code(), problem.text(), null);
    }
    Credentials expected = credentials;
    if (!expected.id().equals(request.clientId().orElse(null))
        || !expected.secret().equals(request.clientSecret().orElse(null))) {
      return oauthError(401, "invalid_client", "Client authentication failed.")
          .header("WWW-Authenticate", "Basic realm=\"FakeTokenServer\"");
    }
    return issueToken(request.scope().filter(s -> !s.isEmpty()).orElse(null), now);
  }

  private Answer issueToken(String scope, Instant now) {
    String token = "fake-token-" + tokenSequence.incrementAndGet();
    Duration lifetime = tokenLifetime;
    synchronized (issued) {
      issued.put(token, now.plus(lifetime));
      Iterator<String> oldest = issued.keySet().iterator();
      while (issued.size() > MAX_REMEMBERED_TOKENS) {
        oldest.next();
        oldest.remove();
      }
    }
    boolean camel = camelCaseFields;
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put(camel ? "accessToken" : "access_token", token);
    fields.put(camel ? "tokenType" : "token_type", tokenType);
    if (!omitExpiresIn) {
      long seconds = lifetime.getSeconds();
      fields.put(
          camel ? "expiresIn" : "expires_in", expiresInAsString ? Long.toString(seconds) : seconds);
    }
    if (scope != null) {
      fields.put("scope", scope);
    }
    return new Answer(200, json(fields));
  }

  private Answer closedAnswer(String retryAfter) {
    Answer answer = envelope(503, CLOSED_CODE, CLOSED_TEXT, null);
    return retryAfter == null ? answer : answer.header("Retry-After", retryAfter);
  }

  private Answer envelope(int status, String code, String text, Map<String, Object> parameter) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("errorId", "fake-error-" + errorSequence.incrementAndGet());
    fields.put("code", code);
    fields.put("text", text);
    if (parameter != null) {
      fields.putAll(parameter);
    }
    return new Answer(status, json(fields));
  }

  private static Answer oauthError(int status, String error, String description) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("error", error);
    fields.put("error_description", description);
    return new Answer(status, json(fields));
  }

  private void record(RecordedTokenRequest request) {
    synchronized (history) {
      if (history.size() == MAX_RECORDED_REQUESTS) {
        history.removeFirst();
      }
      history.addLast(request);
    }
    while (!untaken.offer(request)) {
      untaken.poll(); // Full: drop the oldest untaken request to keep memory bounded.
    }
  }

  private static String json(Map<String, Object> fields) {
    try {
      return JSON.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Cannot write the answer as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static long ceilSeconds(Duration duration) {
    long seconds = duration.getSeconds();
    return duration.getNano() > 0 ? seconds + 1 : seconds;
  }

  private static void checkStatus(int status) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100..599: " + status);
    }
  }

  /** Routes every request to {@link #dispatch(RecordedRequest)}. */
  private final class TokenDispatcher extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
      // MockWebServer also queues every request for its own takeRequest(), which this class never
      // uses:
      // drain it so a long load test does not accumulate them.
      while (server.takeRequest(0, TimeUnit.NANOSECONDS) != null) {
        continue;
      }
      try {
        return FakeTokenServer.this.dispatch(request);
      } catch (RuntimeException e) {
        // A throwing user callback (clock, schedule) would otherwise surface as a bare disconnect.
        return envelope(500, FAILURE_CODE, "FakeTokenServer failed: " + e, null).toMockResponse();
      }
    }
  }

  private record Credentials(String id, String secret) {}

  private record Schedule(Predicate<Instant> closed, Function<Instant, Instant> reopensAt) {}

  /** An answer before it becomes a {@link MockResponse}, so faults can still change its body. */
  private static final class Answer {
    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    final String body;

    Answer(int status, String body) {
      this.status = status;
      this.body = body;
    }

    Answer header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Answer withBody(String newBody) {
      Answer copy = new Answer(status, newBody);
      copy.headers.putAll(headers);
      return copy;
    }

    MockResponse toMockResponse() {
      MockResponse.Builder builder = new MockResponse.Builder().code(status).body(body);
      boolean hasContentType = false;
      for (Map.Entry<String, String> header : headers.entrySet()) {
        builder.setHeader(header.getKey(), header.getValue());
        hasContentType |= header.getKey().equalsIgnoreCase("Content-Type");
      }
      if (!hasContentType) {
        builder.setHeader("Content-Type", "application/json");
      }
      return builder.build();
    }
  }
}
