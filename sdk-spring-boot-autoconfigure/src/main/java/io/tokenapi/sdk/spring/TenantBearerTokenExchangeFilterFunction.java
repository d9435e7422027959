package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.TenantTokens;
import io.tokenapi.sdk.internal.AllowedHosts;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * {@link BearerTokenExchangeFilterFunction} for many tenants: a {@code WebClient} filter that sends
 * the token of each request's tenant, from a {@link TenantTokens}, to the hosts it is allowed to.
 * It never blocks: tokens come from {@link TenantTokens#getTokenAsync(String)}.
 *
 * <pre>{@code
 * WebClient web = WebClient.builder()
 *     .filter(TenantBearerTokenExchangeFilterFunction.builder(tenantTokens)
 *         .tenantFromAttribute(TenantBearerTokenClientHttpRequestInterceptor.TENANT_ATTRIBUTE)
 *         .allowHost("api.example.com")
 *         .build())
 *     .build();
 * web.get().uri(url).attribute(TENANT_ATTRIBUTE, "merchant-42").retrieve().bodyToMono(String.class);
 * }</pre>
 *
 * <p>The rules are those of {@link TenantBearerTokenClientHttpRequestInterceptor}: allowed hosts
 * only, the caller's own {@code Authorization} header wins, one renewal of that tenant's token on a
 * 401 (the first response's body is released), plain {@code http://} only to loopback unless {@link
 * Builder#allowInsecureHttp()}. The tenant is told when the exchange is subscribed to; a request
 * whose tenant cannot be told fails with a {@link TenantResolutionException}, one without a token
 * with the SDK's {@link OAuthException}, and neither is sent. Immutable and thread-safe.
 */
public final class TenantBearerTokenExchangeFilterFunction implements ExchangeFilterFunction {
  private final TenantTokens tokens;
  private final TenantResolution<ClientRequest> tenants;
  private final AllowedHosts hosts;

  private TenantBearerTokenExchangeFilterFunction(
      TenantTokens tokens, TenantResolution<ClientRequest> tenants, AllowedHosts hosts) {
    this.tokens = tokens;
    this.tenants = tenants;
    this.hosts = hosts;
  }

  /**
   * A builder for a filter that sends {@code tokens}' tokens. A tenant source and at least one host
   * are required.
   *
   * @param tokens the tenants' tokens; the filter does not close them
   * @return a new builder
   * @throws IllegalArgumentException if {@code tokens} is null
   */
  public static Builder builder(TenantTokens tokens) {
    if (tokens == null) {
      throw new IllegalArgumentException("tokens == null");
    }
    return new Builder(tokens);
  }

  /**
   * The hosts this filter sends tokens to, in canonical form.
   *
   * @return an unmodifiable set, never empty
   */
  public Set<String> allowedHosts() {
    return hosts.hosts();
  }

  /**
   * Adds the request's tenant's bearer token to a request for an allowed host and renews it once on
   * a 401; see the class description.
   *
   * @param request the request
   * @param next the rest of the chain
   * @return the response; it fails with a {@link TenantResolutionException} when the tenant cannot
   *     be told, an {@link OAuthException} when no token could be had, or an {@link IOException}
   *     when the token would go over plain {@code http://} to a host that is not loopback
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
    return Mono.defer(
        () -> {
          String tenant;
          try {
            tenant = tenants.tenant(request, url.getHost());
          } catch (TenantResolutionException e) {
            return Mono.error(e);
          }
          return token(tenant)
              .flatMap(
                  token ->
                      next.exchange(withToken(request, token))
                          .flatMap(response -> renewOn401(request, next, tenant, token, response)));
        });
  }

  private Mono<ClientResponse> renewOn401(
      ClientRequest request,
      ExchangeFunction next,
      String tenant,
      AccessToken token,
      ClientResponse response) {
    if (response.statusCode().value() != 401) {
      return Mono.just(response);
    }
    // That tenant's token only, and only while it is the cached one: one refresh per burst.
    tokens.invalidate(tenant, token);
    return token(tenant)
        .onErrorResume(e -> response.releaseBody().then(Mono.error(e)))
        .flatMap(
            fresh ->
                fresh.equals(token)
                    // Damped renewal: the same token again is futile; the 401 goes to the caller.
                    ? Mono.just(response)
                    : response
                        .releaseBody()
                        .then(Mono.defer(() -> next.exchange(withToken(request, fresh)))));
  }

  private Mono<AccessToken> token(String tenant) {
    // Lazily, per subscription; getTokenAsync never blocks the event loop.
    return Mono.fromFuture(() -> tokens.getTokenAsync(tenant));
  }

  private static ClientRequest withToken(ClientRequest request, AccessToken token) {
    return ClientRequest.from(request)
        .headers(h -> h.set(HttpHeaders.AUTHORIZATION, token.authorizationHeader()))
        .build();
  }

  /**
   * Describes the filter by its hosts and tenant source; never a token or a tenant.
   *
   * @return for example {@code TenantBearerTokenExchangeFilterFunction[hosts=[api.example.com],
   *     tenant=tenantFrom(...)]}
   */
  @Override
  public String toString() {
    return "TenantBearerTokenExchangeFilterFunction[hosts=" + hosts + ", tenant=" + tenants + "]";
  }

  /** Builds a {@link TenantBearerTokenExchangeFilterFunction}. Not thread-safe. */
  public static final class Builder {
    private final TenantTokens tokens;
    private final Set<String> hosts = new LinkedHashSet<>();
    private TenantResolution<ClientRequest> tenants;
    private boolean allowInsecureHttp;

    private Builder(TenantTokens tokens) {
      this.tokens = tokens;
    }

    /**
     * Tells each request's tenant with {@code resolver}, called once per subscribed exchange for an
     * allowed host, before any token is fetched. It must not block (it may run on the event loop).
     *
     * @param resolver request to tenant id; see {@link
     *     TenantBearerTokenClientHttpRequestInterceptor} for what it may return
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder tenantFrom(Function<ClientRequest, String> resolver) {
      this.tenants = TenantResolution.from(resolver);
      return this;
    }

    /**
     * Tells each request's tenant from the request attribute {@code name} (a {@code String}), set
     * per request with {@code WebClient}'s {@code .attribute(name, tenant)}.
     *
     * @param name the attribute, for example {@link
     *     TenantBearerTokenClientHttpRequestInterceptor#TENANT_ATTRIBUTE}
     * @return this builder
     * @throws IllegalArgumentException if null or blank
     */
    public Builder tenantFromAttribute(String name) {
      this.tenants = TenantResolution.fromAttribute(name, ClientRequest::attributes);
      return this;
    }

    /**
     * Allows sending tokens to {@code host}: an exact host name or IP address, compared
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
     * Allows sending tokens over plain {@code http://} to allowed hosts that are not loopback.
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
     * @throws IllegalStateException if no host was allowed, or no tenant source was given
     */
    public TenantBearerTokenExchangeFilterFunction build() {
      if (tenants == null) {
        throw new IllegalStateException(
            "no tenant source: call tenantFromAttribute(TENANT_ATTRIBUTE) or tenantFrom(request"
                + " -> ...)");
      }
      if (hosts.isEmpty()) {
        throw new IllegalStateException(
            "no host allowed: call allowHost(\"api.example.com\") for each host the tokens are"
                + " meant for");
      }
      return new TenantBearerTokenExchangeFilterFunction(
          tokens, tenants, new AllowedHosts(hosts, allowInsecureHttp));
    }
  }
}
