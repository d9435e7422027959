package io.tokenapi.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The embedded server itself, spoken to with raw OkHttp and no SDK code: pins down what Spring
 * Authorization Server accepts and answers, so a failing SDK interop test points at the SDK and not
 * at the test server.
 */
class SpringAuthorizationServerTokenEndpointTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final InteropServer server = new InteropServer();

  private static OkHttpClient http;

  @BeforeAll
  static void startClient() {
    http = new OkHttpClient();
  }

  @AfterAll
  static void stopClient() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Test
  void tokenEndpoint_withClientSecretBasic_issuesBearerTokenForRequestedScope() throws IOException {
    Reply reply =
        post(
            basic(InteropClients.BASIC_ID, InteropClients.BASIC_SECRET),
            form("payments.read").build());

    assertThat(reply.status).isEqualTo(200);
    assertThat(reply.json.path("access_token").asText()).isNotBlank();
    assertThat(reply.json.path("token_type").asText()).isEqualTo("Bearer");
    assertThat(reply.json.path("scope").asText()).isEqualTo("payments.read");
    assertThat(reply.json.path("expires_in").asLong()).isBetween(298L, 300L);
  }

  @Test
  void tokenEndpoint_withClientSecretPost_issuesBearerTokenForRequestedScope() throws IOException {
    Reply reply =
        post(
            null,
            formWithCredentials(
                InteropClients.SCOPES, InteropClients.POST_ID, InteropClients.POST_SECRET));

    assertThat(reply.status).isEqualTo(200);
    assertThat(reply.json.path("access_token").asText()).isNotBlank();
    assertThat(reply.json.path("scope").asText().split(" "))
        .containsExactlyInAnyOrder("payments.read", "payments.write");
  }

  @Test
  void tokenEndpoint_withFormEncodedSpecialCharactersInBasicCredentials_issuesToken()
      throws IOException {
    Reply reply =
        post(
            basic(InteropClients.SPECIAL_BASIC_ID, InteropClients.SPECIAL_BASIC_SECRET),
            form(null).build());

    assertThat(reply.status).as(reply.raw).isEqualTo(200);
  }

  @Test
  void tokenEndpoint_withSpecialCharactersInPostCredentials_issuesToken() throws IOException {
    Reply reply =
        post(
            null,
            formWithCredentials(
                null, InteropClients.SPECIAL_POST_ID, InteropClients.SPECIAL_POST_SECRET));

    assertThat(reply.status).as(reply.raw).isEqualTo(200);
  }

  @Test
  void tokenEndpoint_withBasicCredentialsNotFormEncoded_splitsAtFirstColonAndRefusesClient()
      throws IOException {
    String raw = InteropClients.SPECIAL_BASIC_ID + ":" + InteropClients.SPECIAL_BASIC_SECRET;
    String header =
        "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));

    Reply reply = post(header, form(null).build());

    // Spring splits at the first ':' and looks up the unknown client "tenant".
    assertThat(reply.status).isEqualTo(401);
    assertThat(reply.json.path("error").asText()).as(reply.raw).isEqualTo("invalid_client");
  }

  @Test
  void tokenEndpoint_withNonAsciiClientId_answers400InvalidRequest() throws IOException {
    Reply reply = post(basic(InteropClients.NON_ASCII_ID, "whatever"), form(null).build());

    assertThat(reply.status).isEqualTo(400);
    assertThat(reply.json.path("error").asText()).as(reply.raw).isEqualTo("invalid_request");
  }

  @Test
  void tokenEndpoint_withWrongSecret_answers401InvalidClient() throws IOException {
    Reply reply = post(basic(InteropClients.BASIC_ID, "wrong-secret"), form(null).build());

    assertThat(reply.status).isEqualTo(401);
    assertThat(reply.json.path("error").asText()).as(reply.raw).isEqualTo("invalid_client");
  }

  @Test
  void tokenEndpoint_forUnknownClient_answers401InvalidClient() throws IOException {
    Reply reply = post(basic("no-such-client", "whatever"), form(null).build());

    assertThat(reply.status).isEqualTo(401);
    assertThat(reply.json.path("error").asText()).as(reply.raw).isEqualTo("invalid_client");
  }

  @Test
  void tokenEndpoint_withPostCredentialsForBasicOnlyClient_answers401InvalidClient()
      throws IOException {
    Reply reply =
        post(null, formWithCredentials(null, InteropClients.BASIC_ID, InteropClients.BASIC_SECRET));

    assertThat(reply.status).isEqualTo(401);
    assertThat(reply.json.path("error").asText()).as(reply.raw).isEqualTo("invalid_client");
  }

  @Test
  void tokenEndpoint_forClientWithoutClientCredentialsGrant_answers400UnauthorizedClient()
      throws IOException {
    Reply reply =
        post(
            basic(InteropClients.CODE_ONLY_ID, InteropClients.CODE_ONLY_SECRET),
            form(null).build());

    assertThat(reply.status).as(reply.raw).isEqualTo(400);
    assertThat(reply.json.path("error").asText()).as(reply.raw).isEqualTo("unauthorized_client");
  }

  private static FormBody.Builder form(String scope) {
    FormBody.Builder form = new FormBody.Builder().add("grant_type", "client_credentials");
    if (scope != null) {
      form.add("scope", scope);
    }
    return form;
  }

  /** client_secret_post: the credentials go into the form, next to the grant type. */
  private static FormBody formWithCredentials(String scope, String id, String secret) {
    return form(scope).add("client_id", id).add("client_secret", secret).build();
  }

  /**
   * RFC 6749 2.3.1: id and secret are form-urlencoded (UTF-8) before they are joined and
   * Base64-encoded.
   */
  private static String basic(String id, String secret) {
    String joined =
        URLEncoder.encode(id, StandardCharsets.UTF_8)
            + ":"
            + URLEncoder.encode(secret, StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(joined.getBytes(StandardCharsets.UTF_8));
  }

  private static Reply post(String authorization, FormBody body) throws IOException {
    Request.Builder request = new Request.Builder().url(server.tokenUrl()).post(body);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try (Response response = http.newCall(request.build()).execute()) {
      String raw = response.body().string();
      JsonNode json = raw.isEmpty() ? JSON.createObjectNode() : JSON.readTree(raw);
      return new Reply(response.code(), raw, json);
    }
  }

  private record Reply(int status, String raw, JsonNode json) {}
}
