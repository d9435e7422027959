package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.TenantTokens;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A {@link TenantTokens} bean when the application declares a {@link TenantCredentialsProvider}
 * bean, built from the {@code tokenapi.tenants.*} properties ({@link TokenApiTenantsProperties})
 * and closed on shutdown; with {@code tokenapi.tenants.allowed-hosts}, tenant-aware interceptors on
 * the {@code RestClient} and {@code WebClient} builders Boot hands out (the tenant from the request
 * attribute {@value TenantBearerTokenClientHttpRequestInterceptor#TENANT_ATTRIBUTE}), and an
 * aggregate {@code tokenapiTenants} health entry.
 *
 * <p>The trigger is a bean, not a property: Spring AOT decides conditions at build time, where the
 * application's own bean definitions are the same as at run time and properties may not be.
 */
@AutoConfiguration(
    after = TokenApiAutoConfiguration.class,
    afterName = "io.tokenapi.sdk.spring.TokenApiMetricsAutoConfiguration")
@ConditionalOnBean(TenantCredentialsProvider.class)
@EnableConfigurationProperties({TokenApiTenantsProperties.class, TokenApiProperties.class})
public final class TokenApiTenantsAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(TokenApiTenantsAutoConfiguration.class);

  /** Created by Spring. */
  public TokenApiTenantsAutoConfiguration() {}

  /**
   * The tenants' tokens.
   *
   * @param properties the {@code tokenapi.tenants.*} settings
   * @param main the {@code tokenapi.*} client settings: the base URL and token path to inherit, and
   *     the hosts the clients take
   * @param providers the application's credentials lookup (exactly one)
   * @param customizers applied to the builder, in order
   * @param beans for naming the providers when there is not exactly one
   * @return the bean; Spring closes it on shutdown
   * @throws TokenApiConfigurationException if the properties cannot make a working {@code
   *     TenantTokens}, or there are several providers
   */
  @Bean
  @ConditionalOnMissingBean
  public TenantTokens tenantTokens(
      TokenApiTenantsProperties properties,
      TokenApiProperties main,
      ObjectProvider<TenantCredentialsProvider> providers,
      ObjectProvider<TenantTokensBuilderCustomizer> customizers,
      ListableBeanFactory beans) {
    TenantCredentialsProvider provider = providers.getIfUnique();
    List<String> names =
        provider != null
            ? List.of()
            : Arrays.asList(beans.getBeanNamesForType(TenantCredentialsProvider.class));
    TenantTokens tokens =
        TenantTokensFactory.create(
            properties, main, names, provider, customizers.orderedStream().toList());
    LOG.debug("tokenapi: {} configured from tokenapi.tenants.*", tokens);
    return tokens;
  }

  /**
   * Puts the tenant interceptor on Boot's RestClient builder. Not on RestTemplateBuilder: a
   * RestTemplate has no per-request attributes, so an interceptor reading one would fail every
   * call; put one with {@code tenantFrom(...)} on a RestTemplate yourself.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({RestClient.class, RestClientCustomizer.class})
  static final class RestClients {
    @Bean
    RestClientCustomizer tokenApiTenantRestClientCustomizer(
        TenantTokens tokens,
        TokenApiTenantsProperties properties,
        ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factoryBuilder,
        ObjectProvider<HttpClientSettings> settings,
        ResourceLoader resourceLoader) {
      List<TenantBearerTokenClientHttpRequestInterceptor> interceptors =
          interceptor(tokens, properties);
      if (!interceptors.isEmpty()) {
        RedirectForwarding.warnIfTheTokenCanBeRedirected(
            LOG,
            "RestClients",
            List.copyOf(interceptors.get(0).allowedHosts()),
            factoryBuilder.getIfAvailable(
                () -> ClientHttpRequestFactoryBuilder.detect(resourceLoader.getClassLoader())),
            settings.getIfAvailable(HttpClientSettings::defaults),
            "spring.http.clients.imperative.factory");
      }
      return builder -> builder.requestInterceptors(list -> list.addAll(interceptors));
    }

    private static List<TenantBearerTokenClientHttpRequestInterceptor> interceptor(
        TenantTokens tokens, TokenApiTenantsProperties properties) {
      if (properties.allowedHosts().isEmpty()) {
        return List.of();
      }
      TenantBearerTokenClientHttpRequestInterceptor.Builder b =
          TenantBearerTokenClientHttpRequestInterceptor.builder(tokens)
              .tenantFromAttribute(TenantBearerTokenClientHttpRequestInterceptor.TENANT_ATTRIBUTE);
      properties.allowedHosts().forEach(b::allowHost);
      return List.of(b.build());
    }
  }

  /** Puts the tenant filter on Boot's WebClient builder. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({WebClient.class, WebClientCustomizer.class})
  static final class WebClients {
    @Bean
    WebClientCustomizer tokenApiTenantWebClientCustomizer(
        TenantTokens tokens,
        TokenApiTenantsProperties properties,
        ObjectProvider<ClientHttpConnectorBuilder<?>> connectorBuilder,
        ObjectProvider<HttpClientSettings> settings,
        ResourceLoader resourceLoader) {
      if (properties.allowedHosts().isEmpty()) {
        return builder -> {};
      }
      TenantBearerTokenExchangeFilterFunction.Builder b =
          TenantBearerTokenExchangeFilterFunction.builder(tokens)
              .tenantFromAttribute(TenantBearerTokenClientHttpRequestInterceptor.TENANT_ATTRIBUTE);
      properties.allowedHosts().forEach(b::allowHost);
      TenantBearerTokenExchangeFilterFunction filter = b.build();
      ClientHttpConnectorBuilder<?> connector = connectorBuilder.getIfAvailable();
      if (connector == null) {
        try {
          connector = ClientHttpConnectorBuilder.detect(resourceLoader.getClassLoader());
        } catch (IllegalStateException e) {
          connector = null; // No connector at all fails in Boot's WebClient configuration.
        }
      }
      if (connector != null) {
        RedirectForwarding.warnIfTheTokenCanBeRedirected(
            LOG,
            "WebClients",
            List.copyOf(filter.allowedHosts()),
            connector,
            settings.getIfAvailable(HttpClientSettings::defaults),
            "spring.http.clients.reactive.connector");
      }
      return builder -> builder.filters(list -> list.add(filter));
    }
  }

  /** The aggregate health entry {@code tokenapiTenants}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnEnabledHealthIndicator("tokenapi")
  static final class HealthConfiguration {
    @Bean
    HealthIndicator tokenapiTenantsHealthIndicator(TenantTokens tokens) {
      return new TenantTokensHealthIndicator(tokens);
    }
  }
}
