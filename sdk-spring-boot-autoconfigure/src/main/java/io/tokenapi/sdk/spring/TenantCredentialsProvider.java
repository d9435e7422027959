package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.TenantCredentials;
import io.tokenapi.sdk.TenantTokens;

/**
 * Where the starter's {@link TenantTokens} bean gets each tenant's client credentials. Declaring a
 * bean of this type is what switches the bean on: the starter then builds a {@code TenantTokens}
 * from the {@code tokenapi.tenants.*} properties and this lookup, and closes it on shutdown.
 *
 * <pre>{@code
 * @Bean
 * TenantCredentialsProvider tenantCredentials(MerchantVault vault) {
 *   return merchant -> TenantCredentials.clientSecret(vault.clientId(merchant), vault.secret(merchant));
 * }
 * }</pre>
 *
 * <p>A type of its own rather than a {@code Function<String, TenantCredentials>} bean: a function
 * bean is matched by its generic type, which a lambda {@code @Bean} method or an unrelated function
 * bean easily gets wrong, and Spring AOT decides the trigger at build time from bean types, where a
 * dedicated interface is unambiguous.
 */
@FunctionalInterface
public interface TenantCredentialsProvider {
  /**
   * The tenant's client id and credential, as {@link
   * TenantTokens.Builder#credentials(java.util.function.Function)} describes: asked on the SDK's
   * threads when a tenant is first used (or used again after it was dropped) and after the provider
   * rejected its credentials, never on a cache hit; bounded by the retry policy's {@code max-wait}.
   * A lookup that throws or returns null fails that tenant's call with an {@code OAuthException}
   * naming the exception's type, never its message.
   *
   * @param tenant the tenant's id, 1 to {@value TenantTokens#MAX_TENANT_LENGTH} characters
   * @return the tenant's credentials
   */
  TenantCredentials credentials(String tenant);
}
