package io.tokenapi.testkit;

import static io.tokenapi.testkit.FakeTokenServer.DEFAULT_CLIENT_ID;
import static io.tokenapi.testkit.FakeTokenServer.DEFAULT_CLIENT_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenapi.testkit.TestHttp.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The default behaviour: issuing tokens, checking credentials, routing. */
class FakeTokenServerTest {

  @AutoClose private final FakeTokenServer server = new FakeTokenServer().start();

  @Test
  void jsonBody_withDefaultCredentials_issuesBearerTokenForOneHour() {
    Reply reply = TestHttp.postJson(server.tokenUrl(), DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).isEqualTo("application/json");
    JsonNode json = reply.json();
    assertThat(json.get("access_token").asText()).isEqualTo("fake-token-1");
    assertThat(json.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(json.get("expires_in").isNumber()).isTrue();
    assertThat(json.get("expires_in").asLong()).isEqualTo(3600);
    assertThat(json.has("scope")).isFalse();
    assertThat(server.lastIssuedToken()).isEqualTo("fake-token-1");
    assertThat(server.isValid("fake-token-1")).isTrue();
  }

  @Test
  void clientSecretPost_withScope_issuesTokenAndEchoesScope() {
    Reply reply =
        TestHttp.postForm(
            server.tokenUrl(), DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, "read write");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("access_token").asText()).isEqualTo(server.lastIssuedToken());
    assertThat(reply.json().get("scope").asText()).isEqualTo("read write");
    assertThat(server.takeRequest().authStyle())
        .isEqualTo(RecordedTokenRequest.AuthStyle.CLIENT_SECRET_POST);
  }

  @Test
  void clientSecretBasic_decodesFormEncodedIdAndSecret() {
    String id = "my client";
    String secret = "s3cr:t+/ %&=é";
    server.credentials(id, secret);

    Reply reply = TestHttp.postBasic(server.tokenUrl(), id, secret, null);

    assertThat(reply.status()).isEqualTo(200);
    RecordedTokenRequest request = server.takeRequest();
    assertThat(request.authStyle()).isEqualTo(RecordedTokenRequest.AuthStyle.CLIENT_SECRET_BASIC);
    assertThat(request.clientId()).contains(id);
    assertThat(request.clientSecret()).contains(secret);
  }

  @Test
  void clientSecretBasic_withoutFormEncoding_isRejected() {
    server.credentials("id", "50%off");
    String raw = Base64.getEncoder().encodeToString("id:50%off".getBytes(StandardCharsets.UTF_8));

    Reply reply =
        TestHttp.execute(
            TestHttp.CLIENT,
            new Request.Builder()
                .url(server.tokenUrl())
                .header("Authorization", "Basic " + raw)
                .post(
                    RequestBody.create(
                        "grant_type=client_credentials",
                        MediaType.get("application/x-www-form-urlencoded")))
                .build());

    assertThat(reply.status()).isEqualTo(401);
  }

