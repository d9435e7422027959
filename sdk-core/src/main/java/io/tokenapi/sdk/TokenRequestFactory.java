package io.tokenapi.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * Builds the token request once per client: the request is immutable and safe to send again, so the
 * hot path of a refresh does no encoding work. Assertion clients are the exception: their request
 * carries a new assertion per attempt ({@link TokenRequestSource}).
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
    return create(tokenUrl, clientId, clientSecret, scope, authentication, List.of());
  }

  /**
   * The requests of a client with {@code credential}; {@code parameters} follow the SDK's own
   * fields, in order. A caller's assertion supplier is timed out on {@code scheduler}.
   */
  static TokenRequestSource source(
      HttpUrl tokenUrl,
      String clientId,
      String scope,
      List<Map.Entry<String, String>> parameters,
      ClientCredential credential,
      ScheduledExecutorService scheduler) {
    switch (credential.kind) {
      case CLIENT_SECRET:
        return TokenRequestSource.fixed(
            create(
                tokenUrl,
                clientId,
                credential.secret,
                scope,
                credential.authentication,
                parameters));
      case TLS_CLIENT_AUTH:
        // RFC 8705 2: the client is identified by client_id and proven by its TLS certificate.
        FormBody.Builder form =
            new FormBody.Builder(StandardCharsets.UTF_8)
                .add("grant_type", "client_credentials")
                .add("client_id", clientId);
        return TokenRequestSource.fixed(
            template(tokenUrl).post(withScopeAndParameters(form, scope, parameters)).build());
      case PRIVATE_KEY_JWT:
      case CLIENT_ASSERTION:
        return TokenRequestSource.assertions(
            template(tokenUrl).build(),
            clientId,
            scope,
            parameters,
            credential.assertions,
            credential.kind == ClientCredential.Kind.PRIVATE_KEY_JWT
                ? "privateKeyJwt(...) signer, " + credential.describe()
                : null,
            scheduler);
      default:
        throw new IllegalArgumentException("unknown credential kind: " + credential.kind);
    }
  }

  /**
   * What besides URL, client id and scope tells two clients' tokens apart in a shared store: the
   * credential kind and the token parameters. Null for a secret client without parameters, so its
   * store key stays what it was before these existed.
   */
  static String storeKeyVariant(
      ClientCredential credential, List<Map.Entry<String, String>> parameters) {
    if (credential.kind == ClientCredential.Kind.CLIENT_SECRET && parameters.isEmpty()) {
      return null;
    }
    StringBuilder variant = new StringBuilder(credential.kind.wireName);
    for (Map.Entry<String, String> parameter : parameters) {
      // Form-encoded, so no name or value can imitate a separator.
      variant
          .append('&')
          .append(formEncode(parameter.getKey()))
          .append('=')
          .append(formEncode(parameter.getValue()));
    }
    return variant.toString();
  }

  private static Request.Builder template(HttpUrl tokenUrl) {
    return new Request.Builder()
        .url(tokenUrl)
        .header("Accept", "application/json")
        .header("User-Agent", USER_AGENT);
  }

  private static Request create(
      HttpUrl tokenUrl,
      String clientId,
      String clientSecret,
      String scope,
      ClientAuthentication authentication,
      List<Map.Entry<String, String>> parameters) {
    Request.Builder request = template(tokenUrl);
    switch (authentication) {
      case JSON_BODY:
        return request.post(jsonBody(clientId, clientSecret, scope, parameters)).build();
      case CLIENT_SECRET_POST:
        return request.post(form(clientId, clientSecret, scope, parameters)).build();
      case CLIENT_SECRET_BASIC:
        return request
            .header("Authorization", basic(clientId, clientSecret))
            .post(form(null, null, scope, parameters))
            .build();
      default:
        throw new IllegalArgumentException("unknown client authentication: " + authentication);
    }
  }

  private static RequestBody jsonBody(
      String clientId,
      String clientSecret,
      String scope,
      List<Map.Entry<String, String>> parameters) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("client_id", clientId);
    body.put("client_secret", clientSecret);
    if (scope != null) {
      body.put("scope", scope);
    }
    for (Map.Entry<String, String> parameter : parameters) {
      // A repeated name (RFC 8707 allows several resource values) becomes a JSON array.
      String name = parameter.getKey();
      if (body.has(name)) {
        if (!body.get(name).isArray()) {
          String first = body.get(name).asText();
          body.putArray(name).add(first);
        }
        body.withArray(name).add(parameter.getValue());
      } else {
        body.put(name, parameter.getValue());
      }
    }
    try {
      return RequestBody.create(Json.MAPPER.writeValueAsBytes(body), JSON);
    } catch (JsonProcessingException e) {
      // Unreachable for a tree of strings; never include the body, it holds the secret.
      throw new IllegalStateException("could not encode the token request body", e);
    }
  }

  private static RequestBody form(
      String clientId,
      String clientSecret,
      String scope,
      List<Map.Entry<String, String>> parameters) {
    FormBody.Builder form =
        new FormBody.Builder(StandardCharsets.UTF_8).add("grant_type", "client_credentials");
    if (clientId != null) {
      form.add("client_id", clientId).add("client_secret", clientSecret);
    }
    return withScopeAndParameters(form, scope, parameters);
  }

  private static FormBody withScopeAndParameters(
      FormBody.Builder form, String scope, List<Map.Entry<String, String>> parameters) {
    if (scope != null) {
      form.add("scope", scope);
    }
    for (Map.Entry<String, String> parameter : parameters) {
      form.add(parameter.getKey(), parameter.getValue());
    }
    return form.build();
  }

  /**
   * RFC 6749 2.3.1: id and secret are form-urlencoded before they are joined and Base64-encoded.
   */
  static String basic(String clientId, String clientSecret) {
    String pair = ClientAuthentication.basicPair(clientId, clientSecret);
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }

  private static String formEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
