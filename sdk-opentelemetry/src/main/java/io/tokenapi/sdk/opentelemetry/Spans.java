package io.tokenapi.sdk.opentelemetry;

import static io.tokenapi.sdk.opentelemetry.TokenClientTelemetry.CLIENT_NAME;
import static io.tokenapi.sdk.opentelemetry.TokenClientTelemetry.OUTCOME;
import static io.tokenapi.sdk.opentelemetry.TokenClientTelemetry.REASON;
import static io.tokenapi.sdk.opentelemetry.TokenClientTelemetry.SOURCE;
import static io.tokenapi.sdk.opentelemetry.TokenClientTelemetry.STORE_KIND;
import static io.tokenapi.sdk.opentelemetry.TokenClientTelemetry.lower;
import static io.tokenapi.sdk.opentelemetry.TokenClientTelemetry.seconds;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.tokenapi.sdk.ApiError;
import io.tokenapi.sdk.ApiException;
import io.tokenapi.sdk.OAuthClientListener.AttemptEnded;
import io.tokenapi.sdk.OAuthClientListener.AttemptOutcome;
import io.tokenapi.sdk.OAuthClientListener.AttemptStarted;
import io.tokenapi.sdk.OAuthClientListener.FetchEnded;
import io.tokenapi.sdk.OAuthClientListener.FetchStarted;
import io.tokenapi.sdk.OAuthClientListener.RetryScheduled;
import io.tokenapi.sdk.OAuthClientListener.StoreEvent;
import io.tokenapi.sdk.OAuthClientListener.TokenObtained;
import io.tokenapi.sdk.OAuthClientListener.TokenOrigin;
import io.tokenapi.sdk.OAuthException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fetches in flight: a span per fetch, a client span per attempt, and where each fetch's token
 * came from. Events of one fetch arrive in order but on different threads.
 */
final class Spans {
  /** A bound on fetches tracked at once, in case a fetch never ends; past it, none is traced. */
  static final int MAX_OPEN_FETCHES = 1024;

  // HTTP client semantic conventions (stable).
  static final AttributeKey<String> HTTP_REQUEST_METHOD =
      AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE =
      AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<Long> HTTP_REQUEST_RESEND_COUNT =
      AttributeKey.longKey("http.request.resend_count");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  static final AttributeKey<Boolean> BACKGROUND =
      AttributeKey.booleanKey("tokenapi.fetch.background");
  static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("tokenapi.fetch.attempts");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("tokenapi.attempt");
  static final AttributeKey<Boolean> CALLER_THREAD =
      AttributeKey.booleanKey("tokenapi.attempt.caller_thread");
  static final AttributeKey<Double> DELAY = AttributeKey.doubleKey("tokenapi.retry.delay");
  static final AttributeKey<Double> LIFETIME = AttributeKey.doubleKey("tokenapi.token.lifetime");

  private final Tracer tracer;
  private final String clientName;
  private final Map<Long, Fetch> open = new ConcurrentHashMap<>();

  // The token endpoint, fixed per client: remembered from the attempts for the duration metric.
  private volatile String method = "POST";
  private volatile String serverAddress;
  private volatile long serverPort;

  Spans(Tracer tracer, String clientName) {
    this.tracer = tracer;
    this.clientName = clientName;
  }

  private static final class Fetch {
    final Span span;
    final Context context;
    volatile Span attempt;
    volatile Context attemptContext;
    volatile TokenOrigin origin;
    volatile int lastStatus;

    Fetch(Span span, Context context) {
      this.span = span;
      this.context = context;
    }
  }

  int openFetches() {
    return open.size();
  }

  void fetchStarted(FetchStarted event) {
    if (open.size() >= MAX_OPEN_FETCHES) {
      return;
    }
    // The parent is whatever is current where the fetch starts: the caller's request span.
    Context parent = Context.current();
    Span span =
        tracer
            .spanBuilder(TokenClientTelemetry.FETCH_SPAN)
            .setParent(parent)
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute(CLIENT_NAME, clientName)
            .setAttribute(BACKGROUND, event.background())
            .startSpan();
    open.put(event.fetchId(), new Fetch(span, parent.with(span)));
  }

  void attemptStarted(AttemptStarted event) {
    method = event.method();
    serverPort = event.serverPort();
    serverAddress = event.serverAddress();
    Fetch fetch = open.get(event.fetchId());
    if (fetch == null) {
      return;
    }
    io.opentelemetry.api.trace.SpanBuilder builder =
        tracer
            .spanBuilder(event.method())
            .setParent(fetch.context)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(HTTP_REQUEST_METHOD, event.method())
            .setAttribute(SERVER_ADDRESS, event.serverAddress())
            .setAttribute(SERVER_PORT, (long) event.serverPort())
            .setAttribute(CALLER_THREAD, event.callerThread())
            .setAttribute(CLIENT_NAME, clientName);
    if (event.attempt() > 1) {
      builder.setAttribute(HTTP_REQUEST_RESEND_COUNT, (long) event.attempt() - 1);
    }
    Span span = builder.startSpan();
    fetch.attemptContext = fetch.context.with(span);
    fetch.attempt = span;
  }

  void aroundAttempt(AttemptStarted event, Runnable send) {
    Fetch fetch = open.get(event.fetchId());
    Context context = fetch != null ? fetch.attemptContext : null;
    if (context == null) {
      send.run();
      return;
    }
    Scope scope = context.makeCurrent();
    try {
      send.run();
    } finally {
      scope.close();
    }
  }

