package io.tokenapi.sdk;

import io.tokenapi.sdk.OAuthClientListener.AttemptEnded;
import io.tokenapi.sdk.OAuthClientListener.AttemptOutcome;
import io.tokenapi.sdk.OAuthClientListener.AttemptStarted;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One token request, asynchronously: sends the prepared request and turns the answer into a token
 * or a typed exception. Responses become exceptions here, before any retry logic looks at them. The
 * bottom of the fetch pipeline, and so the stage that tells the listener about each attempt:
 * started, sent inside {@link OAuthClientListener#aroundAttempt} on the thread that sends it, and
 * ended.
 */
final class TokenEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);

  private final OkHttpClient http;
  private final HttpUrl tokenUrl;
  private final TokenRequestSource requests;
  private final String displayUrl;
  private final TokenResponseParser parser;
  private final Clock clock;
  private final WorkingHours workingHours;
  private final long maxResponseBytes;
  private final OAuthClientListener listener;

  /** Null for a client of its own; else the slots all of a {@link TenantTokens}' requests share. */
  private final RequestGate gate;

  /**
   * How long past its call timeout an attempt may go without an answer from OkHttp before the
   * watchdog fails it. OkHttp's timeout cancels the call, which ends socket I/O at once, but not
   * the caller's own code it runs inline on the request's thread (a {@code Dns}, proxy selector or
   * TLS trust manager that blocks): the callback would not come until that code returns.
   */
  static final long WATCHDOG_GRACE_MILLIS = 1_000;

  TokenEndpoint(
      OkHttpClient http,
      HttpUrl tokenUrl,
      TokenRequestSource requests,
      TokenResponseParser parser,
      Clock clock,
      WorkingHours workingHours,
      long maxResponseBytes,
      OAuthClientListener listener) {
    this(http, tokenUrl, requests, parser, clock, workingHours, maxResponseBytes, listener, null);
  }

  /** With {@code gate}, each attempt waits for one of its slots before it is sent. */
  TokenEndpoint(
      OkHttpClient http,
      HttpUrl tokenUrl,
      TokenRequestSource requests,
      TokenResponseParser parser,
      Clock clock,
      WorkingHours workingHours,
      long maxResponseBytes,
      OAuthClientListener listener,
      RequestGate gate) {
    this.http = http;
    this.tokenUrl = tokenUrl;
    this.requests = requests;
    this.displayUrl = displayUrl(tokenUrl);
    this.parser = parser;
    this.clock = clock;
    this.workingHours = workingHours;
    this.maxResponseBytes = maxResponseBytes;
    this.listener = listener;
    this.gate = gate;
  }

  String displayUrl() {
    return displayUrl;
  }

  /**
   * Cancels the token requests in flight: the bottom of the pipeline closing. The dispatcher is the
   * SDK's own, so a caller's other calls are untouched.
   */
  void close() {
    http.dispatcher().cancelAll();
    requests.close();
  }

  /**
   * Sends one request from a pool thread. The future completes with the token, or exceptionally
   * with an {@link OAuthException}, after the listener heard that the attempt ended.
   *
   * @param timeoutMillis the call timeout for this attempt, or 0 to keep the client's
   * @param fetchId the fetch the attempt belongs to, for the listener
   * @param attempt the attempt's number within the fetch, starting at 1
   */
  CompletableFuture<AccessToken> fetch(long timeoutMillis, long fetchId, int attempt) {
    long begun = System.nanoTime();
    CompletableFuture<Request> next = requests.nextAsync(timeoutMillis);
    if (next.isDone()) {
      // A fixed request (or the SDK's own signature): sent from this thread, as before.
      return send(next, timeoutMillis, begun, fetchId, attempt);
    }
    // The caller's assertion supplier is still running on its own thread: the rest of the attempt
    // (listener calls included) goes on on the client's request pool, never on that thread.
    CompletableFuture<AccessToken> result = new CompletableFuture<>();
    next.whenComplete(
        (request, failure) -> {
          try {
            http.dispatcher()
                .executorService()
                .execute(() -> relay(send(next, timeoutMillis, begun, fetchId, attempt), result));
          } catch (RejectedExecutionException closed) {
            result.completeExceptionally(
                new OAuthException("OAuthClient was closed while waiting for a token", closed));
          }
        });
    return result;
  }

  private static void relay(
      CompletableFuture<AccessToken> from, CompletableFuture<AccessToken> to) {
    from.whenComplete(
        (token, failure) -> {
          if (failure == null) {
            to.complete(token);
          } else {
            to.completeExceptionally(Futures.unwrap(failure));
          }
        });
  }

  /** The attempt once its request is ready: sent, or the request's failure. */
  private CompletableFuture<AccessToken> send(
      CompletableFuture<Request> next, long timeoutMillis, long begun, long fetchId, int attempt) {
    CompletableFuture<AccessToken> result = new CompletableFuture<>();
    Call call;
    try {
      call = newCall(next.join(), remaining(timeoutMillis, begun));
    } catch (CompletionException e) {
      // An assertion client whose assertion could not be made: no request was sent.
      result.completeExceptionally(Futures.typed(e));
      return result;
    }
    AttemptStarted started = started(fetchId, attempt, false);
    Instant sentAt = sentAt();
    AtomicBoolean settled = new AtomicBoolean();
    Callback callback =
        new Callback() {
          @Override
          public void onFailure(Call c, IOException e) {
            if (!settled.compareAndSet(false, true)) {
              return; // the watchdog ended the attempt
            }
            TransportException failure = ExceptionFactory.transport(displayUrl, e);
            try {
              ended(started, sentAt, c, 0, failure);
            } finally {
              // Whatever the listener threw, the attempt ends.
              result.completeExceptionally(failure);
            }
          }

          @Override
          public void onResponse(Call c, Response response) {
            if (!settled.compareAndSet(false, true)) {
              response.close(); // the watchdog ended the attempt
              return;
            }
            int status = RetryAfterShield.status(response);
            AccessToken token = null;
            OAuthException failure = null;
            try {
              token = read(response, sentAt);
            } catch (OAuthException e) {
              failure = e;
            } catch (Throwable e) {
              // Nobody may wait for this answer forever; the Error itself goes on to this thread.
              result.completeExceptionally(Futures.typed(e));
              if (e instanceof Error) {
                throw (Error) e;
              }
              return;
            }
            try {
              ended(started, sentAt, c, status, failure);
            } finally {
              // Whatever the listener threw, the attempt ends.
              if (failure == null) {
                result.complete(token);
              } else {
                result.completeExceptionally(failure);
              }
            }
          }
        };
    watch(call, result, settled, started, sentAt);
    listener.aroundAttempt(
        started,
        () -> {
          try {
            if (gate == null) {
              call.enqueue(callback);
            } else {
              gate.send(call, callback, timeoutMillis);
            }
          } catch (RuntimeException e) {
            // Only a call enqueued twice throws: never here, but the future must still complete.
            result.completeExceptionally(Futures.typed(e));
          }
        });
    return result;
  }

  /**
   * Fails the attempt if OkHttp has not answered {@link #WATCHDOG_GRACE_MILLIS} after its call
   * timeout: the waiters are told (a {@link TransportException}, retried per policy) even while the
   * caller's code holds the request's thread, which is given back when that code returns. The timer
   * is the JDK's shared one ({@link CompletableFuture#orTimeout}), removed when the attempt ends,
   * so a caller's scheduler never sees it; one that fires gives the attempt up on a thread of its
   * own, since the request's threads may all be held.
   */
  private void watch(
      Call call,
      CompletableFuture<AccessToken> result,
      AtomicBoolean settled,
      AttemptStarted started,
      Instant sentAt) {
    long timeoutMillis = TimeUnit.NANOSECONDS.toMillis(call.timeout().timeoutNanos());
    if (timeoutMillis <= 0) {
      return; // no call timeout configured: nothing to hold the attempt to
    }
    CompletableFuture<Void> deadline = new CompletableFuture<>();
    result.whenComplete((token, error) -> deadline.complete(null));
    deadline
        .orTimeout(timeoutMillis + WATCHDOG_GRACE_MILLIS, TimeUnit.MILLISECONDS)
        .whenComplete(
            (done, timedOut) -> {
              if (timedOut != null && !settled.get()) {
                giveUpThread(() -> giveUp(call, result, settled, started, sentAt, timeoutMillis));
              }
            });
  }

  private void giveUp(
      Call call,
      CompletableFuture<AccessToken> result,
      AtomicBoolean settled,
      AttemptStarted started,
      Instant sentAt,
      long timeoutMillis) {
    if (!settled.compareAndSet(false, true)) {
      return;
    }
    call.cancel();
    TransportException failure =
        ExceptionFactory.transport(
            displayUrl,
            new InterruptedIOException(
                "no answer "
                    + WATCHDOG_GRACE_MILLIS
                    + " ms after the call timeout of "
                    + timeoutMillis
                    + " ms: code of the OkHttpClient given to httpClient(...) (its Dns, proxy"
                    + " selector, socket factory or TLS trust manager) holds the request's thread"));
    try {
      ended(started, sentAt, call, 0, failure);
    } finally {
      result.completeExceptionally(failure);
    }
  }

  private static void giveUpThread(Runnable task) {
    Thread t = new Thread(task, "tokenapi-watchdog");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Sends one request on the calling thread. The client's sockets are interruptible, so an
   * interrupt ends it early with a {@link TransportException} and the interrupt flag set.
   *
   * @param timeoutMillis the call timeout for this attempt, or 0 to keep the client's
   * @param fetchId the fetch the attempt belongs to, for the listener
   * @param attempt the attempt's number within the fetch, starting at 1
   * @return the token
   * @throws OAuthException (a subclass) for any failure
   */
  AccessToken execute(long timeoutMillis, long fetchId, int attempt) {
    long begun = System.nanoTime();
    Request request = requests.next(timeoutMillis);
    Call call = newCall(request, remaining(timeoutMillis, begun));
    AttemptStarted started = started(fetchId, attempt, true);
    Instant sentAt = sentAt();
    Sent sent = new Sent();
    listener.aroundAttempt(started, () -> sent.run(call, sentAt));
    ended(started, sentAt, call, sent.status, sent.failure);
    if (sent.failure != null) {
      throw sent.failure;
    }
    return sent.token;
  }

  /** What a request sent inside {@code aroundAttempt} returned; the listener never sees it. */
  private final class Sent {
    AccessToken token;
    int status;
    OAuthException failure;

    void run(Call call, Instant sentAt) {
      try {
        Response response;
        try {
          response = call.execute();
        } catch (IOException e) {
          throw ExceptionFactory.transport(displayUrl, e);
        }
        status = RetryAfterShield.status(response);
        token = read(response, sentAt);
      } catch (RuntimeException e) {
        failure = Futures.typed(e);
      }
    }
  }

  private AttemptStarted started(long fetchId, int attempt, boolean callerThread) {
    AttemptStarted started =
        new AttemptStarted(
            fetchId, attempt, callerThread, "POST", tokenUrl.host(), tokenUrl.port());
    listener.onAttemptStarted(started);
    return started;
  }

  /** Tells the listener how an attempt ended; {@code failure} null on success. */
  private void ended(
      AttemptStarted started, Instant sentAt, Call call, int status, RuntimeException failure) {
    Duration duration = Duration.ofMillis(Math.max(0, clock.millis() - sentAt.toEpochMilli()));
    AttemptOutcome outcome;
    String errorType = null;
    if (failure == null) {
      outcome = AttemptOutcome.SUCCESS;
    } else if (call.isCanceled()
        || (started.callerThread() && Thread.currentThread().isInterrupted())) {
      outcome = AttemptOutcome.CANCELLED;
      errorType = errorType(failure);
    } else if (failure instanceof ApiException) {
      outcome = AttemptOutcome.HTTP_ERROR;
      errorType = errorType(failure);
    } else if (failure instanceof InvalidResponseException) {
      outcome = AttemptOutcome.INVALID_RESPONSE;
      errorType = errorType(failure);
    } else {
      outcome = AttemptOutcome.TRANSPORT_ERROR;
      errorType = errorType(failure);
    }
    listener.onAttemptEnded(
        new AttemptEnded(
            started.fetchId(),
            started.attempt(),
            started.callerThread(),
            duration,
            outcome,
            failure instanceof TransportException ? 0 : status,
            errorType));
  }

  /** The failure's type: for a transport failure, the I/O exception's (SocketTimeoutException). */
  private static String errorType(RuntimeException failure) {
    if (failure instanceof TransportException && failure.getCause() != null) {
      return failure.getCause().getClass().getSimpleName();
    }
    return failure.getClass().getSimpleName();
  }

  /** What is left of the attempt's time after its assertion was made; 0 keeps the client's. */
  private static long remaining(long timeoutMillis, long begun) {
    if (timeoutMillis <= 0) {
      return 0;
    }
    long spent = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begun);
    return Math.max(1, timeoutMillis - spent);
  }

  private Call newCall(Request request, long timeoutMillis) {
    // Built per attempt: an assertion client carries a new assertion in each request.
    Call call = http.newCall(request);
    if (timeoutMillis > 0) {
      call.timeout().timeout(timeoutMillis, TimeUnit.MILLISECONDS);
    }
    LOG.debug("Requesting a token from {}", displayUrl);
    return call;
  }

  /**
   * expires_in counts from when the server answered, which is after this: anchoring the expiry at
   * the send errs on the early side by the request's latency instead of on the late side by the
   * response's.
   */
  private Instant sentAt() {
    return clock.instant();
  }

  /** The token, or the typed exception for the response; closes the response. */
  private AccessToken read(Response response, Instant sentAt) {
    try (response) {
      return handle(response, sentAt);
    } catch (IOException e) {
      throw ExceptionFactory.transport(displayUrl, e);
    } catch (OAuthException e) {
      throw e;
    } catch (RuntimeException e) {
      // Nothing in handle() should throw anything else; if it does, the caller still gets the typed
      // contract.
      throw TokenResponseParser.invalid(response.code(), "it could not be read", e);
    }
  }

  private AccessToken handle(Response response, Instant sentAt) throws IOException {
    int status = RetryAfterShield.status(response);
    byte[] body = readBounded(response.body());
    if (status >= 200 && status < 300) {
      if (body == null) {
        throw TokenResponseParser.invalid(
            status, "the body is larger than " + maxResponseBytes + " bytes", null);
      }
      return parser.parseToken(status, body, response.header("Content-Type"), sentAt);
    }
    ApiError error = body == null ? null : parser.parseError(body);
    Instant retryAt = null;
    boolean fromWorkingHours = false;
    if (status == 503 || status == 429) {
      String header = response.header(RetryAfterShield.SHIELDED_HEADER);
      Instant now = clock.instant();
      retryAt = RetryAfter.parse(header != null ? header : response.header("Retry-After"), now);
      if (retryAt == null && status == 503 && workingHours != null && !workingHours.isOpen(now)) {
        retryAt = workingHours.nextOpening(now);
        fromWorkingHours = true;
      }
    }
    throw ExceptionFactory.forStatus(displayUrl, status, error, retryAt, fromWorkingHours);
  }

  /** The body, or null when it is larger than the bound (counted after decompression). */
  private byte[] readBounded(ResponseBody body) throws IOException {
    if (body.contentLength() > maxResponseBytes) {
      return null;
    }
    BufferedSource source = body.source();
    if (source.request(maxResponseBytes + 1)) {
      return null;
    }
    return source.getBuffer().readByteArray();
  }

  /** Scheme, host, port and path only: never user info or a query. */
  static String displayUrl(HttpUrl url) {
    return url.scheme() + "://" + url.host() + ":" + url.port() + url.encodedPath();
  }
}
