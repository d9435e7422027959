package io.tokenapi.sdk.httpclient5;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.internal.AllowedHosts;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exec-chain handler for the classic (blocking) Apache HttpClient 5 that sends the {@link
 * OAuthClient}'s access token as {@code Authorization: Bearer <token>} to the hosts it is allowed
 * to, and to no other host. Add it right after the redirect handler:
 *
 * <pre>{@code
 * CloseableHttpClient http = HttpClients.custom()
 *     .addExecInterceptorAfter(ChainElement.REDIRECT.name(), BearerTokenExecChainHandler.NAME,
 *         BearerTokenExecChainHandler.builder(oauthClient)
 *             .allowHost("api.example.com")
 *             .build())
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li>Only requests whose host is on the allow-list get the header; the token is fetched (or
 *       served from the client's cache) only for those. A request that already carries an {@code
 *       Authorization} header is sent as it is.
 *   <li>Redirects: the handler sees every hop, and a hop that leaves the first hop's scheme, host
 *       and port never gets the token, even to a host on the allow-list. The token is added to a
 *       copy of the request, so the redirect handler never copies it to the next hop.
 *   <li>On a 401 for the token it sent, the handler calls {@link
 *       OAuthClient#invalidate(AccessToken)}, closes the response and sends the request once more
 *       with a new token when its entity is repeatable (or there is none). A second 401 is returned
 *       as it is; so is a 401 for a request that cannot be replayed. When the client keeps the
 *       token because renewals after a rejection are rate-limited, the 401 is returned without a
 *       retry.
 *   <li>Plain {@code http://} requests get a token only on loopback hosts, unless built with {@link
 *       Builder#allowInsecureHttp()}; otherwise the call fails with an {@link IOException}.
 *   <li>When no token can be had, the request is not sent and {@code execute} fails with a {@link
 *       TokenUnavailableIOException} whose cause is the SDK's exception.
 * </ul>
 *
 * <p>The calling thread waits for the token the first time (at most the client's {@code
 * RetryPolicy.maxWait}); later calls take it from the client's cache. Immutable and thread-safe.
 */
public final class BearerTokenExecChainHandler implements ExecChainHandler {
  /** The name to register the handler under: {@value}. */
  public static final String NAME = "tokenapi-bearer-token";

  private static final Logger LOG = LoggerFactory.getLogger(BearerTokenExecChainHandler.class);

  private final OAuthClient client;
  private final AllowedHosts hosts;

  private BearerTokenExecChainHandler(OAuthClient client, AllowedHosts hosts) {
    this.client = client;
    this.hosts = hosts;
  }

  /**
   * A builder for a handler that uses {@code client}'s tokens. At least one host must be allowed.
   *
   * @param client the client whose tokens are sent; the handler does not close it
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
   * The hosts this handler sends the token to, in canonical form (lower case, IDN as punycode).
   *
   * @return an unmodifiable set, never empty
   */
  public Set<String> allowedHosts() {
    return hosts.hosts();
  }

  /**
   * Adds the bearer token to a hop to an allowed host and renews it once on a 401; see the class
   * description.
   *
   * @param request the hop's request; not modified
   * @param scope the exchange
   * @param chain the rest of the chain
   * @return the response; a 401 when the server rejected the token twice or the request could not
   *     be replayed
   * @throws TokenUnavailableIOException if no token could be obtained; the request was not sent
   * @throws IOException if the request failed, the client is closed, or a token would have gone
   *     over plain {@code http://} to a host that is not loopback
   * @throws HttpException if the rest of the chain fails with one
   */
  @Override
  public ClassicHttpResponse execute(
      ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
      throws IOException, HttpException {
    HttpHost target = scope.route.getTargetHost();
    if (!Hops.tokenFor(hosts, request, target, scope.clientContext)) {
      return chain.proceed(request, scope);
    }
    Hops.refuseInsecure(hosts, target);

    AccessToken token = Hops.token(client);
    ClassicHttpResponse response = chain.proceed(withToken(request, token), scope);
    if (response.getCode() != 401) {
      return response;
    }
    // Drops the token only if it is still the cached one: a burst of 401s causes one refresh.
    client.invalidate(token);
    if (!replayable(request.getEntity())) {
      LOG.debug(
          "{} answered 401 for the bearer token; the entity is not repeatable, so it is not retried",
          target.getHostName());
      return response;
    }
    AccessToken fresh;
    try {
      fresh = Hops.token(client);
    } catch (IOException e) {
      response.close();
      throw e;
    }
    if (fresh.equals(token)) {
      LOG.debug(
          "{} answered 401 for the bearer token; no new token yet, returning the 401",
          target.getHostName());
      return response;
    }
    // Closing without reading the body: a huge 401 costs the connection, not the time to read it.
    response.close();
    LOG.debug(
        "{} answered 401 for the bearer token; retrying once with a new token",
        target.getHostName());
    return chain.proceed(withToken(request, fresh), scope);
  }

  private static ClassicHttpRequest withToken(ClassicHttpRequest request, AccessToken token) {
    return ClassicRequestBuilder.copy(request)
        .setHeader(Hops.AUTHORIZATION, token.authorizationHeader())
        .build();
  }

  private static boolean replayable(HttpEntity entity) {
    return entity == null || entity.isRepeatable();
  }

  /**
   * Describes the handler by its allowed hosts; never a token.
   *
   * @return for example {@code BearerTokenExecChainHandler[hosts=[api.example.com]]}
   */
  @Override
  public String toString() {
    return "BearerTokenExecChainHandler[hosts=" + hosts + "]";
  }

  /** Builds a {@link BearerTokenExecChainHandler}. Not thread-safe. */
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
     * Builds the handler.
     *
     * @return a new handler
     * @throws IllegalStateException if no host was allowed
     */
    public BearerTokenExecChainHandler build() {
      if (hosts.isEmpty()) {
        throw new IllegalStateException(
            "no host allowed: call allowHost(\"api.example.com\") for each host the token is meant"
                + " for");
      }
      return new BearerTokenExecChainHandler(client, new AllowedHosts(hosts, allowInsecureHttp));
    }
  }
}
