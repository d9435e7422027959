package io.tokenapi.sdk.spring;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * Adds a {@link BearerTokenClientHttpRequestInterceptor} for every client with {@code
 * allowed-hosts} to each {@code RestClient.Builder} and {@code RestTemplateBuilder} Boot hands out.
 * Each interceptor acts on its client's hosts only, so one builder serves them all.
 */
@AutoConfiguration(after = TokenApiAutoConfiguration.class)
@ConditionalOnClass({RestClient.class, RestClientCustomizer.class})
@ConditionalOnBean(OAuthClients.class)
public final class TokenApiRestClientAutoConfiguration {
  private static final Logger LOG =
      LoggerFactory.getLogger(TokenApiRestClientAutoConfiguration.class);

  /** Created by Spring. */
  public TokenApiRestClientAutoConfiguration() {}

  /**
   * Adds the interceptors to Boot's {@code RestClient.Builder}.
   *
   * @param clients every configured client
   * @param factoryBuilder Boot's request factory builder, when it has one
   * @param settings Boot's HTTP client settings ({@code spring.http.clients.*}), when it has them
   * @param resourceLoader for Boot's detection of the HTTP library, as Boot does it
   * @return the customizer
   */
  @Bean
  public RestClientCustomizer tokenApiRestClientCustomizer(
      OAuthClients clients,
      ObjectProvider<ClientHttpRequestFactoryBuilder<?>> factoryBuilder,
      ObjectProvider<HttpClientSettings> settings,
      ResourceLoader resourceLoader) {
    List<BearerTokenClientHttpRequestInterceptor> interceptors = interceptors(clients);
    if (!interceptors.isEmpty()) {
      // What Boot's RestClientAutoConfiguration and RestTemplateAutoConfiguration build on.
      RedirectForwarding.warnIfTheTokenCanBeRedirected(
          LOG,
          "RestClient and RestTemplate",
          interceptors.stream().flatMap(i -> i.allowedHosts().stream()).toList(),
          factoryBuilder.getIfAvailable(
              () -> ClientHttpRequestFactoryBuilder.detect(resourceLoader.getClassLoader())),
          settings.getIfAvailable(HttpClientSettings::defaults),
          "spring.http.clients.imperative.factory");
    }
    return builder -> builder.requestInterceptors(list -> list.addAll(interceptors));
  }

  /**
   * Adds the interceptors to the {@code RestTemplate}s built by Boot's {@code RestTemplateBuilder}.
   *
   * @param clients every configured client
   * @return the customizer
   */
  @Bean
  @ConditionalOnClass(RestTemplate.class)
  public RestTemplateCustomizer tokenApiRestTemplateCustomizer(OAuthClients clients) {
    List<BearerTokenClientHttpRequestInterceptor> interceptors = interceptors(clients);
    return restTemplate -> restTemplate.getInterceptors().addAll(interceptors);
  }

  static List<BearerTokenClientHttpRequestInterceptor> interceptors(OAuthClients clients) {
    List<BearerTokenClientHttpRequestInterceptor> interceptors = new ArrayList<>();
    for (String name : clients.names()) {
      List<String> hosts = clients.allowedHosts(name);
      if (!hosts.isEmpty()) {
        BearerTokenClientHttpRequestInterceptor.Builder b =
            BearerTokenClientHttpRequestInterceptor.builder(clients.get(name));
        hosts.forEach(b::allowHost);
        interceptors.add(b.build());
      }
    }
    return List.copyOf(interceptors);
  }
}
