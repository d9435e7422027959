package io.tokenapi.sdk;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
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
   * The request for the attempt about to be sent, without blocking the calling thread: a caller's
   * assertion supplier runs on the client's thread, bounded by {@code timeoutMillis}.
   *
   * @return the request, or a failed future with an {@link OAuthException} when the assertion could
   *     not be produced in time; the message holds no secret
   */
  abstract CompletableFuture<Request> nextAsync(long timeoutMillis);

  /**
   * Like {@link #nextAsync}, waiting on the calling thread at most {@code timeoutMillis}.
   *
   * @throws OAuthException when the assertion could not be produced in time, or on interrupt (flag
   *     restored); the message holds no secret
   */
  abstract Request next(long timeoutMillis);

  /** Ends a supplier call still running. */
  void close() {}

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
      String sdkSigner,
      ScheduledExecutorService scheduler) {
    // The SDK's own signer runs bounded too: its key's JCA provider may be an HSM or a remote KMS
    // that blocks, and a signer without a time bound would hold the attempt past maxWait.
    return new Assertions(
        template,
        clientId,
        scope,
        parameters,
        sdkSigner == null
            ? new BoundedAssertions(assertions, scheduler)
            : new BoundedAssertions(assertions, sdkSigner, scheduler));
  }

  private static final class Fixed extends TokenRequestSource {
    private final Request request;
    private final CompletableFuture<Request> ready;

    Fixed(Request request) {
      this.request = request;
      this.ready = CompletableFuture.completedFuture(request);
    }

    @Override
    CompletableFuture<Request> nextAsync(long timeoutMillis) {
      return ready;
    }

    @Override
    Request next(long timeoutMillis) {
      return request;
    }
  }

  private static final class Assertions extends TokenRequestSource {
    private final Request template;
    private final String clientId;
    private final String scope;
    private final List<Map.Entry<String, String>> parameters;

    /** The caller's supplier ({@code clientAssertion}) or the SDK's signer, run bounded. */
    private final BoundedAssertions callers;

    // Attempts of one client run one at a time, so the latest assertion is the current attempt's.
    private volatile String current;

    Assertions(
        Request template,
        String clientId,
        String scope,
        List<Map.Entry<String, String>> parameters,
        BoundedAssertions callers) {
      this.template = template;
      this.clientId = clientId;
      this.scope = scope;
      this.parameters = List.copyOf(parameters);
      this.callers = callers;
    }

    @Override
    CompletableFuture<Request> nextAsync(long timeoutMillis) {
      return callers.next(timeoutMillis).thenApply(this::request);
    }

    @Override
    Request next(long timeoutMillis) {
      return request(callers.await(timeoutMillis));
    }

    @Override
    void close() {
      callers.close();
    }

    private Request request(String assertion) {
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

    @Override
    String currentAssertion() {
      return current;
    }
  }
}
