package io.tokenapi.sdk.spring;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Adds a {@link BearerTokenExchangeFilterFunction} for every client with {@code allowed-hosts} to
 * each {@code WebClient.Builder} Boot hands out.
 */
@AutoConfiguration(after = TokenApiAutoConfiguration.class)
@ConditionalOnClass({WebClient.class, WebClientCustomizer.class})
@ConditionalOnBean(OAuthClients.class)
public final class TokenApiWebClientAutoConfiguration {
  /** Created by Spring. */
  public TokenApiWebClientAutoConfiguration() {}

  /**
   * Adds the filters to Boot's {@code WebClient.Builder}.
   *
   * @param clients every configured client
   * @return the customizer
   */
  @Bean
  public WebClientCustomizer tokenApiWebClientCustomizer(OAuthClients clients) {
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
    return builder -> builder.filters(list -> list.addAll(all));
  }
}
