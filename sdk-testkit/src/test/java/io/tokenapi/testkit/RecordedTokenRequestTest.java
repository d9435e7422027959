package io.tokenapi.testkit;

import static io.tokenapi.testkit.FakeTokenServer.DEFAULT_CLIENT_ID;
import static io.tokenapi.testkit.FakeTokenServer.DEFAULT_CLIENT_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.testkit.RecordedTokenRequest.AuthStyle;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** What the server records about each request, and what it never prints. */
class RecordedTokenRequestTest {

  private static final String SECRET = "very-secret-value";

  @AutoClose
  private final FakeTokenServer server =
      new FakeTokenServer().credentials(DEFAULT_CLIENT_ID, SECRET).start();

  @Test
  void takeRequest_decodesTheJsonStyle() {
    TestHttp.postJson(server.tokenUrl(), DEFAULT_CLIENT_ID, SECRET);

    RecordedTokenRequest request = server.takeRequest();

    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/v1/oauth/token");
    assertThat(request.contentType())
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(request.authStyle()).isEqualTo(AuthStyle.JSON_BODY);
    assertThat(request.clientId()).contains(DEFAULT_CLIENT_ID);
    assertThat(request.clientSecret()).contains(SECRET);
    assertThat(request.grantType()).isEmpty();
    assertThat(request.scope()).isEmpty();
    assertThat(request.body()).contains("\"client_id\"");
  }

  @Test
  void takeRequest_decodesTheBasicStyle() {
    TestHttp.postBasic(server.tokenUrl(), DEFAULT_CLIENT_ID, SECRET, "read");

    RecordedTokenRequest request = server.takeRequest();

    assertThat(request.authStyle()).isEqualTo(AuthStyle.CLIENT_SECRET_BASIC);
    assertThat(request.header("authorization"))
        .hasValueSatisfying(value -> assertThat(value).startsWith("Basic "));
    assertThat(request.headers()).containsKey("authorization");
    assertThat(request.clientSecret()).contains(SECRET);
    assertThat(request.grantType()).contains("client_credentials");
    assertThat(request.scope()).contains("read");
    assertThat(request.body()).doesNotContain(SECRET);
  }

  @Test
  void toString_neverShowsTheSecret() {
    TestHttp.postJson(server.tokenUrl(), DEFAULT_CLIENT_ID, SECRET);
    TestHttp.postForm(server.tokenUrl(), DEFAULT_CLIENT_ID, SECRET, "read");
    TestHttp.postBasic(server.tokenUrl(), DEFAULT_CLIENT_ID, SECRET, null);

    for (RecordedTokenRequest request : server.recordedRequests()) {
      assertThat(request.toString())
          .doesNotContain(SECRET)
          .doesNotContain(TestHttp.basic(DEFAULT_CLIENT_ID, SECRET).substring(6))
          .contains("POST /v1/oauth/token")
          .contains("clientId=" + DEFAULT_CLIENT_ID)
          .contains("clientSecret=<redacted>");
    }
    assertThat(server.recordedRequests().get(1).toString())
        .isEqualTo(
            "RecordedTokenRequest{POST /v1/oauth/token, CLIENT_SECRET_POST, clientId=test-client, "
                + "clientSecret=<redacted>, grantType=client_credentials, scope=read}");
  }

  @Test
  void takeRequest_removesInOrderButRecordedRequestsKeepsAll() {
    TestHttp.postJson(server.tokenUrl(), "first", SECRET);
    TestHttp.postJson(server.tokenUrl(), "second", SECRET);

    assertThat(server.takeRequest().clientId()).contains("first");
    assertThat(server.takeRequest().clientId()).contains("second");
    assertThat(server.recordedRequests())
        .extracting(r -> r.clientId().orElseThrow())
        .containsExactly("first", "second");
  }

  @Test
  void takeRequest_withoutRequest_throwsAfterTheTimeout() {
    assertThatThrownBy(() -> server.takeRequest(Duration.ofMillis(50)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PT0.05S");
  }

  @Test
  void recordings_keepOnlyTheLastThousandRequests() {
    int sent = FakeTokenServer.MAX_RECORDED_REQUESTS + 5;
    for (int i = 0; i < sent; i++) {
      TestHttp.postJson(server.tokenUrl(), "client-" + i, SECRET);
    }

    List<RecordedTokenRequest> recorded = server.recordedRequests();
    assertThat(server.requestCount()).isEqualTo(sent);
    assertThat(recorded).hasSize(FakeTokenServer.MAX_RECORDED_REQUESTS);
    assertThat(recorded.get(0).clientId()).contains("client-5");
    assertThat(server.takeRequest().clientId()).contains("client-5");
  }

  @Test
  void reset_clearsScriptCountsRecordingsTokensAndSettings() {
    server
        .tokenPath("/other")
        .clock(new MutableClock(java.time.Instant.EPOCH))
        .closedWhen(instant -> true);
    server.enqueueConflict();
    TestHttp.postJson(server.baseUrl() + "/other", DEFAULT_CLIENT_ID, SECRET);
    server.closedWhen(instant -> false);
    TestHttp.postJson(server.baseUrl() + "/other", DEFAULT_CLIENT_ID, SECRET);
    server.enqueueServerError();
    assertThat(server.issuedTokens()).hasSize(1);

    server.reset();

    assertThat(server.requestCount()).isZero();
    assertThat(server.recordedRequests()).isEmpty();
    assertThat(server.issuedTokens()).isEmpty();
    assertThat(server.scriptedAnswersRemaining()).isZero();
    assertThatThrownBy(() -> server.takeRequest(Duration.ZERO))
        .isInstanceOf(IllegalStateException.class);
    assertThat(server.tokenUrl()).endsWith(FakeTokenServer.DEFAULT_TOKEN_PATH);
    // Default credentials again, and token values stay unique across the reset.
    TestHttp.Reply reply =
        TestHttp.postJson(server.tokenUrl(), DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("access_token").asText()).isEqualTo("fake-token-2");
    assertThat(server.takeRequest().receivedAt()).isAfter(java.time.Instant.EPOCH);
  }
}
