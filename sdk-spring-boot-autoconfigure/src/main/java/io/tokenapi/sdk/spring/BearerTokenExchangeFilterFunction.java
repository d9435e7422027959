package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.internal.AllowedHosts;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * A {@code WebClient} filter that sends the {@link OAuthClient}'s access token as {@code
 * Authorization: Bearer <token>} to the hosts it is allowed to, and to no other host. It never
 * blocks: the token comes from {@link OAuthClient#getTokenAsync()}, whose retry waits are
 * scheduled, not slept.
 *
 * <pre>{@code
 * WebClient web = WebClient.builder()
 *     .filter(BearerTokenExchangeFilterFunction.builder(oauthClient)
 *         .allowHost("api.example.com")
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p>The rules are those of {@link BearerTokenClientHttpRequestInterceptor}: allowed hosts only,
 * the caller's own {@code Authorization} header wins, one renewal on a 401 (the first response's
 * body is released, the request is sent again with a new token), plain {@code http://} only to
 * loopback unless {@link Builder#allowInsecureHttp()}. When no token can be had, the {@code Mono}
 * fails with the SDK's {@link OAuthException} and the request is not sent. A request body that
 * cannot be written twice (a one-shot {@code Flux}) is not suitable for the 401 renewal. Immutable
 * and thread-safe.
 */
public final class BearerTokenExchangeFilterFunction implements ExchangeFilterFunction {
  private final OAuthClient client;
  private final AllowedHosts hosts;

  private BearerTokenExchangeFilterFunction(OAuthClient client, AllowedHosts hosts) {
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
   * The hosts this filter sends the token to, in canonical form.
   *
   * @return an unmodifiable set, never empty
   */
  public Set<String> allowedHosts() {
    return hosts.hosts();
  }

  /**
   * Adds the bearer token to a request for an allowed host and renews it once on a 401; see the
   * class description.
   *
   * @param request the request
   * @param next the rest of the chain
   * @return the response; it fails with an {@link OAuthException} when no token could be had, or an
   *     {@link IOException} when the token would go over plain {@code http://} to a host that is
   *     not loopback
   */
  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    URI url = request.url();
    if (!hosts.allows(url.getHost())
        || request.headers().getFirst(HttpHeaders.AUTHORIZATION) != null) {
      return next.exchange(request);
    }
    String refusal = hosts.refusal(url.getScheme(), url.getHost());
    if (refusal != null) {
      return Mono.error(new IOException(refusal));
    }
    return token()
        .flatMap(
            token ->
                next.exchange(withToken(request, token))
                    .flatMap(
                        response -> {
                          if (response.statusCode().value() != 401) {
                            return Mono.just(response);
                          }
                          // Drops the token only if it is still the cached one: one refresh for a
                          // burst of 401s.
                          client.invalidate(token);
                          return response
                              .releaseBody()
                              .then(token())
                              .flatMap(fresh -> next.exchange(withToken(request, fresh)));
                        }));
  }

  private Mono<AccessToken> token() {
    // Lazily, per subscription: a retried or re-subscribed exchange asks the cache again.
    return Mono.fromFuture(client::getTokenAsync);
  }

  private static ClientRequest withToken(ClientRequest request, AccessToken token) {
    return ClientRequest.from(request)
        .headers(h -> h.set(HttpHeaders.AUTHORIZATION, token.authorizationHeader()))
        .build();
  }

  /**
   * Describes the filter by its allowed hosts; never a token.
   *
   * @return for example {@code BearerTokenExchangeFilterFunction[hosts=[api.example.com]]}
   */
  @Override
  public String toString() {
    return "BearerTokenExchangeFilterFunction[hosts=" + hosts + "]";
  }

  /** Builds a {@link BearerTokenExchangeFilterFunction}. Not thread-safe. */
  public static final class Builder {
    private final OAuthClient client;
    private final Set<String> hosts = new LinkedHashSet<>();
    private boolean allowInsecureHttp;

    private Builder(OAuthClient client) {
      this.client = client;
    }

    /**
     * Allows sending the token to {@code host}: an exact host name or IP address, compared
     * case-insensitively, on any port. Subdomains are not included.
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
     * Default off. Loopback hosts are always allowed.
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
    public BearerTokenExchangeFilterFunction build() {
      if (hosts.isEmpty()) {
        throw new IllegalStateException(
            "no host allowed: call allowHost(\"api.example.com\") for each host the token is meant"
                + " for");
      }
      return new BearerTokenExchangeFilterFunction(
          client, new AllowedHosts(hosts, allowInsecureHttp));
    }
  }
}
