package io.tokenapi.sdk.jdkhttp;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Optional;

/**
 * The short path for {@link java.net.http.HttpClient} users: put the client's token on a request,
 * and renew it after a 401. (OkHttp users add {@link io.tokenapi.sdk.okhttp.BearerTokenInterceptor}
 * instead.)
 *
 * <pre>{@code
 * HttpRequest request = BearerTokens.authorize(client, HttpRequest.newBuilder(uri)).GET().build();
 * HttpResponse<String> response = http.send(request, BodyHandlers.ofString());
 * if (BearerTokens.invalidateIfRejected(client, response)) {
 *   // The server rejected that token: send once more with a new one.
 *   request = BearerTokens.authorize(client, HttpRequest.newBuilder(uri)).GET().build();
 *   response = http.send(request, BodyHandlers.ofString());
 * }
 * }</pre>
 *
 * <p>Call {@link #authorize} only for requests to the resource servers the token is meant for, and
 * keep the {@code HttpClient}'s default {@link java.net.http.HttpClient.Redirect#NEVER} for them,
 * so the token cannot follow a redirect to another host.
 */
public final class BearerTokens {
  private static final String AUTHORIZATION = "Authorization";
  private static final String BEARER = "Bearer ";

  private BearerTokens() {}

  /**
   * Sets the {@code Authorization: Bearer <token>} header on {@code request}, replacing one that
   * was there, with the client's current token (from its cache while fresh).
   *
   * @param client the client whose token is sent
   * @param request the request being built
   * @return {@code request}, for chaining
   * @throws OAuthException (a subclass) if no token could be obtained
   * @throws IllegalArgumentException if an argument is null
   * @throws IllegalStateException if the client is closed
   */
  public static HttpRequest.Builder authorize(OAuthClient client, HttpRequest.Builder request) {
    if (client == null) {
      throw new IllegalArgumentException("client == null");
    }
    if (request == null) {
      throw new IllegalArgumentException("request == null");
    }
    return request.setHeader(AUTHORIZATION, client.getToken().authorizationHeader());
  }

  /**
   * After a 401 for a request that carried a bearer token, forgets that token in the client (only
   * if it is still the cached one, so concurrent 401s for it cause one refresh) and says the
   * request is worth sending once more with a new token from {@link #authorize}.
   *
   * @param client the client whose token was sent
   * @param response the response to look at
   * @return true if the response is a 401 for a bearer token; false otherwise (nothing is changed
   *     then)
   * @throws IllegalArgumentException if an argument is null
   */
  public static boolean invalidateIfRejected(OAuthClient client, HttpResponse<?> response) {
    if (client == null) {
      throw new IllegalArgumentException("client == null");
    }
    if (response == null) {
      throw new IllegalArgumentException("response == null");
    }
    if (response.statusCode() != 401) {
      return false;
    }
    Optional<String> sent =
        response
            .request()
            .headers()
            .firstValue(AUTHORIZATION)
            .filter(h -> h.regionMatches(true, 0, BEARER, 0, BEARER.length()))
            .map(h -> h.substring(BEARER.length()).trim())
            .filter(v -> !v.isEmpty());
    if (sent.isEmpty()) {
      return false;
    }
    // Tokens are equal by value, so a token rebuilt from the header identifies the cached one.
    client.invalidate(AccessToken.of(sent.get(), Instant.EPOCH));
    return true;
  }
}
