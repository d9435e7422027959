package io.tokenapi.sdk.spring;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * A {@code tokenapi} health contributor with one indicator per client, by name: {@code
 * /actuator/health/tokenapi/default}, {@code /actuator/health/tokenapi/payments}. Off with {@code
 * management.health.tokenapi.enabled=false}.
 */
@AutoConfiguration(after = TokenApiAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(OAuthClients.class)
@ConditionalOnEnabledHealthIndicator("tokenapi")
@EnableConfigurationProperties(TokenApiHealthProperties.class)
public final class TokenApiHealthAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(TokenApiHealthAutoConfiguration.class);

  /** Created by Spring. */
  public TokenApiHealthAutoConfiguration() {}

  /**
   * The health of every client.
   *
   * @param clients every configured client
   * @param properties the {@code management.health.tokenapi.*} settings
   * @return a composite named {@code tokenapi} (from the bean name)
   * @throws TokenApiConfigurationException if {@code closed-status} is not a status
   */
  @Bean
  public CompositeHealthContributor tokenapiHealthContributor(
      OAuthClients clients, TokenApiHealthProperties properties) {
    Status closed = new Status(properties.closedStatusCode());
    return CompositeHealthContributor.fromMap(
        clients.asMap(), client -> new OAuthClientHealthIndicator(client, closed));
  }

  /**
   * Warns at startup when the liveness probe's group includes the tokenapi contributor: a token API
   * outage or closure would get every instance restarted, which does not bring the provider back.
   * Defining {@code management.endpoint.health.group.liveness.*} without an {@code include} puts
   * every contributor in it.
   *
   * @param groups Boot's health groups, when the health endpoint is on
   * @param clients every configured client: a group can take one in by path ({@code
   *     tokenapi/payments})
   * @return the check, run once every singleton exists
   */
  @Bean
  SmartInitializingSingleton tokenApiLivenessCheck(
      ObjectProvider<HealthEndpointGroups> groups, OAuthClients clients) {
    return () ->
        groups.ifAvailable(
            all -> {
              HealthEndpointGroup liveness = all.get("liveness");
              if (liveness == null) {
                return;
              }
              List<String> members = new ArrayList<>();
              if (liveness.isMember("tokenapi")) {
                members.add("tokenapi");
              } else {
                for (String name : clients.names()) {
                  if (liveness.isMember("tokenapi/" + name)) {
                    members.add("tokenapi/" + name);
                  }
                }
              }
              if (!members.isEmpty()) {
                LOG.warn(
                    "tokenapi: the liveness health group includes the tokenapi contributor ({}),"
                        + " so a token API outage would get this instance restarted, which does"
                        + " not bring the provider back. Set"
                        + " management.endpoint.health.group.liveness.include=livenessState (a"
                        + " liveness group defined without an include takes every contributor),"
                        + " and put tokenapi in readiness if anything.",
                    members);
              }
            });
  }
}
