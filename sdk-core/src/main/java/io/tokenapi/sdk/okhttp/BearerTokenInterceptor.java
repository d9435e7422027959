package io.tokenapi.sdk.okhttp;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.internal.AllowedHosts;
import io.tokenapi.sdk.internal.Loopback;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OkHttp <em>application</em> interceptor that sends the {@link OAuthClient}'s access token as
 * {@code Authorization: Bearer <token>} to the hosts it is allowed to, and to no other host.
 *
 * <pre>{@code
 * OkHttpClient http = new OkHttpClient.Builder()
 *     .addInterceptor(BearerTokenInterceptor.builder(oauthClient)
 *         .allowHost("api.example.com")
 *         .build())
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li>Only requests whose host is on the allow-list get the header; the token is fetched (or
 *       served from the client's cache) only for those. Other requests pass through untouched.
 *   <li>A request that already carries an {@code Authorization} header is sent as it is: the
 *       caller's header wins.
 *   <li>Redirects: OkHttp follows them after application interceptors, and drops the {@code
 *       Authorization} header itself when a redirect leads to another host, port or scheme, so the
 *       token never follows a redirect off the host it was added for (even to a host that is also
 *       on the allow-list).
 *   <li>On a 401 for the token it sent, the interceptor calls {@link
 *       OAuthClient#invalidate(AccessToken)} with that token, closes the response and sends the
 *       request once more with a new token, when the body can be sent again (no body, or a body
 *       that is neither {@link RequestBody#isOneShot() one-shot} nor {@link RequestBody#isDuplex()
 *       duplex}). A second 401 is returned to the caller as it is; so is a 401 for a request that
 *       cannot be replayed (its token is still invalidated, so the caller's own retry gets a new
 *       one). Many concurrent 401s for the same old token cause one token refresh. When the client
 *       keeps the token because renewals after a rejection are rate-limited (see {@link
 *       OAuthClient#invalidate(AccessToken)}), the 401 is returned without a retry: a resource
 *       server that rejects every token costs at most one token request per 30 seconds.
 *   <li>Plain {@code http://} requests get a token only on loopback hosts, unless built with {@link
 *       Builder#allowInsecureHttp()}; otherwise the request fails rather than leak the token.
 *   <li>When no token can be had, the request is not sent and the call fails with a {@link
 *       TokenUnavailableIOException} whose cause is the SDK's {@link OAuthException}.
 * </ul>
 *
 * <p>Add it with {@code addInterceptor}, not {@code addNetworkInterceptor}: the 401 retry calls the
 * chain twice, which only application interceptors may do. Immutable and thread-safe.
 */
public final class BearerTokenInterceptor implements Interceptor {
  private static final Logger LOG = LoggerFactory.getLogger(BearerTokenInterceptor.class);
  private static final String AUTHORIZATION = "Authorization";

  private final OAuthClient client;
  private final Set<String> hosts;
  private final boolean allowInsecureHttp;

  private BearerTokenInterceptor(Builder b) {
    this.client = b.client;
    this.hosts = Collections.unmodifiableSet(new LinkedHashSet<>(b.hosts));
    this.allowInsecureHttp = b.allowInsecureHttp;
  }

  /**
   * A builder for an interceptor that uses {@code client}'s tokens. At least one host must be
   * allowed.
   *
   * @param client the client whose tokens are sent; the interceptor does not close it
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
   * The hosts this interceptor sends the token to, in canonical form (lower case, IDN as punycode).
   *
   * @return an unmodifiable set, never empty
   */
  public Set<String> allowedHosts() {
    return hosts;
  }

  /**
   * Adds the bearer token to a request for an allowed host and renews it once on a 401; see the
   * class description.
   *
   * @param chain OkHttp's chain
   * @return the response; a 401 when the server rejected the token twice or the request could not
   *     be replayed
   * @throws TokenUnavailableIOException if no token could be obtained; the request was not sent
   * @throws IOException if the request failed, the call was canceled, the client is closed, or a
   *     token would have gone over plain {@code http://} to a host that is not loopback
   */
  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    HttpUrl url = request.url();
    if (!hosts.contains(url.host()) || request.header(AUTHORIZATION) != null) {
      return chain.proceed(request);
    }
    if (!url.isHttps() && !allowInsecureHttp && !Loopback.isLoopback(url.host())) {
      throw new IOException(
          "Refusing to send a bearer token over http:// to "
              + url.host()
              + ": use https://, or build the interceptor with allowInsecureHttp() if this network is trusted.");
    }

    AccessToken token = token();
    Response response = chain.proceed(withToken(request, token));
    if (response.code() != 401 || !carried(response.request(), token)) {
      return response;
    }
    if (!replayable(request.body())) {
      LOG.debug(
          "{} answered 401 for the bearer token; the request body is one-shot, so it is not retried",
          url.host());
      client.invalidate(token);
      return response;
    }
    // Drops the token only if it is still the cached one: a burst of 401s for it causes one
    // refresh, not many.
    client.invalidate(token);
    AccessToken fresh;
    try {
      fresh = token();
    } catch (IOException e) {
      response.close();
      throw e;
    }
    if (fresh.equals(token)) {
      // The client kept it: renewals after a rejection are rate-limited. Sending it again is
      // futile.
      LOG.debug(
          "{} answered 401 for the bearer token; no new token yet, returning the 401", url.host());
      return response;
    }
    response.close();
    LOG.debug("{} answered 401 for the bearer token; retrying once with a new token", url.host());
    return chain.proceed(withToken(request, fresh));
  }

  /**
   * Describes the interceptor by its allowed hosts; never a token.
   *
   * @return for example {@code BearerTokenInterceptor[hosts=[api.example.com]]}
   */
  @Override
  public String toString() {
    return "BearerTokenInterceptor[hosts="
        + hosts
        + (allowInsecureHttp ? ", allowInsecureHttp" : "")
        + "]";
  }

  private AccessToken token() throws IOException {
    try {
      return client.getToken();
    } catch (OAuthException e) {
      throw new TokenUnavailableIOException(e);
    } catch (IllegalStateException e) {
      // A closed client: fail this call like any I/O failure rather than crash OkHttp's dispatcher
      // thread.
      throw new IOException("No access token for the request: " + e.getMessage(), e);
    }
  }

  private static Request withToken(Request request, AccessToken token) {
    // The client hands out header-safe tokens only (the provider's and a store's are checked).
    return request.newBuilder().header(AUTHORIZATION, token.authorizationHeader()).build();
  }

  /**
   * Whether the request that got the final response still carried our token (a redirect may have
   * dropped it).
   */
  private static boolean carried(Request sent, AccessToken token) {
    return token.authorizationHeader().equals(sent.header(AUTHORIZATION));
  }

  private static boolean replayable(RequestBody body) {
    return body == null || (!body.isOneShot() && !body.isDuplex());
  }

  /** Builds a {@link BearerTokenInterceptor}. Not thread-safe. */
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
     * Default off: the token would cross the network in clear text, so such requests fail instead.
     * Loopback hosts are always allowed.
     *
     * @return this builder
     */
    public Builder allowInsecureHttp() {
      this.allowInsecureHttp = true;
      return this;
    }

    /**
     * Builds the interceptor.
     *
     * @return a new interceptor
     * @throws IllegalStateException if no host was allowed
     */
    public BearerTokenInterceptor build() {
      if (hosts.isEmpty()) {
        throw new IllegalStateException(
            "no host allowed: call allowHost(\"api.example.com\") for each host the token is meant for");
      }
      return new BearerTokenInterceptor(this);
    }
  }
}
