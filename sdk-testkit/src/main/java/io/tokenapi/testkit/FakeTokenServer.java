package io.tokenapi.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
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
 * method or credentials; when the script is empty, a {@linkplain #failEveryRequest standing
 * failure} answers if there is one, else the default behaviour. Requests to other paths never
 * consume the script. Answers can also be {@linkplain #holdAnswers() held} until the test releases
 * them, or {@linkplain #delayAnswers(Duration) delayed}.
 *
 * <p><b>Recording.</b> Every request that reaches the server, on any path, is counted and recorded
 * as a {@link RecordedTokenRequest}; the last {@value #MAX_RECORDED_REQUESTS} are kept. A test can
 * {@linkplain #awaitRequestCount(int) wait for a count}.
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

  /**
   * How long a {@linkplain #holdAnswers() held} answer waits at most for {@link #releaseAnswers()}:
   * ten seconds, so a test that forgets to release cannot hang.
   */
  public static final Duration MAX_HOLD = Duration.ofSeconds(10);

  /** How long {@link #awaitRequestCount(int)} waits: ten seconds. */
  public static final Duration DEFAULT_AWAIT_TIMEOUT = Duration.ofSeconds(10);

  /** Request bodies are kept up to this size; a token request is a few hundred bytes. */
  private static final long BODY_LIMIT = 64 * 1024;

  // The parts, as mockwebserver3 splits MockWebServer, Dispatcher and MockResponse: this class is
  // the entry point and delegates; TokenDispatcher routes; AnswerScript and DefaultAnswers answer.
  private final MockWebServer server = new MockWebServer();
  private final Settings settings = new Settings();
  private final RequestJournal journal = new RequestJournal(MAX_RECORDED_REQUESTS);
  private final TokenLedger ledger = new TokenLedger(MAX_REMEMBERED_TOKENS);
  private final AnswerScript script = new AnswerScript();
  private final DefaultAnswers defaults = new DefaultAnswers(settings, ledger);
  private final TokenDispatcher dispatcher =
      new TokenDispatcher(server, settings, journal, script, defaults, MAX_HOLD);

  private volatile String baseUrl;
  private volatile boolean closed;

  /** Creates a server with the default settings. It listens only after {@link #start()}. */
  public FakeTokenServer() {
    server.setDispatcher(dispatcher);
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
    script.release();
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
    return baseUrl() + settings.tokenPath;
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
    settings.credentials =
        new Settings.Credentials(
            Objects.requireNonNull(clientId, "clientId == null"),
            Objects.requireNonNull(clientSecret, "clientSecret == null"));
    return this;
  }

  /**
   * Accepts one more client id and secret, beside those of {@link #credentials(String, String)}:
   * for a client that holds many tenants' credentials. Repeatable; a later secret for the same id
   * replaces the earlier one. Cleared by {@link #reset()}.
   *
   * @param clientId an accepted client id
   * @param clientSecret its secret
   * @return this server
   * @throws NullPointerException if an argument is null
   */
  public FakeTokenServer client(String clientId, String clientSecret) {
    settings.clients.put(
        Objects.requireNonNull(clientId, "clientId == null"),
        Objects.requireNonNull(clientSecret, "clientSecret == null"));
    return this;
  }

  /**
   * Answers every token request of {@code clientId} with an error in the provider's envelope from
   * now on, whatever its credentials, until {@link #stopFailingClient(String)} or {@link #reset()};
   * other clients are answered as before. One-shot scripted answers still come first.
   *
   * @param clientId the client id to fail
   * @param status the HTTP status, 100 to 599
   * @param code the envelope's {@code code}
   * @param text the envelope's {@code text}
   * @return this server
   * @throws NullPointerException if {@code clientId}, {@code code} or {@code text} is null
   * @throws IllegalArgumentException if {@code status} is out of range
   */
  public FakeTokenServer failClient(String clientId, int status, String code, String text) {
    Answer.checkStatus(status);
    settings.failingClients.put(
        Objects.requireNonNull(clientId, "clientId == null"),
        new Settings.ClientFailure(
            status,
            Objects.requireNonNull(code, "code == null"),
            Objects.requireNonNull(text, "text == null")));
    return this;
  }

  /**
   * Ends {@link #failClient(String, int, String, String)} for {@code clientId}.
   *
   * @param clientId the client id
   * @return this server
   */
  public FakeTokenServer stopFailingClient(String clientId) {
    settings.failingClients.remove(clientId);
    return this;
  }

  /**
   * The token requests being answered at this moment ({@linkplain #holdAnswers() held} ones
   * included).
   *
   * @return the count
   */
  public int requestsInFlight() {
    return dispatcher.inFlight.get();
  }

  /**
   * The most token requests that were being answered at once since the server started: a client's
   * concurrency bound, seen from the server.
   *
   * @return the peak count
   */
  public int maxRequestsInFlight() {
    return dispatcher.maxInFlight.get();
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
    settings.tokenPath = path;
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
    settings.tokenLifetime = lifetime;
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
    settings.tokenType = Objects.requireNonNull(type, "type == null");
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
    settings.camelCaseFields = camelCase;
    return this;
  }

  /**
   * Sends {@code expires_in} as a JSON string ({@code "3600"}) instead of a number. Default false.
   *
   * @param asString true to send the lifetime as a string
   * @return this server
   */
  public FakeTokenServer expiresInAsString(boolean asString) {
    settings.expiresInAsString = asString;
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
    settings.omitExpiresIn = omit;
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
    settings.clock = Objects.requireNonNull(clock, "clock == null");
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
    settings.schedule =
        new Settings.Schedule(Objects.requireNonNull(closed, "closed == null"), null);
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
    settings.schedule =
        new Settings.Schedule(
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
    settings.schedule = null;
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
    settings.restoreDefaults();
    script.clear();
    journal.clear();
    ledger.clear();
    return this;
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
    Answer.checkStatus(status);
    Objects.requireNonNull(code, "code == null");
    Objects.requireNonNull(text, "text == null");
    script.add(request -> defaults.envelope(status, code, text, null).toMockResponse());
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
    Answer.checkStatus(status);
    Objects.requireNonNull(code, "code == null");
    Objects.requireNonNull(text, "text == null");
    Map<String, Object> parameter = new LinkedHashMap<>();
    parameter.put("parameter_name", parameterName);
    parameter.put("parameter_value", parameterValue);
    script.add(request -> defaults.envelope(status, code, text, parameter).toMockResponse());
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
    script.add(request -> defaults.closed(null).toMockResponse());
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
    String seconds = Long.toString(DefaultAnswers.ceilSeconds(retryAfter));
    script.add(request -> defaults.closed(seconds).toMockResponse());
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
    String date =
        DefaultAnswers.HTTP_DATE.format(Objects.requireNonNull(reopensAt, "reopensAt == null"));
    script.add(request -> defaults.closed(date).toMockResponse());
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
    Answer.checkStatus(status);
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
    return enqueueDefaultAnswer(answer -> answer.headersDelay(nanos, TimeUnit.NANOSECONDS));
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
    return enqueueDefaultAnswer(answer -> answer.onResponseBody(new SocketEffect.CloseSocket()));
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
          Answer answer = defaults.answer(request);
          return answer
              .withBody(answer.body.substring(0, answer.body.length() / 2))
              .toMockResponse();
        });
    return this;
  }

  /**
   * Answers every token request with an error in the provider's envelope from now on, until {@link
   * #stopFailing()} or {@link #reset()}: a provider that keeps failing. One-shot scripted answers
   * still come first; the failure replaces the default behaviour (tokens, 401, closed hours).
   *
   * @param status the HTTP status, 100 to 599
   * @param code the envelope's {@code code}
   * @param text the envelope's {@code text}
   * @return this server
   * @throws NullPointerException if {@code code} or {@code text} is null
   * @throws IllegalArgumentException if {@code status} is out of range
   */
  public FakeTokenServer failEveryRequest(int status, String code, String text) {
    Answer.checkStatus(status);
    Objects.requireNonNull(code, "code == null");
    Objects.requireNonNull(text, "text == null");
    script.failEveryRequest(
        request -> defaults.envelope(status, code, text, null).toMockResponse());
    return this;
  }

  /**
   * Ends {@link #failEveryRequest(int, String, String)}: token requests get the default behaviour
   * again. Does nothing when requests are not failing.
   *
   * @return this server
   */
  public FakeTokenServer stopFailing() {
    script.failEveryRequest(null);
    return this;
  }

  /**
   * Holds every token-request answer from now on until {@link #releaseAnswers()}: requests are
   * counted and recorded when they arrive, then wait, so a test can keep a client's refresh "in
   * flight" for as long as it needs. The answer is chosen after the release, from the script and
   * settings of that moment. A held answer goes out anyway after {@link #MAX_HOLD}, at {@link
   * #reset()} and at {@link #close()}. Calling it while already holding does nothing.
   *
   * @return this server
   */
  public FakeTokenServer holdAnswers() {
    script.hold();
    return this;
  }

  /**
   * Sends the answers {@linkplain #holdAnswers() held} so far and stops holding. Does nothing when
   * nothing is held.
   *
   * @return this server
   */
  public FakeTokenServer releaseAnswers() {
    script.release();
    return this;
  }

  /**
   * Delays every token-request answer from now on by {@code delay} before its headers (replacing
   * the delay of an {@link #enqueueDelay(Duration)} answer), until set to {@link Duration#ZERO} or
   * {@link #reset()}: a slow provider. Default zero.
   *
   * @param delay the wait before each answer's headers; zero for none
   * @return this server
   * @throws NullPointerException if {@code delay} is null
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  public FakeTokenServer delayAnswers(Duration delay) {
    Objects.requireNonNull(delay, "delay == null");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay < 0: " + delay);
    }
    script.delay(delay);
    return this;
  }

  /** Scripts the default answer to the next token request, changed by {@code fault}. */
  private FakeTokenServer enqueueDefaultAnswer(UnaryOperator<MockResponse.Builder> fault) {
    script.add(
        request -> fault.apply(defaults.answer(request).toMockResponse().newBuilder()).build());
    return this;
  }

  /**
   * Returns how many scripted answers are still waiting for a request.
   *
   * @return the number of unused scripted answers
   */
  public int scriptedAnswersRemaining() {
    return script.remaining();
  }

  // ---------------------------------------------------------------- recording

  /**
   * Returns how many requests the server received since it started or was {@linkplain #reset()
   * reset}, on any path, including requests that were disconnected.
   *
   * @return the request count
   */
  public int requestCount() {
    return journal.count();
  }

  /**
   * Waits until the server has received at least {@code n} requests since it started or was reset
   * ({@link #requestCount()}), {@linkplain #holdAnswers() held} ones included; at most {@link
   * #DEFAULT_AWAIT_TIMEOUT}.
   *
   * @param n the request count to wait for
   * @return this server
   * @throws IllegalStateException if fewer requests arrive in time, or the thread is interrupted
   */
  public FakeTokenServer awaitRequestCount(int n) {
    return awaitRequestCount(n, DEFAULT_AWAIT_TIMEOUT);
  }

  /**
   * Waits until the server has received at least {@code n} requests since it started or was reset
   * ({@link #requestCount()}), {@linkplain #holdAnswers() held} ones included.
   *
   * @param n the request count to wait for
   * @param timeout how long to wait at most
   * @return this server
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalStateException if fewer requests arrive in time, or the thread is interrupted
   */
  public FakeTokenServer awaitRequestCount(int n, Duration timeout) {
    journal.awaitCount(n, timeout);
    return this;
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
    return journal.take(timeout);
  }

  /**
   * Returns the recorded requests, oldest first, whether taken or not; at most the last {@value
   * #MAX_RECORDED_REQUESTS}.
   *
   * @return an immutable snapshot
   */
  public List<RecordedTokenRequest> recordedRequests() {
    return journal.recorded();
  }

  /**
   * Returns the token values issued, oldest first; at most the last {@value
   * #MAX_REMEMBERED_TOKENS}.
   *
   * @return an immutable snapshot
   */
  public List<String> issuedTokens() {
    return ledger.issued();
  }

  /**
   * Returns the token value issued last.
   *
   * @return the last token value
   * @throws IllegalStateException if no token has been issued
   */
  public String lastIssuedToken() {
    return ledger.last();
  }

  /**
   * Tells whether this server issued a token, whether or not it is still valid.
   *
   * @param token a token value, such as the one in a resource request's {@code Authorization:
   *     Bearer} header
   * @return true if this server issued it (among the last {@value #MAX_REMEMBERED_TOKENS})
   */
  public boolean isIssued(String token) {
    return ledger.contains(token);
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
    return ledger.isValid(token, settings.clock.instant());
  }

  /**
   * Revokes an issued token: {@link #isValid(String)} returns false for it from now on. Unknown
   * tokens are ignored.
   *
   * @param token the token value
   * @return this server
   */
  public FakeTokenServer revoke(String token) {
    ledger.revoke(token);
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
}
