package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.tokenapi.sdk.logcapture.CapturingLogs;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * The token request carries exactly what the SDK puts on it, whatever the caller's {@link
 * OkHttpClient} passed to {@code httpClient(...)} would add: no authenticator, no cookies in or
 * out, no interceptors. Its {@link EventListener} still sees the request's events, but on the
 * client's event thread (never the request's), without the credentials, and neither a listener that
 * blocks nor one that throws changes the token. Its {@code Dns} never runs on a caller's thread,
 * and one that hangs fails the attempt after its time.
 */
class CallersHttpClientTest {
  @StartStop final MockWebServer server = new MockWebServer();

  private OAuthClient client(OkHttpClient callers) {
    return OAuthClient.builder()
        .baseUrl(server.url("/"))
        .clientId("iso-id")
        .clientSecret("iso-secret")
        .httpClient(callers)
        .retryPolicy(RetryPolicy.none())
        .build();
  }

  private static MockResponse unauthorized() {
    return new MockResponse.Builder()
        .code(401)
        .setHeader("Content-Type", "application/json")
        .setHeader("WWW-Authenticate", "Basic realm=\"token\"")
        .body("{\"error\":\"invalid_client\",\"error_description\":\"secret revoked\"}")
        .build();
  }

  private static MockResponse token(String value) {
    return new MockResponse.Builder()
        .setHeader("Content-Type", "application/json")
        .setHeader("Set-Cookie", "tokensession=server-cookie; Path=/")
        .body("{\"access_token\":\"" + value + "\",\"expires_in\":3600}")
        .build();
  }

