package io.tokenapi.sdk.jakartars;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.internal.AllowedHosts;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.client.ClientResponseContext;
import jakarta.ws.rs.client.ClientResponseFilter;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jakarta REST client filter that sends the {@link OAuthClient}'s access token as {@code
 * Authorization: Bearer <token>} to the hosts it is allowed to, and to no other host, and renews it
 * once on a 401. Register it on the {@code Client} (Jersey, RESTEasy, or a MicroProfile REST Client
 * builder):
 *
 * <pre>{@code
 * Client rest = ClientBuilder.newBuilder()
 *     .register(BearerTokenFilter.builder(oauthClient)
 *         .allowHost("api.example.com")
 *         .build())
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li>Only requests whose host is on the allow-list get the header; the token is fetched (or
 *       served from the client's cache) only for those. A request that already carries an {@code
 *       Authorization} header is sent as it is.
 *   <li>On a 401 for the token it sent, the response filter invalidates that token (only if it is
 *       still the cached one, so a burst of 401s causes one refresh) and sends the request once
 *       more through the same {@code Client} with a new token, then hands that answer to the caller
 *       in place of the 401, as Jersey's own {@code HttpAuthenticationFilter} repeats a request.
 *       The request is not repeated when its entity is a stream or reader (it cannot be read
 *       twice); a second 401 reaches the caller.
 *   <li>Plain {@code http://} requests get a token only on loopback hosts, unless built with {@link
 *       Builder#allowInsecureHttp()}; otherwise the call fails.
 *   <li>When no token can be had, the request is not sent; the implementation reports the filter's
 *       exception as a {@code ProcessingException} whose cause is the SDK's {@link OAuthException}.
 *   <li>Redirects are followed, or not, by the implementation's connector; the token is added to
 *       the first request only. Jersey's default connector ({@code HttpURLConnection}) does not
 *       carry it to another host; RESTEasy's default engine does not follow redirects.
 * </ul>
 *
 * <p>Jakarta REST filters are synchronous: the thread running the filter (the caller's, or the
 * implementation's worker thread for {@code async()} calls) waits for the token the first time, at
 * most the client's {@code RetryPolicy.maxWait}. Immutable and thread-safe.
 */
public final class BearerTokenFilter implements ClientRequestFilter, ClientResponseFilter {
  private static final Logger LOG = LoggerFactory.getLogger(BearerTokenFilter.class);

  /** The token this filter put on a request, for the response filter. */
  private static final String SENT = "io.tokenapi.sdk.jakartars.token";

  /** Marks the one repetition after a 401, so that it is not repeated again. */
  private static final String REPEATED = "io.tokenapi.sdk.jakartars.repeated";

  /** The largest 401 body read and dropped to repeat the request: 1 MiB. */
  static final int MAX_DISCARDED_BYTES = 1024 * 1024;

  private final OAuthClient client;
  private final AllowedHosts hosts;

  private BearerTokenFilter(OAuthClient client, AllowedHosts hosts) {
    this.client = client;
    this.hosts = hosts;
  }

  /**
   * A builder for a filter that uses {@code client}'s tokens. At least one host must be allowed.
   *
   * @param client the client whose tokens are sent; the filter does not close it
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
   * The hosts this filter sends the token to, in canonical form (lower case, IDN as punycode).
   *
   * @return an unmodifiable set, never empty
   */
  public Set<String> allowedHosts() {
    return hosts.hosts();
  }

  /**
   * Adds the bearer token to a request for an allowed host; see the class description.
   *
   * @param request the request
   * @throws IOException if a token would have gone over plain {@code http://} to a host that is not
   *     loopback
   * @throws OAuthException (a subclass) if no token could be obtained; the request is not sent
   * @throws IllegalStateException if the client is closed
   */
  @Override
  public void filter(ClientRequestContext request) throws IOException {
    URI uri = request.getUri();
    if (!hosts.allows(uri.getHost())
        || request.getHeaders().containsKey(HttpHeaders.AUTHORIZATION)) {
      return;
    }
    String refusal = hosts.refusal(uri.getScheme(), uri.getHost());
    if (refusal != null) {
      throw new IOException(refusal);
    }
    AccessToken token = client.getToken();
    // Header-safe: the client checks the provider's and a store's tokens before handing one out.
    request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, token.authorizationHeader());
    request.setProperty(SENT, token);
  }

  /**
   * After a 401 for the token the request filter sent, renews it and repeats the request once; see
   * the class description.
   *
   * @param request the request that was sent
   * @param response its response; replaced in place by the repetition's
   * @throws IOException if the 401's body cannot be closed
   * @throws OAuthException (a subclass) if no new token could be obtained
   */
  @Override
  public void filter(ClientRequestContext request, ClientResponseContext response)
      throws IOException {
    Object sent = request.getProperty(SENT);
    if (response.getStatus() != 401
        || !(sent instanceof AccessToken)
        || request.getProperty(REPEATED) != null) {
      return;
    }
    AccessToken token = (AccessToken) sent;
    client.invalidate(token);
    if (!repeatable(request.getEntity())) {
      return;
    }
    AccessToken fresh = client.getToken();
    if (fresh.equals(token)) {
      // The client kept it: renewals after a rejection are rate-limited. Repeating is futile.
      return;
    }
    LOG.debug(
        "{} answered 401 for the bearer token; repeating once with a new token",
        request.getUri().getHost());
    // The 401's body is read and dropped first, which hands its connection back to the pool;
    // closing it instead would close the whole response in RESTEasy. A body over the bound is
    // left to the caller with the 401 (the token is already invalidated for their next call).
    if (response.hasEntity() && !discarded(response.getEntityStream())) {
      LOG.debug(
          "{} answered 401 with a body over {} bytes; returning the 401 without repeating",
          request.getUri().getHost(),
          MAX_DISCARDED_BYTES);
      return;
    }
    Response repeated = repeat(request, fresh);
    response.setStatus(repeated.getStatus());
    MultivaluedMap<String, String> headers = response.getHeaders();
    headers.clear();
    for (Map.Entry<String, List<String>> h : repeated.getStringHeaders().entrySet()) {
      headers.put(h.getKey(), new ArrayList<>(h.getValue()));
    }
    response.setEntityStream(
        repeated.hasEntity()
            ? repeated.readEntity(InputStream.class)
            : InputStream.nullInputStream());
  }

  /** Reads {@code body} to its end if that comes within the bound; false if it does not. */
  private static boolean discarded(InputStream body) throws IOException {
    byte[] buffer = new byte[8192];
    long total = 0;
    for (int n; (n = body.read(buffer)) != -1; ) {
      total += n;
      if (total > MAX_DISCARDED_BYTES) {
        return false;
      }
    }
    return true;
  }

  private static Response repeat(ClientRequestContext request, AccessToken fresh) {
    MultivaluedMap<String, Object> headers = new MultivaluedHashMap<>();
    for (Map.Entry<String, List<Object>> h : request.getHeaders().entrySet()) {
      if (!HttpHeaders.AUTHORIZATION.equalsIgnoreCase(h.getKey())) {
        headers.put(h.getKey(), new ArrayList<>(h.getValue()));
      }
    }
    headers.putSingle(HttpHeaders.AUTHORIZATION, fresh.authorizationHeader());
    Invocation.Builder builder =
        request.getClient().target(request.getUri()).request().headers(headers);
    builder.property(REPEATED, Boolean.TRUE);
    Object entity = request.getEntity();
    return entity == null
        ? builder.method(request.getMethod())
        : builder.method(request.getMethod(), Entity.entity(entity, request.getMediaType()));
  }

  private static boolean repeatable(Object entity) {
    return !(entity instanceof InputStream) && !(entity instanceof Reader);
  }

  /**
   * Describes the filter by its allowed hosts; never a token.
   *
   * @return for example {@code BearerTokenFilter[hosts=[api.example.com]]}
   */
  @Override
  public String toString() {
    return "BearerTokenFilter[hosts=" + hosts + "]";
  }

  /** Builds a {@link BearerTokenFilter}. Not thread-safe. */
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
     * Default off: such requests fail instead. Loopback hosts are always allowed.
     *
     * @return this builder
     */
    public Builder allowInsecureHttp() {
      this.allowInsecureHttp = true;
      return this;
    }

    /**
     * Builds the filter.
     *
     * @return a new filter
     * @throws IllegalStateException if no host was allowed
     */
    public BearerTokenFilter build() {
      if (hosts.isEmpty()) {
        throw new IllegalStateException(
            "no host allowed: call allowHost(\"api.example.com\") for each host the token is meant"
                + " for");
      }
      return new BearerTokenFilter(client, new AllowedHosts(hosts, allowInsecureHttp));
    }
  }
}
