package io.tokenapi.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * What a user would write instead of the SDK: one OkHttp POST of the provider's JSON body and a
 * Jackson parse of the answer into a token value with an absolute expiry. No cache, no retry: the
 * baseline for one token request.
 */
final class HandWrittenTokenClient {

  private static final MediaType JSON = MediaType.get("application/json");

  private final OkHttpClient httpClient;
  private final ObjectMapper mapper;
  private final Request request;
  private final Clock clock;

  HandWrittenTokenClient(
      OkHttpClient httpClient,
      ObjectMapper mapper,
      String tokenUrl,
      String clientId,
      String clientSecret)
      throws IOException {
    this.httpClient = httpClient;
    this.mapper = mapper;
    // Built once, as the SDK does: the baseline does no per-request encoding the SDK would not do.
    ObjectNode body =
        mapper.createObjectNode().put("client_id", clientId).put("client_secret", clientSecret);
    this.request =
        new Request.Builder()
            .url(tokenUrl)
            .post(RequestBody.create(mapper.writeValueAsBytes(body), JSON))
            .build();
    this.clock = Clock.systemUTC();
  }

  /** A token value with its expiry, as a hand-written client would keep it. */
  record Token(String value, String tokenType, Instant expiresAt, String scope) {
    @Override
    public String toString() {
      return "Token[type=" + tokenType + ", expiresAt=" + expiresAt + "]";
    }
  }

  /** One POST to the token endpoint, parsed. */
  Token fetch() throws IOException {
    try (Response response = httpClient.newCall(request).execute()) {
      return parse(response);
    }
  }

  /**
   * The same request enqueued on OkHttp's dispatcher and parsed on its thread (for the cold-fetch
   * breakdown).
   */
  CompletableFuture<Token> fetchAsync() {
    CompletableFuture<Token> result = new CompletableFuture<>();
    httpClient
        .newCall(request)
        .enqueue(
            new Callback() {
              @Override
              public void onFailure(Call call, IOException e) {
                result.completeExceptionally(e);
              }

              @Override
              public void onResponse(Call call, Response response) {
                try (response) {
                  result.complete(parse(response));
                } catch (IOException | RuntimeException e) {
                  result.completeExceptionally(e);
                }
              }
            });
    return result;
  }

  private Token parse(Response response) throws IOException {
    ResponseBody responseBody = response.body();
    if (!response.isSuccessful()) {
      throw new IOException("token request failed: HTTP " + response.code());
    }
    JsonNode json = mapper.readTree(responseBody.byteStream());
    JsonNode accessToken = field(json, "access_token", "accessToken");
    if (accessToken == null || !accessToken.isTextual()) {
      throw new IOException("token response has no access_token");
    }
    JsonNode tokenType = field(json, "token_type", "tokenType");
    JsonNode expiresIn = field(json, "expires_in", "expiresIn");
    JsonNode scope = json.get("scope");
    long lifetimeSeconds = expiresIn == null ? 3600 : expiresIn.asLong(3600);
    return new Token(
        accessToken.textValue(),
        tokenType == null ? "Bearer" : tokenType.asText(),
        clock.instant().plusSeconds(lifetimeSeconds),
        scope == null ? null : scope.asText());
  }

  private static JsonNode field(JsonNode json, String snakeCase, String camelCase) {
    JsonNode value = json.get(snakeCase);
    return value != null ? value : json.get(camelCase);
  }
}
