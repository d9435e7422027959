package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Call;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.EventListener;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/**
 * The token request carries exactly what the SDK puts on it, whatever the caller's {@link
 * OkHttpClient} passed to {@code httpClient(...)} would add: no authenticator, no cookies in or
 * out, no interceptors; its event listeners still see the request.
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
  void callersEventListener_stillSeesTheTokenRequest() {
    server.enqueue(token("tok-1"));
    List<String> events = new CopyOnWriteArrayList<>();
    OkHttpClient callers =
        new OkHttpClient.Builder()
            .eventListener(
                new EventListener() {
                  @Override
                  public void callStart(Call call) {
                    events.add("callStart " + call.request().url().encodedPath());
                  }
                })
            .build();
    try (OAuthClient client = client(callers)) {
      assertThat(client.getToken().value()).isEqualTo("tok-1");
    }
    assertThat(events).containsExactly("callStart /v1/oauth/token");
  }
}
