package io.tokenapi.sdk.spring;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Warns at startup when clients have {@code allowed-hosts} but no Boot builder carries their
 * interceptor: Spring Boot 4's web starters no longer bring {@code RestClient.Builder}, {@code
 * RestTemplateBuilder} or {@code WebClient.Builder} (they come with {@code
 * spring-boot-starter-restclient} and {@code spring-boot-starter-webclient}), and without them the
 * requests go out without a token.
 */
final class InterceptorCoverageCheck implements SmartInitializingSingleton {
  private static final Logger LOG = LoggerFactory.getLogger(InterceptorCoverageCheck.class);

  /** Each builder Boot hands out, and the bean that puts the interceptors on it. */
  private static final String[][] CARRIERS = {
    {"org.springframework.web.client.RestClient$Builder", "tokenApiRestClientCustomizer"},
    {"org.springframework.boot.restclient.RestTemplateBuilder", "tokenApiRestTemplateCustomizer"},
    {
      "org.springframework.web.reactive.function.client.WebClient$Builder",
      "tokenApiWebClientCustomizer"
    }
  };

  private final OAuthClients clients;
  private final ListableBeanFactory beans;

  InterceptorCoverageCheck(OAuthClients clients, ListableBeanFactory beans) {
    this.clients = clients;
    this.beans = beans;
  }

  @Override
  public void afterSingletonsInstantiated() {
    List<String> hosts = new ArrayList<>();
    clients.names().forEach(name -> hosts.addAll(clients.allowedHosts(name)));
    if (hosts.isEmpty() || !carriers().isEmpty()) {
      return;
    }
    LOG.warn(
        "tokenapi: allowed-hosts is set ({}), but the application has no RestClient.Builder,"
            + " RestTemplateBuilder or WebClient.Builder bean to carry the token interceptor, so"
            + " requests to those hosts go out without a token. Spring Boot 4's web starters no"
            + " longer bring these builders: add spring-boot-starter-restclient (RestClient,"
            + " RestTemplate) or spring-boot-starter-webclient (WebClient) and build your"
            + " clients from the injected builder (a builder bean of your own replaces Boot's and"
            + " gets none of its customizers); or put BearerTokenClientHttpRequestInterceptor"
            + " on your own client and remove allowed-hosts.",
        hosts);
  }

  /** The builders that exist as beans and carry the interceptors. */
  List<String> carriers() {
    List<String> carriers = new ArrayList<>();
    ClassLoader loader = InterceptorCoverageCheck.class.getClassLoader();
    for (String[] carrier : CARRIERS) {
      if (!ClassUtils.isPresent(carrier[0], loader) || !beans.containsBean(carrier[1])) {
        continue;
      }
      for (String name :
          beans.getBeanNamesForType(ClassUtils.resolveClassName(carrier[0], loader), true, false)) {
        if (carries(carrier[0], name)) {
          carriers.add(carrier[0]);
          break;
        }
      }
    }
    return carriers;
  }

  /**
   * Whether the builder bean {@code name} gets the starter's interceptor. Boot's builders are
   * prototypes that its auto-configuration customizes, the interceptor among the customizers. A
   * singleton builder is the application's own (Boot's auto-configuration then backs off): it
   * carries the interceptor only if the application applied the customizers, which a copy of it
   * shows. A RestTemplateBuilder does not show its customizers, and is taken to carry them.
   */
  private boolean carries(String type, String name) {
    if (!beans.isSingleton(name)) {
      return true;
    }
    try {
      Object builder = beans.getBean(name);
      return switch (type) {
        case "org.springframework.web.client.RestClient$Builder" ->
            RestClientBuilders.carryInterceptor(builder);
        case "org.springframework.web.reactive.function.client.WebClient$Builder" ->
            WebClientBuilders.carryFilter(builder);
        default -> true;
      };
    } catch (RuntimeException cannotTell) {
      // A builder that cannot be had or copied here: a warning check must not fail the startup.
      return true;
    }
  }

  /** Apart, so that RestClient is loaded only when it is on the class path. */
  private static final class RestClientBuilders {
    static boolean carryInterceptor(Object builder) {
      boolean[] found = {false};
      // On a copy: the consumer is handed the builder's own list.
      ((RestClient.Builder) builder)
          .clone()
          .requestInterceptors(
              list ->
                  found[0] =
                      list.stream()
                          .anyMatch(BearerTokenClientHttpRequestInterceptor.class::isInstance));
      return found[0];
    }
  }

  /** Apart, so that WebClient is loaded only when it is on the class path. */
  private static final class WebClientBuilders {
    static boolean carryFilter(Object builder) {
      boolean[] found = {false};
      ((WebClient.Builder) builder)
          .clone()
          .filters(
              list ->
                  found[0] =
                      list.stream().anyMatch(BearerTokenExchangeFilterFunction.class::isInstance));
      return found[0];
    }
  }
}
