package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.TenantTokens;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@link TenantTokens} bean in {@code /actuator/health/tokenapiTenants}: aggregate only, never
 * a tenant. Always UP, with how many tenants are held and the bounds ({@link
 * TenantTokens#toString()}): one tenant's rejected credentials or a provider closure seen by some
 * tenants must not take the instance out of the load balancer for every other tenant, and listing
 * tenants would put up to {@code max-tenants} entries (customer ids) in every health response. A
 * tenant's own state is {@link TenantTokens#status(String)}, for a page or endpoint of the
 * application's.
 */
final class TenantTokensHealthIndicator implements HealthIndicator {
  private final TenantTokens tokens;

  TenantTokensHealthIndicator(TenantTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public Health health() {
    // A count and the description (token URL and bounds): no tenant id, token or secret.
    return Health.up()
        .withDetail("tenants", tokens.size())
        .withDetail("tenantTokens", tokens.toString())
        .build();
  }
}
