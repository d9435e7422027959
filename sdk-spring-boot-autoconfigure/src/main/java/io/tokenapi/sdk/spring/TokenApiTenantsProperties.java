package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.ClientAuthentication;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code tokenapi.tenants.*} properties: the settings all tenants of the {@code TenantTokens}
 * bean share. The bean exists when the application declares a {@link TenantCredentialsProvider}
 * bean; each tenant's client id and credential come from it, so no secret is set here.
 *
 * <pre>
 * tokenapi.tenants.base-url=https://api.example.com
 * tokenapi.tenants.max-tenants=100000
 * tokenapi.tenants.evict-after-idle=2h
 * tokenapi.tenants.max-concurrent-requests=64
 * tokenapi.tenants.allowed-hosts=api.example.com
 * </pre>
 *
 * @param baseUrl The provider's base URL, for example https://api.example.com. Defaults to
 *     tokenapi.client.base-url; one of them is required.
 * @param tokenPath The token endpoint's path under the base URL. Defaults to
 *     tokenapi.client.token-path, then /v1/oauth/token.
 * @param clientAuthentication How a tenant's secret is sent: json-body (the provider's format),
 *     client-secret-post or client-secret-basic (RFC 6749).
 * @param scope The scope every tenant's token is requested with; none by default.
 * @param maxTenants How many tenants are held at most; the least recently used beyond it are
 *     dropped (and looked up again on their next use).
 * @param evictAfterIdle A tenant unused for this long is dropped; at least 1s.
 * @param maxConcurrentRequests Token requests in flight at once across all tenants (1 to 1024);
 *     more wait in a queue within their call's time.
 * @param refreshAhead How long before expiry a cached token is refreshed in the background.
 * @param expiryMargin How long before expiry a cached token is no longer used.
 * @param defaultTokenLifetime The lifetime of a token whose response names no expiry.
 * @param connectTimeout Connect timeout of a token request.
 * @param readTimeout Read timeout of a token request.
 * @param callTimeout Bound on one token request attempt, its wait for a request slot included.
 * @param retry How failed token requests are retried (max-wait also bounds the credentials lookup).
 * @param workingHours The provider's opening hours, for waiting out a 503 closure; none by default.
 * @param allowedHosts The hosts that get the request's tenant's token from the auto-configured
 *     RestClient and WebClient interceptors (exact host names, any port); the tenant is read from
 *     the request attribute tokenapi.tenant. Empty: no interceptor. A host may not be allowed for a
 *     tokenapi client too.
 */
@ConfigurationProperties("tokenapi.tenants")
public record TokenApiTenantsProperties(
    String baseUrl,
    String tokenPath,
    @DefaultValue("json-body") ClientAuthentication clientAuthentication,
    String scope,
    @DefaultValue("10000") int maxTenants,
    @DefaultValue("1h") Duration evictAfterIdle,
    @DefaultValue("16") int maxConcurrentRequests,
    @DefaultValue("5m") Duration refreshAhead,
    @DefaultValue("30s") Duration expiryMargin,
    @DefaultValue("5m") Duration defaultTokenLifetime,
    @DefaultValue("10s") Duration connectTimeout,
    @DefaultValue("10s") Duration readTimeout,
    @DefaultValue("30s") Duration callTimeout,
    @DefaultValue TokenApiProperties.Retry retry,
    TokenApiProperties.WorkingHours workingHours,
    List<String> allowedHosts) {

  /**
   * Binds the properties.
   *
   * @param baseUrl see the record description
   * @param tokenPath see the record description
   * @param clientAuthentication see the record description
   * @param scope see the record description
   * @param maxTenants see the record description
   * @param evictAfterIdle see the record description
   * @param maxConcurrentRequests see the record description
   * @param refreshAhead see the record description
   * @param expiryMargin see the record description
   * @param defaultTokenLifetime see the record description
   * @param connectTimeout see the record description
   * @param readTimeout see the record description
   * @param callTimeout see the record description
   * @param retry see the record description
   * @param workingHours see the record description
   * @param allowedHosts see the record description
   */
  public TokenApiTenantsProperties {
    allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
  }
}
