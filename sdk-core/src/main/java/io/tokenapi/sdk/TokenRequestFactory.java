package io.tokenapi.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * Builds the token request once per client: the request is immutable and safe to send again, so the
 * hot path of a refresh does no encoding work.
 */
final class TokenRequestFactory {
  static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  static final String USER_AGENT = "tokenapi-java/" + Version.VERSION;

  private TokenRequestFactory() {}

  static Request create(
      HttpUrl tokenUrl,
      String clientId,
      String clientSecret,
      String scope,
      ClientAuthentication authentication) {
    Request.Builder request =
        new Request.Builder()
            .url(tokenUrl)
            .header("Accept", "application/json")
            .header("User-Agent", USER_AGENT);
    switch (authentication) {
      case JSON_BODY:
        return request.post(jsonBody(clientId, clientSecret, scope)).build();
      case CLIENT_SECRET_POST:
        return request.post(form(clientId, clientSecret, scope)).build();
      case CLIENT_SECRET_BASIC:
        return request
            .header("Authorization", basic(clientId, clientSecret))
            .post(form(null, null, scope))
            .build();
      default:
        throw new IllegalArgumentException("unknown client authentication: " + authentication);
    }
  }

  private static RequestBody jsonBody(String clientId, String clientSecret, String scope) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("client_id", clientId);
    body.put("client_secret", clientSecret);
    if (scope != null) {
      body.put("scope", scope);
    }
    try {
      return RequestBody.create(Json.MAPPER.writeValueAsBytes(body), JSON);
    } catch (JsonProcessingException e) {
      // Unreachable for a tree of strings; never include the body, it holds the secret.
      throw new IllegalStateException("could not encode the token request body", e);
    }
  }

  private static RequestBody form(String clientId, String clientSecret, String scope) {
    FormBody.Builder form =
        new FormBody.Builder(StandardCharsets.UTF_8).add("grant_type", "client_credentials");
    if (clientId != null) {
      form.add("client_id", clientId).add("client_secret", clientSecret);
    }
    if (scope != null) {
      form.add("scope", scope);
    }
    return form.build();
  }

  /**
   * RFC 6749 2.3.1: id and secret are form-urlencoded before they are joined and Base64-encoded.
   */
  static String basic(String clientId, String clientSecret) {
    String pair = basicPair(clientId, clientSecret);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  /** The {@code id:secret} pair of the Basic header, before Base64. */
  static String basicPair(String clientId, String clientSecret) {
    return formEncode(clientId) + ":" + formEncode(clientSecret);
  }

  private static String formEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
