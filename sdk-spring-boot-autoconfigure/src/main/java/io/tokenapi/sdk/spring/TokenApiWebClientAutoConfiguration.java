package io.tokenapi.sdk.spring;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Adds a {@link BearerTokenExchangeFilterFunction} for every client with {@code allowed-hosts} to
 * each {@code WebClient.Builder} Boot hands out.
 */
@AutoConfiguration(after = TokenApiAutoConfiguration.class)
@ConditionalOnClass({WebClient.class, WebClientCustomizer.class})
@ConditionalOnBean(OAuthClients.class)
public final class TokenApiWebClientAutoConfiguration {
  private static final Logger LOG =
      LoggerFactory.getLogger(TokenApiWebClientAutoConfiguration.class);

  /** Created by Spring. */
  public TokenApiWebClientAutoConfiguration() {}

  /**
   * Adds the filters to Boot's {@code WebClient.Builder}.
   *
   * @param clients every configured client
   * @param connectorBuilder Boot's connector builder, when it has one
   * @param settings Boot's HTTP client settings ({@code spring.http.clients.*}), when it has them
   * @param resourceLoader for Boot's detection of the HTTP library, as Boot does it
   * @return the customizer
   */
  @Bean
  public WebClientCustomizer tokenApiWebClientCustomizer(
      OAuthClients clients,
      ObjectProvider<ClientHttpConnectorBuilder<?>> connectorBuilder,
      ObjectProvider<HttpClientSettings> settings,
      ResourceLoader resourceLoader) {
    List<BearerTokenExchangeFilterFunction> filters = new ArrayList<>();
    for (String name : clients.names()) {
      List<String> hosts = clients.allowedHosts(name);
      if (!hosts.isEmpty()) {
        BearerTokenExchangeFilterFunction.Builder b =
            BearerTokenExchangeFilterFunction.builder(clients.get(name));
        hosts.forEach(b::allowHost);
        filters.add(b.build());
      }
    }
    List<BearerTokenExchangeFilterFunction> all = List.copyOf(filters);
    List<String> hosts = all.stream().flatMap(f -> f.allowedHosts().stream()).toList();
    if (!hosts.isEmpty()) {
      // What Boot's WebClientAutoConfiguration builds on; none at all fails there, not here.
      ClientHttpConnectorBuilder<?> builder = connectorBuilder.getIfAvailable();
      if (builder == null) {
        try {
          builder = ClientHttpConnectorBuilder.detect(resourceLoader.getClassLoader());
        } catch (IllegalStateException e) {
          builder = null;
        }
      }
      if (builder != null) {
        RedirectForwarding.warnIfTheTokenCanBeRedirected(
            LOG,
            "WebClients",
            hosts,
            builder,
            settings.getIfAvailable(HttpClientSettings::defaults),
            "spring.http.clients.reactive.connector");
      }
    }
    return builder -> builder.filters(list -> list.addAll(all));
  }
}
