package io.tokenapi.sdk;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import okhttp3.FormBody;
import okhttp3.Request;

/**
 * The token request for one attempt. A secret or mTLS client sends the same immutable request every
 * time, built once; an assertion client builds a new one per attempt, so a retry never resends a
 * used {@code jti} or an assertion that a rotated file has replaced.
 */
abstract class TokenRequestSource {

  private TokenRequestSource() {}

  /**
   * The request for the attempt about to be sent.
   *
   * @throws OAuthException when the assertion could not be produced; the message holds no secret
   */
  abstract Request next();

  /** The assertion of the latest attempt, for redacting echoed error text; null when none. */
  String currentAssertion() {
    return null;
  }

  static TokenRequestSource fixed(Request request) {
    return new Fixed(request);
  }

  static TokenRequestSource assertions(
      Request template,
      String clientId,
      String scope,
      List<Map.Entry<String, String>> parameters,
      Supplier<String> assertions,
      boolean signedBySdk) {
    return new Assertions(template, clientId, scope, parameters, assertions, signedBySdk);
  }

  private static final class Fixed extends TokenRequestSource {
    private final Request request;

    Fixed(Request request) {
      this.request = request;
    }

    @Override
    Request next() {
      return request;
    }
  }

  private static final class Assertions extends TokenRequestSource {
    private final Request template;
    private final String clientId;
    private final String scope;
    private final List<Map.Entry<String, String>> parameters;
    private final Supplier<String> assertions;
    private final boolean signedBySdk;

    // Attempts of one client run one at a time, so the latest assertion is the current attempt's.
    private volatile String current;

    Assertions(
        Request template,
        String clientId,
        String scope,
        List<Map.Entry<String, String>> parameters,
        Supplier<String> assertions,
        boolean signedBySdk) {
      this.template = template;
      this.clientId = clientId;
      this.scope = scope;
      this.parameters = List.copyOf(parameters);
      this.assertions = assertions;
      this.signedBySdk = signedBySdk;
    }

    @Override
    Request next() {
      String assertion = assertion();
      current = assertion;
      FormBody.Builder form =
          new FormBody.Builder(StandardCharsets.UTF_8)
              .add("grant_type", "client_credentials")
              // Optional in RFC 7521 4.2, but servers such as Spring Authorization Server require
              // it.
              .add("client_id", clientId)
              .add("client_assertion_type", JwtAssertionSigner.ASSERTION_TYPE)
              .add("client_assertion", assertion);
      if (scope != null) {
        form.add("scope", scope);
      }
      for (Map.Entry<String, String> parameter : parameters) {
        form.add(parameter.getKey(), parameter.getValue());
      }
      return template.newBuilder().post(form.build()).build();
    }

    private String assertion() {
      if (signedBySdk) {
        return assertions.get(); // JwtAssertionSigner throws OAuthException itself
      }
      String assertion;
      try {
        assertion = assertions.get();
      } catch (RuntimeException e) {
        // The supplier's own message (ClientAssertions.fromFile names the file, never its content).
        throw new OAuthException(
            "Could not get the client assertion from clientAssertion(...): "
                + Redactor.redactCompactJws(String.valueOf(e.getMessage())),
            e);
      }
      if (assertion == null || assertion.isBlank()) {
        throw new OAuthException(
            "The clientAssertion(...) supplier returned "
                + (assertion == null ? "null" : "a blank assertion")
                + ": it must return the assertion to send with each token request");
      }
      return assertion.strip();
    }

    @Override
    String currentAssertion() {
      return current;
    }
  }
}