  @Test
  void callersAuthenticator_askingThisClientForAToken_onA401_doesNotHang() {
    for (int i = 0; i < 5; i++) {
      server.enqueue(unauthorized());
    }
    AtomicReference<OAuthClient> self = new AtomicReference<>();
    AtomicInteger asked = new AtomicInteger();
    // The common authenticator: on a 401, get a new token from the SDK and try again with it.
    OkHttpClient callers =
        new OkHttpClient.Builder()
            .authenticator(
                (route, response) -> {
                  asked.incrementAndGet();
                  try {
                    AccessToken fresh = self.get().getToken();
                    return response
                        .request()
                        .newBuilder()
                        .header("Authorization", fresh.authorizationHeader())
                        .build();
                  } catch (OAuthException e) {
                    return null;
                  }
                })
            .build();
    try (OAuthClient client = client(callers)) {
      self.set(client);
      ApiException e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(5),
              () -> catchThrowableOfType(ApiException.class, client::getToken),
              "getToken() waited on itself through the caller's Authenticator");
      assertThat(e.statusCode()).isEqualTo(401);
      ApiException again =
          assertTimeoutPreemptively(
              Duration.ofSeconds(5),
              () -> catchThrowableOfType(ApiException.class, client::getToken));
      assertThat(again.statusCode()).isEqualTo(401);
    }
    assertThat(asked).hasValue(0);
  }

  @Test
  void callersAuthenticator_neverAddsItsCredentialsToTheTokenRequest() throws Exception {
    server.enqueue(unauthorized());
    server.enqueue(token("tok-after-caller-credentials"));
    AtomicInteger asked = new AtomicInteger();
    OkHttpClient callers =
        new OkHttpClient.Builder()
            .authenticator(
                (route, response) -> {
                  asked.incrementAndGet();
                  return response
                      .request()
                      .newBuilder()
                      .header("Authorization", "Basic Y2FsbGVyOmNyZWRlbnRpYWxz")
                      .header("X-Caller-Credentials", "caller")
                      .build();
                })
            .build();
    try (OAuthClient client = client(callers)) {
      ApiException e = catchThrowableOfType(ApiException.class, client::getToken);
      assertThat(e).as("the 401 reaches the caller as it is").isNotNull();
      assertThat(e.statusCode()).isEqualTo(401);
    }
    assertThat(asked).hasValue(0);
    assertThat(server.getRequestCount()).isEqualTo(1);
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getHeaders().get("Authorization")).isNull();
    assertThat(sent.getHeaders().get("X-Caller-Credentials")).isNull();
  }

  @Test
  void callersCookieJar_neitherSendsNorStoresCookies() throws Exception {
    server.enqueue(token("tok-1"));
    server.enqueue(token("tok-2"));
    List<String> loaded = new CopyOnWriteArrayList<>();
    List<Cookie> saved = new CopyOnWriteArrayList<>();
    OkHttpClient callers =
        new OkHttpClient.Builder()
            .cookieJar(
                new CookieJar() {
                  @Override
                  public void saveFromResponse(HttpUrl url, List<Cookie> cookies) {
                    saved.addAll(cookies);
                  }

                  @Override
                  public List<Cookie> loadForRequest(HttpUrl url) {
                    loaded.add(url.toString());
                    return List.of(
                        new Cookie.Builder()
                            .name("appsession")
                            .value("caller-cookie")
                            .domain(url.host())
                            .build());
                  }
                })
            .build();
    try (OAuthClient client = client(callers)) {
      assertThat(client.getToken().value()).isEqualTo("tok-1");
      assertThat(client.refresh().value()).isEqualTo("tok-2");
    }
    assertThat(server.takeRequest().getHeaders().get("Cookie")).isNull();
    assertThat(server.takeRequest().getHeaders().get("Cookie")).isNull();
    assertThat(loaded).isEmpty();
    assertThat(saved).isEmpty();
  }

  @Test
  void callersEventListener_seesTheTokenRequestsEvents_inOrder_onTheClientsEventThread()
      throws Exception {
    server.enqueue(token("tok-1"));
    List<String> events = new CopyOnWriteArrayList<>();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    CountDownLatch ended = new CountDownLatch(1);
    OkHttpClient callers =
        new OkHttpClient.Builder()
            .eventListener(
                new RecordingEventListener(events) {
                  @Override
                  void record(String event, Call call) {
                    threads.add(Thread.currentThread().getName());
                    super.record(event, call);
                    if (event.equals("callEnd")) {
                      ended.countDown();
                    }
                  }
                })
            .build();
    try (OAuthClient client = client(callers)) {
      assertThat(client.getToken().value()).isEqualTo("tok-1");
      assertThat(ended.await(5, TimeUnit.SECONDS)).as("callEnd delivered").isTrue();
    }
    assertThat(events.get(0)).isEqualTo("callStart /v1/oauth/token");
    assertThat(events)
        .containsSubsequence(
            "callStart /v1/oauth/token",
            "connectStart",
            "connectEnd",
            "connectionAcquired",
            "requestHeadersStart",
            "requestHeadersEnd",
            "requestBodyStart",
            "requestBodyEnd",
            "responseHeadersStart",
            "responseHeadersEnd",
            "responseBodyStart",
            "responseBodyEnd",
            "callEnd");
    assertThat(threads).allSatisfy(name -> assertThat(name).startsWith("tokenapi-events-"));
  }

  @Test
  void callersEventListener_neverSeesTheSecretOrTheToken_inAnyAuthenticationMode()
      throws Exception {
    for (ClientAuthentication mode : ClientAuthentication.values()) {
      server.enqueue(token("tok-value-" + mode));
      StringBuilder seen = new StringBuilder();
      CountDownLatch ended = new CountDownLatch(1);
      OkHttpClient callers =
          new OkHttpClient.Builder().eventListener(new SnoopingListener(seen, ended)).build();
      try (OAuthClient client =
          OAuthClient.builder()
              .baseUrl(server.url("/"))
              .clientId("iso-id")
              .clientSecret("iso-secret")
              .clientAuthentication(mode)
              .httpClient(callers)
              .retryPolicy(RetryPolicy.none())
              .build()) {
        assertThat(client.getToken().value()).isEqualTo("tok-value-" + mode);
        assertThat(ended.await(5, TimeUnit.SECONDS)).as("callEnd delivered").isTrue();
      }
      RecordedRequest sent = server.takeRequest();
      String basic =
          okio.ByteString.encodeUtf8("iso-id:iso-secret").base64(); // CLIENT_SECRET_BASIC
      String wire = sent.getBody().utf8() + " " + sent.getHeaders().get("Authorization");
      assertThat(wire.contains("iso-secret") || wire.contains(basic))
          .as(mode + ": the request itself carries the secret")
          .isTrue();
      synchronized (seen) {
        assertThat(seen.toString())
            .as(mode + ": what the caller's EventListener could read")
            .contains("[REDACTED]")
            .doesNotContain("iso-secret")
            .doesNotContain(basic)
            .doesNotContain("tok-value-");
      }
    }
  }

  @Test
  void callersEventListener_thatBlocksForever_delaysNoToken_andHoldsNoRequestThread()
      throws Exception {
    server.enqueue(token("tok-1"));
    server.enqueue(token("tok-2"));
    CountDownLatch never = new CountDownLatch(1);
    List<Thread> blocked = new CopyOnWriteArrayList<>();
    OkHttpClient callers =
        new OkHttpClient.Builder()
            .eventListener(
                new EventListener() {
                  @Override
                  public void callStart(Call call) {
                    blocked.add(Thread.currentThread());
                    try {
                      never.await();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                })
            .build();
    SdkThreads threads = SdkThreads.snapshot();
    try {
      OAuthClient client = client(callers);
      try {
        AccessToken first =
            assertTimeoutPreemptively(
                Duration.ofSeconds(5), client::getToken, "the caller's EventListener held it");
        assertThat(first.value()).isEqualTo("tok-1");
        AccessToken second =
            assertTimeoutPreemptively(Duration.ofSeconds(5), client::refresh, "held again");
        assertThat(second.value()).isEqualTo("tok-2");
        // Only the client's event thread waits in the listener.
        assertThat(blocked).isNotEmpty();
        assertThat(blocked).allSatisfy(t -> assertThat(t.getName()).startsWith("tokenapi-events-"));
      } finally {
        client.close();
      }
      assertThat(threads.aliveAfter(Duration.ofSeconds(5))).as("threads after close()").isEmpty();
    } finally {
      never.countDown();
    }
  }

  @Test
  void callersEventListener_thatThrowsAnErrorOnEveryEvent_failsNoToken() throws Exception {
    server.enqueue(token("tok-1"));
    CountDownLatch ended = new CountDownLatch(1);
    OkHttpClient callers =
        new OkHttpClient.Builder()
            .eventListener(
                new RecordingEventListener(new CopyOnWriteArrayList<>()) {
                  @Override
                  void record(String event, Call call) {
                    if (event.equals("callEnd")) {
                      ended.countDown();
                    }
                    throw new AssertionError("listener bug with iso-secret in its message");
                  }
                })
            .build();
    try (CapturingLogs logs = CapturingLogs.start();
        OAuthClient client = client(callers)) {
      assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5), client::getToken, "hung").value())
          .isEqualTo("tok-1");
      assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(
              logs.messages(Level.WARN, "EventListener.callStart threw java.lang.AssertionError"))
          .isNotEmpty();
      assertThat(logs.allText()).doesNotContain("iso-secret");
    }
  }

  @Test
  void callersClientWithoutAnEventListener_startsNoEventThread() {
    server.enqueue(token("tok-1"));
    Set<Thread> before = Threads.named("tokenapi-events-");
    try (OAuthClient client = client(new OkHttpClient())) {
      assertThat(client.getToken().value()).isEqualTo("tok-1");
      assertThat(Threads.named("tokenapi-events-")).isSubsetOf(before);
      assertThat(client.makesFirstAttemptOnCallerThread()).isTrue();
    }
  }

  @Test
  void callersDns_thatBlocksForever_failsTheAttemptAfterItsTime_andCloseLeavesNoThread()
      throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    List<Thread> inLookup = new CopyOnWriteArrayList<>();
    OkHttpClient callers =
        new OkHttpClient.Builder()
            .dns(
                host -> {
                  inLookup.add(Thread.currentThread());
                  try {
                    never.await(); // a resolver that never answers (and, here, hears interrupts)
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  throw new UnknownHostException(host);
                })
            .build();
    SdkThreads threads = SdkThreads.snapshot();
    try {
      OAuthClient client =
          OAuthClient.builder()
              .baseUrl(server.url("/").newBuilder().host("localhost").build())
              .clientId("iso-id")
              .clientSecret("iso-secret")
              .httpClient(callers)
              .callTimeout(Duration.ofMillis(300))
              .retryPolicy(RetryPolicy.none())
              .build();
      try {
        // The caller's Dns is its code: never run on a caller's thread, where nothing ends it.
        assertThat(client.makesFirstAttemptOnCallerThread()).isFalse();
        long start = System.nanoTime();
        TransportException e =
            assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> catchThrowableOfType(TransportException.class, client::getToken),
                "getToken() waited for the caller's Dns");
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("holds the request's thread");
        assertThat(tookMillis).isGreaterThanOrEqualTo(300 + TokenEndpoint.WATCHDOG_GRACE_MILLIS);
        assertThat(inLookup).isNotEmpty();
      } finally {
        client.close();
      }
      assertThat(threads.aliveAfter(Duration.ofSeconds(5))).as("threads after close()").isEmpty();
    } finally {
      never.countDown();
    }
  }

  /** Records each event's name (callStart with the path), in the order it arrives. */
  private static class RecordingEventListener extends EventListener {
    private final List<String> events;

    RecordingEventListener(List<String> events) {
      this.events = events;
    }

    void record(String event, Call call) {
      events.add(event);
    }

    @Override
    public void callStart(Call call) {
      record("callStart " + call.request().url().encodedPath(), call);
    }

    @Override
    public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
      record("connectStart", call);
    }

    @Override
    public void connectEnd(Call call, InetSocketAddress address, Proxy proxy, Protocol protocol) {
      record("connectEnd", call);
    }

    @Override
    public void connectionAcquired(Call call, Connection connection) {
      record("connectionAcquired", call);
    }

    @Override
    public void requestHeadersStart(Call call) {
      record("requestHeadersStart", call);
    }

    @Override
    public void requestHeadersEnd(Call call, Request request) {
      record("requestHeadersEnd", call);
    }

    @Override
    public void requestBodyStart(Call call) {
      record("requestBodyStart", call);
    }

    @Override
    public void requestBodyEnd(Call call, long byteCount) {
      record("requestBodyEnd", call);
    }

    @Override
    public void responseHeadersStart(Call call) {
      record("responseHeadersStart", call);
    }

    @Override
    public void responseHeadersEnd(Call call, Response response) {
      record("responseHeadersEnd", call);
    }

    @Override
    public void responseBodyStart(Call call) {
      record("responseBodyStart", call);
    }

    @Override
    public void responseBodyEnd(Call call, long byteCount) {
      record("responseBodyEnd", call);
    }

    @Override
    public void callEnd(Call call) {
      record("callEnd", call);
    }
  }

  /** Reads everything a listener could: the call's request, the requests and answers it gets. */
  private static final class SnoopingListener extends EventListener {
    private final StringBuilder seen;
    private final CountDownLatch ended;

    SnoopingListener(StringBuilder seen, CountDownLatch ended) {
      this.seen = seen;
      this.ended = ended;
    }

    private void read(Request request) {
      if (request == null) {
        return;
      }
      synchronized (seen) {
        seen.append(request).append(' ').append(request.headers()).append(' ');
        for (String name : request.headers().names()) {
          seen.append(name).append('=').append(request.header(name)).append(' ');
        }
        RequestBody body = request.body();
        if (body != null) {
          Buffer buffer = new Buffer();
          try {
            body.writeTo(buffer);
          } catch (java.io.IOException e) {
            seen.append(e);
          }
          seen.append(buffer.readUtf8()).append(' ');
        }
      }
    }

    private void read(Response response) {
      if (response == null) {
        return;
      }
      read(response.request());
      try {
        String body = response.peekBody(1 << 20).string();
        synchronized (seen) {
          seen.append(response).append(' ').append(body).append(' ');
        }
      } catch (java.io.IOException | IllegalStateException e) {
        synchronized (seen) {
          seen.append(e).append(' ');
        }
      }
    }

    @Override
    public void callStart(Call call) {
      read(call.request());
    }

    @Override
    public void requestHeadersEnd(Call call, Request request) {
      read(call.request());
      read(request);
    }

    @Override
    public void responseHeadersEnd(Call call, Response response) {
      read(response);
    }

    @Override
    public void connectionAcquired(Call call, Connection connection) {
      synchronized (seen) {
        seen.append(connection).append(' ');
      }
    }

    @Override
    public void callEnd(Call call) {
      read(call.request());
      ended.countDown();
    }
  }
}
