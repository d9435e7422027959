package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.TenantTokens;

/**
 * Adjusts the builder of the {@link TenantTokens} bean after the {@code tokenapi.tenants.*}
 * properties are applied and before {@code build()}: a token store, your own {@code OkHttpClient},
 * a listener. Every customizer bean is applied, in {@code @Order}; the starter's Micrometer binding
 * is one of them.
 *
 * <pre>{@code
 * @Bean
 * TenantTokensBuilderCustomizer sharedTenantTokens(TokenStore fleetStore) {
 *   return builder -> builder.tokenStore(fleetStore);
 * }
 * }</pre>
 */
@FunctionalInterface
public interface TenantTokensBuilderCustomizer {
  /**
   * Adjusts the builder.
   *
   * @param builder the builder, with the properties applied
   */
  void customize(TenantTokens.Builder builder);
}