  /** Ends the attempt's span, if any, and returns the attributes of its duration. */
  Attributes attemptEnded(AttemptEnded event) {
    String errorType = attemptErrorType(event);
    AttributesBuilder metric =
        Attributes.builder()
            .put(CLIENT_NAME, clientName)
            .put(OUTCOME, lower(event.outcome()))
            .put(HTTP_REQUEST_METHOD, method);
    if (serverAddress != null) {
      metric.put(SERVER_ADDRESS, serverAddress).put(SERVER_PORT, serverPort);
    }
    if (event.statusCode() > 0) {
      metric.put(HTTP_RESPONSE_STATUS_CODE, (long) event.statusCode());
    }
    if (errorType != null) {
      metric.put(ERROR_TYPE, errorType);
    }
    Attributes attributes = metric.build();
    Fetch fetch = open.get(event.fetchId());
    Span span = fetch != null ? fetch.attempt : null;
    if (span == null) {
      return attributes;
    }
    fetch.attempt = null;
    fetch.attemptContext = null;
    if (event.statusCode() > 0) {
      fetch.lastStatus = event.statusCode();
      span.setAttribute(HTTP_RESPONSE_STATUS_CODE, (long) event.statusCode());
    }
    if (errorType != null) {
      span.setAttribute(ERROR_TYPE, errorType);
      span.setStatus(StatusCode.ERROR, errorType);
    }
    span.end();
    return attributes;
  }

  void retryScheduled(RetryScheduled event) {
    Fetch fetch = open.get(event.fetchId());
    if (fetch == null) {
      return;
    }
    AttributesBuilder attributes =
        Attributes.builder()
            .put(REASON, lower(event.reason()))
            .put(DELAY, seconds(event.delay()))
            .put(ATTEMPT, (long) event.attempt())
            .put(ERROR_TYPE, event.cause().getClass().getName());
    if (event.cause() instanceof ApiException api) {
      attributes.put(HTTP_RESPONSE_STATUS_CODE, (long) api.statusCode());
    }
    fetch.span.addEvent(TokenClientTelemetry.RETRY_EVENT, attributes.build());
  }

  void tokenObtained(TokenObtained event) {
    Fetch fetch = open.get(event.fetchId());
    if (fetch == null) {
      return;
    }
    fetch.origin = event.origin();
    fetch.span.addEvent(
        TokenClientTelemetry.OBTAINED_EVENT,
        Attributes.of(SOURCE, lower(event.origin()), LIFETIME, seconds(event.lifetime())));
  }

  void storeEvent(StoreEvent event) {
    Fetch fetch = open.get(event.fetchId());
    if (fetch != null) {
      fetch.span.addEvent(
          TokenClientTelemetry.STORE_EVENT, Attributes.of(STORE_KIND, lower(event.kind())));
    }
  }

  /** Ends the fetch's span, if any, and returns the attributes of its duration. */
  Attributes fetchEnded(FetchEnded event) {
    Fetch fetch = open.remove(event.fetchId());
    OAuthException failure = event.failure();
    TokenOrigin origin = fetch != null ? fetch.origin : null;
    AttributesBuilder outcome = Attributes.builder().put(CLIENT_NAME, clientName);
    int status;
    if (failure == null) {
      boolean store = origin != null ? origin == TokenOrigin.STORE : event.attempts() == 0;
      outcome.put(OUTCOME, "success").put(SOURCE, store ? "store" : "provider");
      status = store ? 0 : (fetch != null && fetch.lastStatus > 0 ? fetch.lastStatus : 200);
    } else {
      outcome
          .put(OUTCOME, "failure")
          .put(SOURCE, "none")
          .put(ERROR_TYPE, failure.getClass().getName());
      status = failure instanceof ApiException api ? api.statusCode() : 0;
    }
    if (status > 0) {
      outcome.put(HTTP_RESPONSE_STATUS_CODE, (long) status);
    }
    Attributes attributes = outcome.build();
    if (fetch == null) {
      return attributes;
    }
    Span attempt = fetch.attempt;
    if (attempt != null) {
      // The attempt's end was not told (the client closed during it): end it with the fetch.
      attempt.setAttribute(ERROR_TYPE, "cancelled").setStatus(StatusCode.ERROR, "cancelled").end();
    }
    fetch.span.setAllAttributes(attributes).setAttribute(ATTEMPTS, (long) event.attempts());
    if (failure != null) {
      fetch.span.setStatus(StatusCode.ERROR, summary(failure));
    }
    fetch.span.end();
    return attributes;
  }

  /**
   * The semantic conventions' {@code error.type}: the status code of an HTTP error, else the
   * failure's type; null on success.
   */
  static String attemptErrorType(AttemptEnded event) {
    if (event.outcome() == AttemptOutcome.SUCCESS) {
      return null;
    }
    if (event.outcome() == AttemptOutcome.HTTP_ERROR && event.statusCode() > 0) {
      return Integer.toString(event.statusCode());
    }
    return event.errorType() != null ? event.errorType() : "_OTHER";
  }

  /** Type, status, error code and errorId: never the exception's message (the server's text). */
  static String summary(OAuthException failure) {
    StringBuilder s = new StringBuilder(failure.getClass().getSimpleName());
    if (failure instanceof ApiException api) {
      s.append(" status=").append(api.statusCode());
      if (api.error().isPresent()) {
        ApiError error = api.error().get();
        if (error.code() != null) {
          s.append(" code=").append(printable(error.code()));
        }
        if (error.errorId() != null) {
          s.append(" errorId=").append(printable(error.errorId()));
        }
      }
    }
    return s.toString();
  }

  /** The server's value, at most 64 printable ASCII characters: it is the server's text. */
  static String printable(String value) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < value.length() && s.length() < 64; i++) {
      char c = value.charAt(i);
      s.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return s.toString();
  }
}