  @Test
  void eachSuccessfulRequest_issuesANewToken() {
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      tokens.add(
          TestHttp.postJson(server.tokenUrl(), DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
              .json()
              .get("access_token")
              .asText());
    }

    assertThat(tokens).hasSize(3);
    assertThat(server.issuedTokens())
        .containsExactly("fake-token-1", "fake-token-2", "fake-token-3");
    assertThat(server.isIssued("fake-token-2")).isTrue();
    assertThat(server.isIssued("fake-token-4")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"json", "post", "basic"})
  void wrongSecret_answers401InvalidClientWithoutIssuingAToken(String style) {
    String url = server.tokenUrl();
    Reply reply =
        switch (style) {
          case "json" -> TestHttp.postJson(url, DEFAULT_CLIENT_ID, "wrong-secret");
          case "post" -> TestHttp.postForm(url, DEFAULT_CLIENT_ID, "wrong-secret", null);
          default -> TestHttp.postBasic(url, DEFAULT_CLIENT_ID, "wrong-secret", null);
        };

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.header("Content-Type")).isEqualTo("application/json");
    assertThat(reply.header("WWW-Authenticate")).startsWith("Basic");
    assertThat(reply.json().get("error").asText()).isEqualTo("invalid_client");
    assertThat(reply.json().get("error_description").asText()).isNotBlank();
    assertThat(reply.body()).doesNotContain("wrong-secret");
    assertThat(server.issuedTokens()).isEmpty();
  }

  @Test
  void wrongClientId_answers401() {
    assertThat(TestHttp.postJson(server.tokenUrl(), "someone-else", DEFAULT_CLIENT_SECRET).status())
        .isEqualTo(401);
  }

  @Test
  void requestWithoutCredentials_answers401() {
    Reply reply = post("{}", "application/json", null);

    assertThat(reply.status()).isEqualTo(401);
    assertThat(server.takeRequest().authStyle()).isEqualTo(RecordedTokenRequest.AuthStyle.NONE);
  }

  @Test
  void credentialsInHeaderAndBody_answers400InvalidRequest() {
    Reply reply =
        post(
            "grant_type=client_credentials&client_id=test-client&client_secret=test-secret",
            "application/x-www-form-urlencoded",
            TestHttp.basic(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).isEqualTo("invalid_request");
  }

  @Test
  void formWithOtherGrantType_answers400UnsupportedGrantType() {
    Reply reply =
        post(
            "grant_type=password&client_id=test-client&client_secret=test-secret",
            "application/x-www-form-urlencoded",
            null);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).isEqualTo("unsupported_grant_type");
  }

  @Test
  void formWithoutGrantType_answers400InvalidRequest() {
    Reply reply =
        post(
            "client_id=test-client&client_secret=test-secret",
            "application/x-www-form-urlencoded",
            null);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).isEqualTo("invalid_request");
  }

  @Test
  void malformedJson_answers400InvalidRequest() {
    Reply reply = post("{\"client_id\": ", "application/json; charset=utf-8", null);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).isEqualTo("invalid_request");
  }

  @Test
  void otherContentType_answers415WithProviderEnvelope() {
    Reply reply = post("client_id=test-client", "text/plain", null);

    assertThat(reply.status()).isEqualTo(415);
    assertThat(reply.json().get("code").asText()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    assertThat(reply.json().get("errorId").asText()).startsWith("fake-error-");
  }

  @Test
  void get_answers405WithAllowHeader() {
    Reply reply =
        TestHttp.execute(TestHttp.CLIENT, new Request.Builder().url(server.tokenUrl()).build());

    assertThat(reply.status()).isEqualTo(405);
    assertThat(reply.header("Allow")).isEqualTo("POST");
    assertThat(reply.json().get("code").asText()).isEqualTo("METHOD_NOT_ALLOWED");
  }

  @Test
  void otherPath_answers404AndLeavesTheScriptAlone() {
    server.enqueueConflict();

    Reply reply =
        TestHttp.postJson(server.baseUrl() + "/v2/token", DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().get("code").asText()).isEqualTo("NOT_FOUND");
    assertThat(server.scriptedAnswersRemaining()).isEqualTo(1);
    assertThat(server.requestCount()).isEqualTo(1);
    assertThat(server.takeRequest().path()).isEqualTo("/v2/token");
  }

  @Test
  void customCredentialsAndTokenPath_areHonoured() {
    server.credentials("id-1", "secret-1").tokenPath("/oauth2/token");

    assertThat(server.tokenUrl()).isEqualTo(server.baseUrl() + "/oauth2/token");
    assertThat(TestHttp.postJson(server.tokenUrl(), "id-1", "secret-1").status()).isEqualTo(200);
    assertThat(
            TestHttp.postJson(server.tokenUrl(), DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET).status())
        .isEqualTo(401);
    assertThat(TestHttp.postJson(server.baseUrl() + "/v1/oauth/token", "id-1", "secret-1").status())
        .isEqualTo(404);
  }

  @Test
  void camelCaseFieldsAndStringExpiresIn_changeTheSuccessBody() {
    server.camelCaseFields(true).expiresInAsString(true).tokenLifetime(Duration.ofMinutes(5));

    JsonNode json =
        TestHttp.postJson(server.tokenUrl(), DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET).json();

    assertThat(json.get("accessToken").asText()).isEqualTo(server.lastIssuedToken());
    assertThat(json.get("tokenType").asText()).isEqualTo("Bearer");
    assertThat(json.get("expiresIn").isTextual()).isTrue();
    assertThat(json.get("expiresIn").asText()).isEqualTo("300");
    assertThat(json.has("access_token")).isFalse();
  }

  @Test
  void omitExpiresIn_leavesTheFieldOut() {
    server.omitExpiresIn(true).tokenType("bearer");

    JsonNode json =
        TestHttp.postJson(server.tokenUrl(), DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET).json();

    assertThat(json.has("expires_in")).isFalse();
    assertThat(json.get("token_type").asText()).isEqualTo("bearer");
  }

  @Test
  void tokenValidity_followsTheClockAndRevocation() {
    MutableClock clock = new MutableClock(Instant.parse("2025-06-02T10:00:00Z"));
    server.clock(clock).tokenLifetime(Duration.ofSeconds(90));
    String first =
        TestHttp.postJson(server.tokenUrl(), DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
            .json()
            .get("access_token")
            .asText();
    String second =
        TestHttp.postJson(server.tokenUrl(), DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
            .json()
            .get("access_token")
            .asText();

    server.revoke(second);
    assertThat(server.isValid(first)).isTrue();
    assertThat(server.isValid(second)).isFalse();
    assertThat(server.isIssued(second)).isTrue();

    clock.advance(Duration.ofSeconds(90));
    assertThat(server.isValid(first)).isFalse();
    assertThat(server.isValid("never-issued")).isFalse();
    assertThat(server.isValid(null)).isFalse();
  }

  @Test
  void lastIssuedToken_beforeAnyToken_throws() {
    assertThatThrownBy(server::lastIssuedToken).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void start_bindsLoopbackAndIsIdempotent() {
    String url = server.baseUrl();

    assertThat(server.start().baseUrl()).isEqualTo(url);
    assertThat(url).isEqualTo("http://127.0.0.1:" + server.port());
    assertThat(server.tokenUrl()).isEqualTo(url + "/v1/oauth/token");
    assertThat(server.toString()).isEqualTo("FakeTokenServer{" + url + "}");
  }

  @Test
  void close_stopsListeningAndForbidsRestart() {
    int port = server.port();

    server.close();
    server.close();

    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
    assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
    assertThat(server.toString()).isEqualTo("FakeTokenServer{closed}");
  }

  @Test
  void baseUrl_beforeStart_throws() {
    try (FakeTokenServer notStarted = new FakeTokenServer()) {
      assertThatThrownBy(notStarted::baseUrl)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("start()");
      assertThat(notStarted.toString()).isEqualTo("FakeTokenServer{not started}");
    }
  }

  @Test
  void settings_rejectNullsAndBadValues() {
    assertThatThrownBy(() -> server.credentials(null, "s")).hasMessage("clientId == null");
    assertThatThrownBy(() -> server.credentials("i", null)).hasMessage("clientSecret == null");
    assertThatThrownBy(() -> server.tokenPath("token"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.tokenLifetime(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> server.clock(null)).hasMessage("clock == null");
  }

  @Test
  void manyConcurrentClients_getUniqueTokensAndAnExactCount() throws Exception {
    int threads = 8;
    int perThread = 25;
    List<Thread> workers = new ArrayList<>();
    Set<String> tokens = ConcurrentHashMap.newKeySet();
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  tokens.add(
                      TestHttp.postJson(server.tokenUrl(), DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
                          .json()
                          .get("access_token")
                          .asText());
                }
              });
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join(10_000);
    }

    assertThat(server.requestCount()).isEqualTo(threads * perThread);
    assertThat(tokens).hasSize(threads * perThread);
    assertThat(server.issuedTokens()).hasSize(threads * perThread);
  }

  @Test
  void sequentialRequestsOnAKeptAliveConnection_doNotStallOnNagle() {
    TestHttp.postJson(
        server.tokenUrl(), DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET); // Connect and warm up.

    long[] nanos = new long[101];
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      TestHttp.postJson(server.tokenUrl(), DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    Duration fastestTenth = Duration.ofNanos(nanos[nanos.length / 10]);

    // Without TCP_NODELAY every answer on the kept-alive connection waits for the client's delayed
    // ACK, 40 ms at the least on Linux (its minimum delayed-ACK timeout; measured: 47 ms per
    // request, against 0.7 ms with it), so even the fastest requests are slow. Load only ever adds
    // time, to some requests: CI under load has pushed the median past 20 ms, while the fastest
    // tenth still took a few ms. So the fastest tenth, against a bound under the stall's floor,
    // tells a stall from a busy machine.
    assertThat(fastestTenth).isLessThan(Duration.ofMillis(30));
    assertThat(server.recordedRequests()).hasSize(nanos.length + 1);
  }

  private Reply post(String body, String contentType, String authorization) {
    Request.Builder request =
        new Request.Builder()
            .url(server.tokenUrl())
            .post(
                RequestBody.create(
                    body.getBytes(StandardCharsets.UTF_8), MediaType.get(contentType)));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      return TestHttp.execute(TestHttp.CLIENT, request.build());
    } catch (UncheckedIOException e) {
      throw new AssertionError(e);
    }
  }
}
