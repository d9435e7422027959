package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.OAuthClient;

/**
 * Adjusts the builder of each {@link OAuthClient} the auto-configuration creates from properties,
 * after the properties are applied and before {@code build()}: add a listener, pass your own {@code
 * OkHttpClient}, and so on. Declare it as a bean; every customizer bean is applied, in
 * {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * OAuthClientBuilderCustomizer auditRefreshes(AuditLog audit) {
 *   return (name, builder) -> builder.listener(new AuditingListener(name, audit));
 * }
 * }</pre>
 */
@FunctionalInterface
public interface OAuthClientBuilderCustomizer {
  /**
   * Adjusts one client's builder.
   *
   * @param name the client's name: {@value TokenApiProperties#DEFAULT_CLIENT} for {@code
   *     tokenapi.client.*}, otherwise the {@code <name>} of {@code tokenapi.clients.<name>.*}
   * @param builder the builder, with the properties applied
   */
  void customize(String name, OAuthClient.Builder builder);
}
