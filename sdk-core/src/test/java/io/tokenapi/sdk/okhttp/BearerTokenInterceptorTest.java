package io.tokenapi.sdk.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.sdk.ServiceUnavailableException;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The interceptor against real loopback HTTP: a token server, an allowed resource host ({@code
 * localhost}) and another host ({@code 127.0.0.1}). Both resource servers listen on 127.0.0.1; the
 * test's DNS sends every name there, so the host names differ while the sockets stay on loopback.
 */
class BearerTokenInterceptorTest {
  private static final String ALLOWED = "localhost";
  private static final String OTHER = "127.0.0.1";
  private static final MediaType TEXT = MediaType.get("text/plain; charset=utf-8");

  private final MockWebServer tokenServer = new MockWebServer();
  private final MockWebServer api = new MockWebServer();
  private final MockWebServer other = new MockWebServer();
  private final AtomicInteger tokensIssued = new AtomicInteger();
  private OAuthClient client;
  private OkHttpClient http;

  @BeforeEach
  void start() throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    tokenServer.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            int n = tokensIssued.incrementAndGet();
            return new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(
                    "{\"access_token\":\"token-"
                        + n
                        + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")
                .build();
          }
        });
    tokenServer.start(loopback, 0);
    api.start(loopback, 0);
    other.start(loopback, 0);
    client =
        OAuthClient.builder()
            .baseUrl(tokenServer.url("/").newBuilder().host(OTHER).build())
            .clientId("id")
            .clientSecret("secret")
            .retryPolicy(RetryPolicy.none())
            .build();
    http = httpWith(BearerTokenInterceptor.builder(client).allowHost(ALLOWED).build());
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    tokenServer.close();
    api.close();
    other.close();
  }

  private OkHttpClient httpWith(BearerTokenInterceptor interceptor) {
    return new OkHttpClient.Builder()
        .dns(hostname -> List.of(InetAddress.getByName("127.0.0.1")))
        .addInterceptor(interceptor)
        .build();
  }

  private HttpUrl apiUrl(String path) {
    return api.url(path).newBuilder().host(ALLOWED).build();
  }

  private HttpUrl otherUrl(String path) {
    return other.url(path).newBuilder().host(OTHER).build();
  }

  private static void answer(MockWebServer server, Function<RecordedRequest, MockResponse> answer) {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return answer.apply(request);
          }
        });
  }

  private static MockResponse status(int code, String body) {
    return new MockResponse.Builder().code(code).body(body).build();
  }

  /** 401 unless the request carries {@code validToken}. */
  private static MockResponse requireToken(RecordedRequest request, String validToken) {
    return ("Bearer " + validToken).equals(request.getHeaders().get("Authorization"))
        ? status(200, "ok")
        : status(401, "token rejected");
  }

  private static String authorization(RecordedRequest request) {
    return request.getHeaders().get("Authorization");
  }

  private static RecordedRequest take(MockWebServer server) throws InterruptedException {
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(request).as("a request reached the server").isNotNull();
    return request;
  }

  private Response get(HttpUrl url) throws IOException {
    return http.newCall(new Request.Builder().url(url).build()).execute();
  }

  @Test
  void allowedHost_getsTheBearerToken() throws Exception {
    api.enqueue(status(200, "ok"));

    try (Response response = get(apiUrl("/accounts"))) {
      assertThat(response.code()).isEqualTo(200);
    }

    assertThat(authorization(take(api))).isEqualTo("Bearer token-1");
  }

  @Test
  void otherHost_neverGetsTheToken_andNoTokenIsFetched() throws Exception {
    other.enqueue(status(200, "ok"));

    try (Response response = get(otherUrl("/elsewhere"))) {
      assertThat(response.code()).isEqualTo(200);
    }

    assertThat(authorization(take(other))).isNull();
    assertThat(tokenServer.getRequestCount()).isZero();
  }

  @Test
  void crossHostRedirect_doesNotCarryTheTokenToTheOtherHost() throws Exception {
    api.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", otherUrl("/landing").toString())
            .build());
    other.enqueue(status(200, "landed"));

    try (Response response = get(apiUrl("/redirect-me"))) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.body().string()).isEqualTo("landed");
    }

    assertThat(authorization(take(api))).isEqualTo("Bearer token-1");
    RecordedRequest redirected = take(other);
    assertThat(redirected.getUrl().encodedPath()).isEqualTo("/landing");
    assertThat(authorization(redirected)).isNull();
  }

  @Test
  void crossHostRedirect_whenTheOtherHostAnswers401_isNotTakenAsTokenRejection() throws Exception {
    api.enqueue(
        new MockResponse.Builder()
            .code(302)
            .addHeader("Location", otherUrl("/login").toString())
            .build());
    other.enqueue(status(401, "who are you"));

    try (Response response = get(apiUrl("/redirect-me"))) {
      assertThat(response.code()).isEqualTo(401);
    }

    assertThat(tokensIssued).hasValue(1);
    assertThat(api.getRequestCount()).isEqualTo(1);
    assertThat(other.getRequestCount()).isEqualTo(1);
  }

  @Test
  void sameHostRedirect_keepsTheToken() throws Exception {
    api.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "/moved").build());
    api.enqueue(status(200, "ok"));

    try (Response response = get(apiUrl("/old"))) {
      assertThat(response.code()).isEqualTo(200);
    }

    assertThat(authorization(take(api))).isEqualTo("Bearer token-1");
    RecordedRequest moved = take(api);
    assertThat(moved.getUrl().encodedPath()).isEqualTo("/moved");
    assertThat(authorization(moved)).isEqualTo("Bearer token-1");
  }

  @Test
  void callersOwnAuthorizationHeader_isKept_andNoTokenIsFetched() throws Exception {
    api.enqueue(status(200, "ok"));

    Request request =
        new Request.Builder()
            .url(apiUrl("/basic"))
            .header("Authorization", "Basic dXNlcjpwdw==")
            .build();
    try (Response response = http.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }

    assertThat(authorization(take(api))).isEqualTo("Basic dXNlcjpwdw==");
    assertThat(tokenServer.getRequestCount()).isZero();
  }

  @Test
  void on401_invalidatesTheToken_refreshesOnce_andRetriesOnceWithTheNewToken() throws Exception {
    client.getToken(); // token-1 is cached; the API only accepts token-2
    answer(api, r -> requireToken(r, "token-2"));

    Request post =
        new Request.Builder()
            .url(apiUrl("/payments"))
            .post(RequestBody.create("{\"amount\":1}", TEXT))
            .build();
    try (Response response = http.newCall(post).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }

    RecordedRequest first = take(api);
    RecordedRequest retry = take(api);
    assertThat(authorization(first)).isEqualTo("Bearer token-1");
    assertThat(authorization(retry)).isEqualTo("Bearer token-2");
    assertThat(retry.getBody().utf8()).isEqualTo("{\"amount\":1}");
    assertThat(api.getRequestCount()).isEqualTo(2);
    assertThat(tokensIssued).hasValue(2);
    assertThat(client.getToken().value()).isEqualTo("token-2");
  }

  @Test
  void second401_isReturnedToTheCallerUntouched() throws Exception {
    answer(
        api,
        r ->
            new MockResponse.Builder()
                .code(401)
                .addHeader("WWW-Authenticate", "Bearer")
                .body("still no")
                .build());

    try (Response response = get(apiUrl("/accounts"))) {
      assertThat(response.code()).isEqualTo(401);
      assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
      assertThat(response.body().string()).isEqualTo("still no");
    }

    assertThat(authorization(take(api))).isEqualTo("Bearer token-1");
    assertThat(authorization(take(api))).isEqualTo("Bearer token-2");
    assertThat(api.getRequestCount()).isEqualTo(2);
    assertThat(tokensIssued).hasValue(2);
  }

  @Test
  void oneShotBody_on401_isNotRetried_butTheTokenIsInvalidated() throws Exception {
    answer(api, r -> requireToken(r, "token-2"));
    RequestBody oneShot =
        new RequestBody() {
          @Override
          public MediaType contentType() {
            return TEXT;
          }

          @Override
          public void writeTo(BufferedSink sink) throws IOException {
            sink.writeUtf8("streamed once");
          }

          @Override
          public boolean isOneShot() {
            return true;
          }
        };

    try (Response response =
        http.newCall(new Request.Builder().url(apiUrl("/upload")).post(oneShot).build())
            .execute()) {
      assertThat(response.code()).isEqualTo(401);
      assertThat(response.body().string()).isEqualTo("token rejected");
    }

    assertThat(api.getRequestCount()).isEqualTo(1);
    assertThat(tokensIssued).hasValue(1);
    assertThat(client.getToken().value())
        .as("the rejected token is no longer served")
        .isEqualTo("token-2");
  }

  @Test
  void concurrent401sForTheSameToken_causeOneRefresh() throws Exception {
    int threads = 20;
    client.getToken(); // every thread starts with the cached token-1
    CountDownLatch allRejectedRequestsArrived = new CountDownLatch(threads);
    answer(
        api,
        r -> {
          if ("Bearer token-1".equals(authorization(r))) {
            // Hold each 401 until all threads have sent token-1, so the 401s really arrive
            // together.
            allRejectedRequestsArrived.countDown();
            try {
              allRejectedRequestsArrived.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return requireToken(r, "token-2");
        });

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> codes = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        codes.add(
            pool.submit(
                () -> {
                  try (Response response = get(apiUrl("/accounts"))) {
                    return response.code();
                  }
                }));
      }
      for (Future<Integer> code : codes) {
        assertThat(code.get(20, TimeUnit.SECONDS)).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(allRejectedRequestsArrived.getCount()).isZero();
    assertThat(tokensIssued).as("one initial token and one refresh").hasValue(2);
    assertThat(api.getRequestCount()).isEqualTo(2 * threads);
  }

  @Test
  void tokenFailure_failsTheCallWithTokenUnavailableIOException_andSendsNothing() throws Exception {
    answer(
        tokenServer,
        r ->
            new MockResponse.Builder()
                .code(503)
                .addHeader("Retry-After", "3600")
                .addHeader("Content-Type", "application/json")
                .body("{\"errorId\":\"e-1\",\"code\":\"CLOSED\",\"text\":\"non-working hours\"}")
                .build());

    TokenUnavailableIOException e =
        catchThrowableOfType(TokenUnavailableIOException.class, () -> get(apiUrl("/x")));

    assertThat(e).isNotNull();
    assertThat(e.getCause()).isInstanceOf(ServiceUnavailableException.class);
    assertThat(e.getMessage()).contains("503").contains("CLOSED").doesNotContain("secret");
    assertThat(api.getRequestCount()).isZero();
  }

  @Test
  void tokenFailure_onAnAsyncCall_reachesOnFailure() throws Exception {
    answer(
        tokenServer,
        r -> status(409, "{\"errorId\":\"e-2\",\"code\":\"CONFLICT\",\"text\":\"busy\"}"));
    CompletableFuture<IOException> failure = new CompletableFuture<>();

    http.newCall(new Request.Builder().url(apiUrl("/x")).build())
        .enqueue(
            new Callback() {
              @Override
              public void onFailure(Call call, IOException e) {
                failure.complete(e);
              }

              @Override
              public void onResponse(Call call, Response response) {
                response.close();
                failure.completeExceptionally(
                    new AssertionError("expected a failure, got " + response.code()));
              }
            });

    assertThat(failure.get(5, TimeUnit.SECONDS)).isInstanceOf(TokenUnavailableIOException.class);
    assertThat(api.getRequestCount()).isZero();
  }

  @Test
  void plainHttpToANonLoopbackHost_isRefusedUnlessAllowed() throws Exception {
    HttpUrl insecure = api.url("/x").newBuilder().host("api.test").build();
    OkHttpClient strict =
        httpWith(BearerTokenInterceptor.builder(client).allowHost("api.test").build());

    assertThatThrownBy(() -> strict.newCall(new Request.Builder().url(insecure).build()).execute())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("http://")
        .hasMessageContaining("allowInsecureHttp()");
    assertThat(api.getRequestCount()).isZero();

    api.enqueue(status(200, "ok"));
    OkHttpClient lenient =
        httpWith(
            BearerTokenInterceptor.builder(client)
                .allowHost("api.test")
                .allowInsecureHttp()
                .build());
    try (Response response =
        lenient.newCall(new Request.Builder().url(insecure).build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
    }
    assertThat(authorization(take(api))).isEqualTo("Bearer token-1");
  }

  @Test
  void builder_canonicalizesHosts_andRejectsWhatIsNotAHost() {
    BearerTokenInterceptor interceptor =
        BearerTokenInterceptor.builder(client).allowHost(" API.Example.COM ").build();
    assertThat(interceptor.allowedHosts()).containsExactly("api.example.com");
    assertThat(interceptor.toString()).isEqualTo("BearerTokenInterceptor[hosts=[api.example.com]]");

    assertThatThrownBy(
            () -> BearerTokenInterceptor.builder(client).allowHost("api.example.com:8443"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without scheme, port or path");
    assertThatThrownBy(
            () -> BearerTokenInterceptor.builder(client).allowHost("https://api.example.com"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BearerTokenInterceptor.builder(client).allowHost(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("host == null");
    assertThatThrownBy(() -> BearerTokenInterceptor.builder(client).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("allowHost");
    assertThatThrownBy(() -> BearerTokenInterceptor.builder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("client == null");
  }
}
