package io.tokenapi.sdk.spring;

import java.io.IOException;

/**
 * A request for a host that gets tenants' tokens whose tenant could not be told: the tenant
 * resolver returned nothing usable (null, blank, a control character, over {@value
 * io.tokenapi.sdk.TenantTokens#MAX_TENANT_LENGTH} characters, not a {@code String}) or threw. The
 * request was not sent and no token was fetched. The message names the host and what was wrong,
 * never a token, a secret or the resolver's exception message (only its type).
 */
public final class TenantResolutionException extends IOException {
  private static final long serialVersionUID = 1L;

  TenantResolutionException(String message) {
    super(message);
  }
}
