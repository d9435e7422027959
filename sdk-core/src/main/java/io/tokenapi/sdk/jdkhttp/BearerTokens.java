package io.tokenapi.sdk.jdkhttp;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.internal.AllowedHosts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link java.net.http.HttpClient} counterpart of {@link
 * io.tokenapi.sdk.okhttp.BearerTokenInterceptor}: the client's token goes only to the hosts it is
 * allowed to, and a 401 for it leads to one new token.
 *
 * <pre>{@code
 * BearerTokens tokens = BearerTokens.builder(oauthClient).allowHost("api.example.com").build();
 * HttpResponse<String> response =
 *     tokens.send(http, HttpRequest.newBuilder(uri).GET(), BodyHandlers.ofString());
 * }</pre>
 *
 * <ul>
 *   <li>{@link #send send} puts {@code Authorization: Bearer <token>} on the request, sends it, and
 *       on a 401 for that token calls {@link OAuthClient#invalidate(AccessToken)} and sends it once
 *       more with a new token (a second 401 is returned as it is).
 *   <li>Only requests to an allowed host (exact name, compared case-insensitively, any port) get
 *       the token: {@link #authorize authorize} and {@code send} refuse any other host with an
 *       {@link IllegalArgumentException}, before a token is fetched.
 *   <li>Plain {@code http://} gets the token only on loopback hosts, unless built with {@link
 *       Builder#allowInsecureHttp()}.
 *   <li>Redirects: an {@code HttpClient} built with {@link HttpClient.Redirect#NORMAL} or {@code
 *       ALWAYS} forwards the {@code Authorization} header to the redirect's host on JDK 17 (newer
 *       JDKs drop it), so {@code send} refuses such a client. If you send with {@link #authorize}
 *       yourself, keep the {@code HttpClient}'s default {@link HttpClient.Redirect#NEVER}.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class BearerTokens {
  private static final String AUTHORIZATION = "Authorization";
  private static final String BEARER = "Bearer ";

  private final OAuthClient client;
  private final AllowedHosts hosts;

  private BearerTokens(Builder b) {
    this.client = b.client;
    this.hosts = new AllowedHosts(b.hosts, b.allowInsecureHttp);
  }

  /**
   * A builder for helpers that send {@code client}'s tokens. At least one host must be allowed.
   *
   * @param client the client whose tokens are sent; the helper does not close it
   * @return a new builder
   * @throws IllegalArgumentException if {@code client} is null
   */
  public static Builder builder(OAuthClient client) {
    if (client == null) {
      throw new IllegalArgumentException("client == null");
    }
    return new Builder(client);
  }

  /**
   * The hosts the token is sent to, in canonical form (lower case, IDN as punycode).
   *
   * @return an unmodifiable set, never empty
   */
  public Set<String> allowedHosts() {
    return hosts.hosts();
  }

  /**
   * Sets the {@code Authorization: Bearer <token>} header on {@code request}, replacing one that
   * was there, with the client's current token (from its cache while fresh). Send the request with
   * an {@code HttpClient} that does not follow redirects (the default), or use {@link #send}.
   *
   * @param request the request being built, with its URI set
   * @return {@code request}, for chaining
   * @throws IllegalArgumentException if {@code request} is null or has no URI, if its host is not
   *     allowed, or if it is plain {@code http://} to a host that is not loopback without {@link
   *     Builder#allowInsecureHttp()}; no token is fetched then
   * @throws OAuthException (a subclass) if no token could be obtained
   * @throws IllegalStateException if the client is closed
   */
  public HttpRequest.Builder authorize(HttpRequest.Builder request) {
    if (request == null) {
      throw new IllegalArgumentException("request == null");
    }
    URI uri;
    try {
      uri = request.copy().build().uri();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("request has no URI: set it with uri(...)", e);
    }
    checkAllowed(uri);
    // The client hands out header-safe tokens only (the provider's and a store's are checked).
    return request.setHeader(AUTHORIZATION, client.getToken().authorizationHeader());
  }

  /**
   * Sends {@code request} with the client's token, and once more with a new token after a 401 for
   * it; see the class description.
   *
   * @param http the client to send with; it must not follow redirects ({@link
   *     HttpClient.Redirect#NEVER}, the default)
   * @param request the request being built, with its URI set; its body is sent again on the retry
   * @param handler the response body handler
   * @param <T> the response body type
   * @return the response; a 401 when the server rejected the token twice
   * @throws IllegalArgumentException if an argument is null, if {@code http} follows redirects (on
   *     JDK 17 it would forward the token to the redirect's host), or as {@link #authorize}
   * @throws OAuthException (a subclass) if no token could be obtained; nothing was sent then
   * @throws IllegalStateException if the client is closed
   * @throws IOException if sending failed
   * @throws InterruptedException if interrupted while sending
   */
  public <T> HttpResponse<T> send(
      HttpClient http, HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    if (http == null || request == null || handler == null) {
      throw new IllegalArgumentException(
          (http == null ? "http" : request == null ? "request" : "handler") + " == null");
    }
    if (http.followRedirects() != HttpClient.Redirect.NEVER) {
      throw new IllegalArgumentException(
          "The HttpClient follows redirects (Redirect."
              + http.followRedirects()
              + "): on JDK 17 it forwards the Authorization header, and so the token, to the"
              + " redirect's host. Build it with followRedirects(HttpClient.Redirect.NEVER) (the"
              + " default) for requests that carry the token.");
    }
    HttpResponse<T> response = http.send(authorize(request.copy()).build(), handler);
    if (!invalidateIfRejected(response)) {
      return response;
    }
    HttpRequest retry = authorize(request.copy()).build();
    if (retry.headers().firstValue(AUTHORIZATION).equals(sentHeader(response))) {
      // The client kept the token: renewals after a rejection are rate-limited. Sending it again
      // is futile.
      return response;
    }
    return http.send(retry, handler);
  }

  /**
   * After a 401 for a request that carried a bearer token, forgets that token in the client (only
   * if it is still the cached one, so concurrent 401s for it cause one refresh) and says the
   * request is worth sending once more with a new token from {@link #authorize}.
   *
   * @param response the response to look at
   * @return true if the response is a 401 for a bearer token; false otherwise (nothing is changed
   *     then)
   * @throws IllegalArgumentException if {@code response} is null
   */
  public boolean invalidateIfRejected(HttpResponse<?> response) {
    if (response == null) {
      throw new IllegalArgumentException("response == null");
    }
    if (response.statusCode() != 401) {
      return false;
    }
    Optional<String> sent =
        sentHeader(response)
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

  /**
   * Describes the helper by its allowed hosts; never a token.
   *
   * @return for example {@code BearerTokens[hosts=[api.example.com]]}
   */
  @Override
  public String toString() {
    return "BearerTokens[hosts=" + hosts + "]";
  }

  private static Optional<String> sentHeader(HttpResponse<?> response) {
    return response.request().headers().firstValue(AUTHORIZATION);
  }

  private void checkAllowed(URI uri) {
    String host = uri.getHost();
    if (!hosts.allows(host)) {
      throw new IllegalArgumentException(
          "Not sending the bearer token to "
              + (host == null ? "a URI without a host" : host)
              + ": it is not an allowed host "
              + hosts.hosts()
              + ". Call allowHost(...) for each host the token is meant for.");
    }
    String refusal = hosts.refusal(uri.getScheme(), host);
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
  }

  /** Builds a {@link BearerTokens}. Not thread-safe. */
  public static final class Builder {
    private final OAuthClient client;
    private final Set<String> hosts = new LinkedHashSet<>();
    private boolean allowInsecureHttp;

    private Builder(OAuthClient client) {
      this.client = client;
    }

    /**
     * Allows sending the token to {@code host}: an exact host name or IP address, compared
     * case-insensitively, on any port. Subdomains are not included: allow each host the token is
     * meant for.
     *
     * @param host for example {@code "api.example.com"}; no scheme, port or path
     * @return this builder
     * @throws IllegalArgumentException if null or not a valid host name or IP address
     */
    public Builder allowHost(String host) {
      hosts.add(AllowedHosts.canonical(host));
      return this;
    }

    /**
     * Allows sending the token over plain {@code http://} to allowed hosts that are not loopback.
     * Default off: the token would cross the network in clear text, so such requests are refused.
     * Loopback hosts are always allowed.
     *
     * @return this builder
     */
    public Builder allowInsecureHttp() {
      this.allowInsecureHttp = true;
      return this;
    }

    /**
     * Builds the helper.
     *
     * @return a new helper
     * @throws IllegalStateException if no host was allowed
     */
    public BearerTokens build() {
      if (hosts.isEmpty()) {
        throw new IllegalStateException(
            "no host allowed: call allowHost(\"api.example.com\") for each host the token is meant"
                + " for");
      }
      return new BearerTokens(this);
    }
  }
}
