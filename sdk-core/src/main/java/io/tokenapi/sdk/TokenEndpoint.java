package io.tokenapi.sdk;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One token request, asynchronously: sends the prepared request and turns the answer into a token
 * or a typed exception. Responses become exceptions here, before any retry logic looks at them.
 */
final class TokenEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(OAuthClient.class);

  private final OkHttpClient http;
  private final Request request;
  private final String displayUrl;
  private final TokenResponseParser parser;
  private final Clock clock;
  private final WorkingHours workingHours;
  private final long maxResponseBytes;

  TokenEndpoint(
      OkHttpClient http,
      Request request,
      TokenResponseParser parser,
      Clock clock,
      WorkingHours workingHours,
      long maxResponseBytes) {
    this.http = http;
    this.request = request;
    this.displayUrl = displayUrl(request);
    this.parser = parser;
    this.clock = clock;
    this.workingHours = workingHours;
    this.maxResponseBytes = maxResponseBytes;
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
  }

  /**
   * Sends one request from a pool thread. The future completes with the token, or exceptionally
   * with an {@link OAuthException}.
   *
   * @param timeoutMillis the call timeout for this attempt, or 0 to keep the client's
   */
  CompletableFuture<AccessToken> fetch(long timeoutMillis) {
    CompletableFuture<AccessToken> result = new CompletableFuture<>();
    Call call = newCall(timeoutMillis);
    Instant sentAt = sentAt();
    call.enqueue(
        new Callback() {
          @Override
          public void onFailure(Call c, IOException e) {
            result.completeExceptionally(ExceptionFactory.transport(displayUrl, e));
          }

          @Override
          public void onResponse(Call c, Response response) {
            try {
              result.complete(read(response, sentAt));
            } catch (OAuthException e) {
              result.completeExceptionally(e);
            } catch (Throwable e) {
              // Nobody may wait for this answer forever; the Error itself goes on to this thread.
              result.completeExceptionally(e);
              if (e instanceof Error) {
                throw (Error) e;
              }
            }
          }
        });
    return result;
  }

  /**
   * Sends one request on the calling thread. The client's sockets are interruptible, so an
   * interrupt ends it early with a {@link TransportException} and the interrupt flag set.
   *
   * @param timeoutMillis the call timeout for this attempt, or 0 to keep the client's
   * @return the token
   * @throws OAuthException (a subclass) for any failure
   */
  AccessToken execute(long timeoutMillis) {
    Call call = newCall(timeoutMillis);
    Instant sentAt = sentAt();
    Response response;
    try {
      response = call.execute();
    } catch (IOException e) {
      throw ExceptionFactory.transport(displayUrl, e);
    }
    return read(response, sentAt);
  }

  private Call newCall(long timeoutMillis) {
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
    if (status == 503 || status == 429) {
      String header = response.header(RetryAfterShield.SHIELDED_HEADER);
      Instant now = clock.instant();
      retryAt = RetryAfter.parse(header != null ? header : response.header("Retry-After"), now);
      if (retryAt == null && status == 503 && workingHours != null && !workingHours.isOpen(now)) {
        retryAt = workingHours.nextOpening(now);
      }
    }
    throw ExceptionFactory.forStatus(displayUrl, status, error, retryAt);
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
  private static String displayUrl(Request request) {
    return request.url().scheme()
        + "://"
        + request.url().host()
        + ":"
        + request.url().port()
        + request.url().encodedPath();
  }
}
