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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * {@link BearerTokenClientHttpRequestInterceptor} for many tenants: a {@code RestClient} and {@code
 * RestTemplate} interceptor that sends the token of each request's tenant, from a {@link
 * TenantTokens}, to the hosts it is allowed to. The tenant comes from the request: a request
 * attribute ({@link Builder#tenantFromAttribute(String)}) or a function of your own ({@link
 * Builder#tenantFrom(Function)}).
 *
 * <pre>{@code
 * RestClient rest = RestClient.builder()
 *     .requestInterceptor(TenantBearerTokenClientHttpRequestInterceptor.builder(tenantTokens)
 *         .tenantFromAttribute(TenantBearerTokenClientHttpRequestInterceptor.TENANT_ATTRIBUTE)
 *         .allowHost("api.example.com")
 *         .build())
 *     .build();
 * rest.get().uri(url).attribute(TENANT_ATTRIBUTE, "merchant-42").retrieve().body(String.class);
 * }</pre>
 *
 * <ul>
 *   <li>The rules of the single-client interceptor hold per tenant: allowed hosts only, a caller's
 *       own {@code Authorization} header wins, no token over plain {@code http://} to a host that
 *       is not loopback (an {@link IOException}), a request without a token is not sent (the SDK's
 *       {@link OAuthException} reaches the caller).
 *   <li>On a 401 the tenant's token is invalidated (that tenant's only, and only if it is still the
 *       cached one) and the request is sent once more with a new token; when the renewal is damped
 *       (the same token comes back) the 401 is returned as it is.
 *   <li>A request for an allowed host whose tenant cannot be told fails with a {@link
 *       TenantResolutionException} and is not sent: the resolver returned null, something blank, a
 *       control character (CR, LF, ...), over {@value TenantTokens#MAX_TENANT_LENGTH} characters or
 *       not a {@code String}, or threw (an {@code Error} too, except the JVM's own out-of-memory
 *       and internal errors). It never falls back to another tenant.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class TenantBearerTokenClientHttpRequestInterceptor
    implements ClientHttpRequestInterceptor {
  /**
   * The request attribute the auto-configured interceptors read the tenant from: {@value}. Set it
   * with {@code RestClient}'s {@code .attribute(TENANT_ATTRIBUTE, tenant)} (or WebClient's).
   */
  public static final String TENANT_ATTRIBUTE = "tokenapi.tenant";

  private static final Logger LOG =
      LoggerFactory.getLogger(TenantBearerTokenClientHttpRequestInterceptor.class);

  private final TenantTokens tokens;
  private final TenantResolution<HttpRequest> tenants;
  private final AllowedHosts hosts;

  private TenantBearerTokenClientHttpRequestInterceptor(
      TenantTokens tokens, TenantResolution<HttpRequest> tenants, AllowedHosts hosts) {
    this.tokens = tokens;
    this.tenants = tenants;
    this.hosts = hosts;
  }

  /**
   * A builder for an interceptor that sends {@code tokens}' tokens. A tenant source and at least
   * one host are required.
   *
   * @param tokens the tenants' tokens; the interceptor does not close them
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
   * The hosts this interceptor sends tokens to, in canonical form.
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
   * @param body its body, buffered by Spring
   * @param execution the rest of the chain
   * @return the response; a 401 when the server rejected the tenant's token twice, or the renewal
   *     was damped
   * @throws TenantResolutionException if the request's tenant could not be told; not sent
   * @throws IOException if the request failed, or a token would have gone over plain {@code
   *     http://} to a host that is not loopback
   * @throws OAuthException (a subclass) when no token could be obtained; the request was not sent
   */
  @Override
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
    URI uri = request.getURI();
    if (!hosts.allows(uri.getHost())
        || request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION) != null) {
      return execution.execute(request, body);
    }
    String refusal = hosts.refusal(uri.getScheme(), uri.getHost());
    if (refusal != null) {
      throw new IOException(refusal);
    }
    String tenant = tenants.tenant(request, uri.getHost());
    AccessToken token = tokens.getToken(tenant);
    request.getHeaders().set(HttpHeaders.AUTHORIZATION, token.authorizationHeader());
    ClientHttpResponse response = execution.execute(request, body);
    if (response.getStatusCode().value() != 401) {
      return response;
    }
    // That tenant's token only, and only while it is the cached one: one refresh per burst.
    tokens.invalidate(tenant, token);
    AccessToken fresh;
    try {
      fresh = tokens.getToken(tenant);
    } catch (RuntimeException e) {
      response.close();
      throw e;
    }
    if (fresh.equals(token)) {
      // Renewals after a rejection are damped; sending the same token again is futile.
      return response;
    }
    response.close();
    LOG.debug(
        "{} answered 401 for a tenant's bearer token; retrying once with a new one", uri.getHost());
    request.getHeaders().set(HttpHeaders.AUTHORIZATION, fresh.authorizationHeader());
    return execution.execute(request, body);
  }

  /**
   * Describes the interceptor by its hosts and tenant source; never a token or a tenant.
   *
   * @return for example {@code
   *     TenantBearerTokenClientHttpRequestInterceptor[hosts=[api.example.com], tenant=the request
   *     attribute 'tokenapi.tenant']}
   */
  @Override
  public String toString() {
    return "TenantBearerTokenClientHttpRequestInterceptor[hosts="
        + hosts
        + ", tenant="
        + tenants
        + "]";
  }

  /** Builds a {@link TenantBearerTokenClientHttpRequestInterceptor}. Not thread-safe. */
  public static final class Builder {
    private final TenantTokens tokens;
    private final Set<String> hosts = new LinkedHashSet<>();
    private TenantResolution<HttpRequest> tenants;
    private boolean allowInsecureHttp;

    private Builder(TenantTokens tokens) {
      this.tokens = tokens;
    }

    /**
     * Tells each request's tenant with {@code resolver}, called once per request for an allowed
     * host (before any token is fetched) on the calling thread. It should be quick: a request
     * attribute, a header the caller set, a value from the current security context.
     *
     * @param resolver request to tenant id; see the class description for what it may return
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder tenantFrom(Function<HttpRequest, String> resolver) {
      this.tenants = TenantResolution.from(resolver);
      return this;
    }

    /**
     * Tells each request's tenant from the request attribute {@code name} (a {@code String}), set
     * per request with {@code RestClient}'s {@code .attribute(name, tenant)}.
     *
     * @param name the attribute, for example {@link #TENANT_ATTRIBUTE}
     * @return this builder
     * @throws IllegalArgumentException if null or blank
     */
    public Builder tenantFromAttribute(String name) {
      this.tenants = TenantResolution.fromAttribute(name, HttpRequest::getAttributes);
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
     * Default off: such requests fail instead. Loopback hosts are always allowed.
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
     * @throws IllegalStateException if no host was allowed, or no tenant source was given
     */
    public TenantBearerTokenClientHttpRequestInterceptor build() {
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
      return new TenantBearerTokenClientHttpRequestInterceptor(
          tokens, tenants, new AllowedHosts(hosts, allowInsecureHttp));
    }
  }
}
