package io.tokenapi.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import okhttp3.FormBody;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** A plain OkHttp client speaking the three request styles the SDK uses. */
final class TestHttp {

  static final ObjectMapper JSON = new ObjectMapper();
  static final MediaType APPLICATION_JSON = MediaType.get("application/json");

  /** No silent retries: a scripted disconnect must reach the test as an exception. */
  static final OkHttpClient CLIENT =
      new OkHttpClient.Builder()
          .retryOnConnectionFailure(false)
          .callTimeout(Duration.ofSeconds(10))
          .build();

  private TestHttp() {}

  /**
   * The provider's own style with the server's default credentials: the request most tests just
   * need answered.
   */
  static Reply requestToken(FakeTokenServer server) {
    return execute(CLIENT, tokenRequest(server));
  }

  /** The request {@link #requestToken} sends, for tests that send it with another client. */
  static Request tokenRequest(FakeTokenServer server) {
    return jsonRequest(
        server.tokenUrl(),
        FakeTokenServer.DEFAULT_CLIENT_ID,
        FakeTokenServer.DEFAULT_CLIENT_SECRET);
  }

  static Reply postJson(String url, String clientId, String clientSecret) {
    return execute(CLIENT, jsonRequest(url, clientId, clientSecret));
  }

  private static Request jsonRequest(String url, String clientId, String clientSecret) {
    String body = "{\"client_id\":\"" + clientId + "\",\"client_secret\":\"" + clientSecret + "\"}";
    return new Request.Builder().url(url).post(RequestBody.create(body, APPLICATION_JSON)).build();
  }

  static Reply postForm(String url, String clientId, String clientSecret, String scope) {
    FormBody.Builder form =
        new FormBody.Builder()
            .add("grant_type", "client_credentials")
            .add("client_id", clientId)
            .add("client_secret", clientSecret);
    if (scope != null) {
      form.add("scope", scope);
    }
    return execute(CLIENT, new Request.Builder().url(url).post(form.build()).build());
  }

  static Reply postBasic(String url, String clientId, String clientSecret, String scope) {
    FormBody.Builder form = new FormBody.Builder().add("grant_type", "client_credentials");
    if (scope != null) {
      form.add("scope", scope);
    }
    return execute(
        CLIENT,
        new Request.Builder()
            .url(url)
            .header("Authorization", basic(clientId, clientSecret))
            .post(form.build())
            .build());
  }

  /** RFC 6749 2.3.1: form-url-encode id and secret, then join and base64 them. */
  static String basic(String clientId, String clientSecret) {
    String pair =
        URLEncoder.encode(clientId, StandardCharsets.UTF_8)
            + ":"
            + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  static Reply execute(OkHttpClient client, Request request) {
    try (Response response = client.newCall(request).execute()) {
      return new Reply(response.code(), response.headers(), response.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record Reply(int status, Headers headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    String header(String name) {
      return headers.get(name);
    }
  }
}
