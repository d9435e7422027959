package io.tokenapi.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenapi.testkit.RecordedTokenRequest.AuthStyle;
import io.tokenapi.testkit.RecordedTokenRequest.Problem;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Decodes the credentials of the three request styles the SDK can send. */
final class TokenRequestParser {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TokenRequestParser() {}

  static RecordedTokenRequest parse(
      String method,
      String path,
      Map<String, List<String>> headers,
      String body,
      Instant receivedAt) {
    Fields f = new Fields();
    String contentType = first(headers, "content-type");
    String mediaType =
        contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    String authorization = first(headers, "authorization");
    boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);

    boolean json = mediaType.equals("application/json") || mediaType.endsWith("+json");
    boolean form = mediaType.equals("application/x-www-form-urlencoded");
    // Only a POST is a token request; other methods are answered 405 before credentials matter.
    if ("POST".equals(method)) {
      if (json) {
        readJson(body, f);
      } else if (form) {
        readForm(body, f);
      } else {
        f.problem =
            new Problem(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "Send application/json or application/x-www-form-urlencoded, not '"
                    + mediaType
                    + "'.",
                false);
      }
    }

    AuthStyle style;
    if (basic) {
      style = AuthStyle.CLIENT_SECRET_BASIC;
      if (f.problem == null && (f.clientId != null || f.clientSecret != null)) {
        // RFC 6749 2.3: a client MUST NOT use more than one authentication method per request.
        f.problem =
            new Problem(
                400,
                "invalid_request",
                "Credentials were sent both in the Authorization header and in the body.",
                true);
      }
      readBasic(authorization.substring(6).trim(), f);
    } else if (f.clientId == null && f.clientSecret == null) {
      style = AuthStyle.NONE;
    } else if (form) {
      style = AuthStyle.CLIENT_SECRET_POST;
    } else {
      style = AuthStyle.JSON_BODY;
    }
    return new RecordedTokenRequest(
        method,
        path,
        headers,
        body,
        style,
        f.clientId,
        f.clientSecret,
        f.grantType,
        f.scope,
        receivedAt,
        f.problem);
  }

  private static void readJson(String body, Fields f) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      f.problem = new Problem(400, "invalid_request", "The body is not a JSON object.", true);
      return;
    }
    f.clientId = text(root.get("client_id"));
    f.clientSecret = text(root.get("client_secret"));
    f.grantType = text(root.get("grant_type"));
    f.scope = text(root.get("scope"));
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
  }

  private static void readForm(String body, Fields f) {
    Map<String, String> form = new HashMap<>();
    try {
      for (String pair : body.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = formDecode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
        form.putIfAbsent(name, value);
      }
    } catch (IllegalArgumentException e) {
      f.problem =
          new Problem(
              400, "invalid_request", "The form body is not valid form-url-encoding.", true);
      return;
    }
    f.clientId = form.get("client_id");
    f.clientSecret = form.get("client_secret");
    f.grantType = form.get("grant_type");
    f.scope = form.get("scope");
    if (f.grantType == null) {
      f.problem = new Problem(400, "invalid_request", "The grant_type parameter is missing.", true);
    } else if (!f.grantType.equals("client_credentials")) {
      f.problem =
          new Problem(
              400,
              "unsupported_grant_type",
              "Only grant_type=client_credentials is supported.",
              true);
    }
  }

  /**
   * RFC 6749 2.3.1: id and secret are form-url-encoded before they are joined and base64-encoded.
   */
  private static void readBasic(String token, Fields f) {
    try {
      String decoded = new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        f.clientId = null;
        f.clientSecret = null;
        return;
      }
      f.clientId = formDecode(decoded.substring(0, colon));
      f.clientSecret = formDecode(decoded.substring(colon + 1));
    } catch (IllegalArgumentException e) {
      // Not base64, or a stray '%': the credentials cannot match, so the request ends in
      // invalid_client.
      f.clientId = null;
      f.clientSecret = null;
    }
  }

  private static String formDecode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String first(Map<String, List<String>> headers, String lowerCaseName) {
    List<String> values = headers.get(lowerCaseName);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Mutable scratch space while parsing. */
  private static final class Fields {
    String clientId;
    String clientSecret;
    String grantType;
    String scope;
    Problem problem;
  }
}
