package io.tokenapi.sdk.spring;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
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
   * @param environment read for {@code spring.http.clients.redirects}
   * @return the customizer
   */
  @Bean
  public RestClientCustomizer tokenApiRestClientCustomizer(
      OAuthClients clients, Environment environment) {
    List<BearerTokenClientHttpRequestInterceptor> interceptors = interceptors(clients);
    warnIfRedirectsFollowed(interceptors, environment);
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

  /**
   * The JDK's HttpClient, Boot's default HTTP library, re-sends the Authorization header when it
   * follows a redirect to another host; the interceptor never sees that hop.
   */
  private static void warnIfRedirectsFollowed(
      List<BearerTokenClientHttpRequestInterceptor> interceptors, Environment environment) {
    String redirects = environment.getProperty("spring.http.clients.redirects", "");
    if (!interceptors.isEmpty()
        && !redirects.replace("-", "").replace("_", "").equalsIgnoreCase("dontfollow")) {
      LOG.warn(
          "tokenapi: RestClient and RestTemplate follow redirects, and the JDK HTTP client sends"
              + " the Authorization header on to another host with them. Set"
              + " spring.http.clients.redirects=dont-follow so that a bearer token never leaves"
              + " {}.",
          interceptors.stream().flatMap(i -> i.allowedHosts().stream()).toList());
    }
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
