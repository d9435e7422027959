package io.tokenapi.sdk.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.okhttp.v3_0.OkHttpTelemetry;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.sdk.okhttp.BearerTokenInterceptor;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With OpenTelemetry's OkHttp library instrumentation (opentelemetry-okhttp-3.0). It wraps an
 * {@link OkHttpClient} into a {@link Call.Factory}, which {@link OAuthClient.Builder#httpClient}
 * cannot take, and the SDK drops a client's interceptors from the token request anyway: the token
 * request is traced by the SDK's own attempt span, and the instrumentation's context propagation
 * puts the whole token fetch in the trace of the resource call that needed the token.
 */
@Timeout(30)
class OkHttpInstrumentationInterplayTest {
  private static final String OKHTTP_SCOPE = "io.opentelemetry.okhttp-3.0";

  private final FakeTokenServer tokens = new FakeTokenServer().start();
  private final MockWebServer resources = new MockWebServer();
  private final TestTelemetry otel = new TestTelemetry();
  private final OkHttpClient base = new OkHttpClient();
  private OAuthClient client;

  @AfterEach
  void close() throws IOException {
    if (client != null) {
      client.close();
    }
    tokens.close();
    resources.close();
    otel.close();
  }

  private OAuthClient client(OkHttpClient http) {
    TokenClientTelemetry telemetry =
        TokenClientTelemetry.builder(otel.sdk).clientName("payments").build();
    client =
        OAuthClient.builder()
            .baseUrl(tokens.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .httpClient(http)
            .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(10)).build())
            .listener(telemetry)
            .build();
    telemetry.bindTo(client);
    return client;
  }

  /** The user's resource calls: instrumented, with the SDK's interceptor adding the token. */
  private Call.Factory instrumentedResourceCalls(OAuthClient client) {
    OkHttpClient withToken =
        base.newBuilder()
            .addInterceptor(
                BearerTokenInterceptor.builder(client)
                    .allowHost(resources.getHostName())
                    .allowInsecureHttp()
                    .build())
            .build();
    return OkHttpTelemetry.create(otel.sdk).createCallFactory(withToken);
  }

  private List<SpanData> okHttpSpans() {
    return otel.spans().stream()
        .filter(s -> s.getInstrumentationScopeInfo().getName().equals(OKHTTP_SCOPE))
        .toList();
  }

  @Test
  void theTokenRequest_getsNoOkHttpInstrumentationSpan_andNoTraceHeaders() throws IOException {
    resources.enqueue(new MockResponse.Builder().body("{}").build());
    resources.start();
    OAuthClient client = client(base);
    Call.Factory calls = instrumentedResourceCalls(client);

    Span caller = otel.sdk.getTracer("test").spanBuilder("GET /payments").startSpan();
    Scope scope = caller.makeCurrent();
    try (Response response =
        calls.newCall(new Request.Builder().url(resources.url("/accounts")).build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
    } finally {
      scope.close();
      caller.end();
    }

    // OkHttp's span is the resource call's alone; the token request carried no traceparent, the
    // resource call did.
    assertThat(okHttpSpans())
        .singleElement()
        .satisfies(s -> assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT))
        .satisfies(
            s -> assertThat(s.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId()));
    assertThat(tokens.takeRequest().header("traceparent")).isEmpty();
    assertThat(resourcesRequestHeader("traceparent")).isNotNull();
  }

  private String resourcesRequestHeader(String name) {
    try {
      return resources.takeRequest(5, TimeUnit.SECONDS).getHeaders().get(name);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void aSynchronousResourceCall_theTokenFetchIsAChildOfTheCallersSpan() throws IOException {
    resources.enqueue(new MockResponse.Builder().body("{}").build());
    resources.start();
    Call.Factory calls = instrumentedResourceCalls(client(base));

    Span caller = otel.sdk.getTracer("test").spanBuilder("GET /payments").startSpan();
    Scope scope = caller.makeCurrent();
    try (Response response =
        calls.newCall(new Request.Builder().url(resources.url("/accounts")).build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
    } finally {
      scope.close();
      caller.end();
    }

    assertTokenFetchIsAChildOf(caller);
  }

  @Test
  void anEnqueuedResourceCall_theInstrumentationCarriesTheCallersContext_toTheTokenFetch()
      throws Exception {
    resources.enqueue(new MockResponse.Builder().body("{}").build());
    resources.start();
    Call.Factory calls = instrumentedResourceCalls(client(base));
    CompletableFuture<Integer> status = new CompletableFuture<>();

    Span caller = otel.sdk.getTracer("test").spanBuilder("GET /payments").startSpan();
    Scope scope = caller.makeCurrent();
    try {
      // On OkHttp's dispatcher thread the instrumentation makes the caller's context current again
      // before the BearerTokenInterceptor asks for the token.
      calls
          .newCall(new Request.Builder().url(resources.url("/accounts")).build())
          .enqueue(
              new Callback() {
                @Override
                public void onResponse(Call call, Response response) {
                  response.close();
                  status.complete(response.code());
                }

                @Override
                public void onFailure(Call call, IOException e) {
                  status.completeExceptionally(e);
                }
              });
    } finally {
      scope.close();
    }
    assertThat(status.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    caller.end();

    assertTokenFetchIsAChildOf(caller);
  }

  private void assertTokenFetchIsAChildOf(Span caller) {
    SpanData fetch = otel.spansNamed(TokenClientTelemetry.FETCH_SPAN).get(0);
    assertThat(fetch.getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
    assertThat(fetch.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
    SpanData attempt = otel.spansNamed("POST").get(0);
    assertThat(attempt.getParentSpanId()).isEqualTo(fetch.getSpanId());
    assertThat(okHttpSpans())
        .singleElement()
        .satisfies(
            s -> assertThat(s.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId()));
  }

  /**
   * The token client's OkHttp events reach the listener of the client given to {@code
   * httpClient(...)} on the client's event thread (never the request's: a listener that blocks must
   * not hold a token request), so the attempt span is not current there: the SDK's own attempt span
   * is the token request's client span.
   */
  @Test
  void anOkHttpEventListenerOnTheTokenClient_getsEveryAttempt_onTheClientsEventThread()
      throws InterruptedException {
    List<String> threads = new CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(2);
    OkHttpClient listened =
        base.newBuilder()
            .eventListener(
                new EventListener() {
                  @Override
                  public void callStart(Call call) {
                    threads.add(
                        Thread.currentThread().getName()
                            + " "
                            + Span.current().getSpanContext().isValid());
                    started.countDown();
                  }
                })
            .build();
    tokens.enqueueServerError();

    client(listened).getToken();

    assertThat(started.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(otel.spansNamed("POST")).hasSize(2);
    assertThat(threads)
        .hasSize(2)
        .allSatisfy(t -> assertThat(t).startsWith("tokenapi-events-").endsWith(" false"));
  }
}
