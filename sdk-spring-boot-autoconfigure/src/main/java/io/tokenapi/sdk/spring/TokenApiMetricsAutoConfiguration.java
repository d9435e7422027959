package io.tokenapi.sdk.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.observation.ObservationRegistry;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.TenantTokens;
import io.tokenapi.sdk.micrometer.TokenClientMetrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Records every configured client in the application's {@link MeterRegistry} (and, when there is
 * one, its {@link ObservationRegistry}) through {@code tokenapi-sdk-micrometer}'s {@link
 * TokenClientMetrics}, tagged {@code client.name} with the client's name ({@code default} for
 * {@code tokenapi.client.*}). On when the application has that module and Micrometer.
 *
 * <p>One set of meters per fact: the SDK's own ({@code tokenapi.token.requests}, {@code
 * tokenapi.token.attempts}, ...). Boot would also derive timers from the Observations ({@code
 * tokenapi.token.fetch}, {@code tokenapi.token.attempt}, their {@code .active} timers and event
 * counters); a {@link MeterFilter} keeps those out, and the Observations still reach tracing.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"
    },
    before = TokenApiAutoConfiguration.class)
@ConditionalOnClass({TokenClientMetrics.class, MeterRegistry.class})
@ConditionalOnBean(MeterRegistry.class)
public final class TokenApiMetricsAutoConfiguration {
  /** Created by Spring. */
  public TokenApiMetricsAutoConfiguration() {}

  /**
   * Gives each client's builder its metrics listener, and binds the status gauges once the clients
   * exist.
   *
   * @param meters the application's registry
   * @param observations the application's observation registry, if any
   * @param clients the configured clients, read after they are built
   * @return the binder
   */
  @Bean
  OAuthClientBuilderCustomizer tokenApiMetrics(
      MeterRegistry meters,
      ObjectProvider<ObservationRegistry> observations,
      ObjectProvider<OAuthClients> clients) {
    return new MetricsBinder(meters, observations.getIfAvailable(), clients);
  }

  /**
   * Gives the {@code TenantTokens} bean's builder one metrics listener for all tenants, tagged
   * {@code client.name=tenants} and with no tenant tag: 100,000 tenants are one set of series. The
   * per-client status gauges are not bound (they read one client's state; a tenant's is {@code
   * TenantTokens.status(tenant)}).
   *
   * @param meters the application's registry
   * @param observations the application's observation registry, if any
   * @return the binder; its meters are removed on shutdown
   */
  @Bean
  TenantTokensBuilderCustomizer tokenApiTenantMetrics(
      MeterRegistry meters, ObjectProvider<ObservationRegistry> observations) {
    return new TenantMetricsBinder(meters, observations.getIfAvailable());
  }

  /**
   * Keeps the meters Boot's {@code DefaultMeterObservationHandler} would derive from the SDK's
   * Observations out of the registries: they would time each fetch and attempt a second time under
   * other names.
   *
   * @return {@link TokenClientMetrics#denyObservationMeters()}
   */
  @Bean
  MeterFilter tokenApiObservationMeterFilter() {
    return TokenClientMetrics.denyObservationMeters();
  }

  /** One aggregated listener for every tenant; closed (its meters removed) on shutdown. */
  static final class TenantMetricsBinder implements TenantTokensBuilderCustomizer, DisposableBean {
    private final MeterRegistry meters;
    private final ObservationRegistry observations;
    private final List<TokenClientMetrics> built = new CopyOnWriteArrayList<>();

    TenantMetricsBinder(MeterRegistry meters, ObservationRegistry observations) {
      this.meters = meters;
      this.observations = observations;
    }

    @Override
    public void customize(TenantTokens.Builder builder) {
      TokenClientMetrics.Builder metrics =
          TokenClientMetrics.builder(meters).clientName(TenantTokensFactory.METRICS_NAME);
      if (observations != null) {
        metrics.observationRegistry(observations);
      }
      TokenClientMetrics listener = metrics.build();
      built.add(listener);
      builder.listener(listener);
    }

    @Override
    public void destroy() {
      built.forEach(TokenClientMetrics::close);
    }
  }

  /** The listener goes in before {@code build()}; the gauges read the built client. */
  static final class MetricsBinder
      implements OAuthClientBuilderCustomizer, SmartInitializingSingleton, DisposableBean {
    private final MeterRegistry meters;
    private final ObservationRegistry observations;
    private final ObjectProvider<OAuthClients> clients;
    private final Map<String, TokenClientMetrics> byName = new ConcurrentHashMap<>();

    MetricsBinder(
        MeterRegistry meters, ObservationRegistry observations, ObjectProvider<OAuthClients> c) {
      this.meters = meters;
      this.observations = observations;
      this.clients = c;
    }

    @Override
    public void customize(String name, OAuthClient.Builder builder) {
      TokenClientMetrics.Builder metrics = TokenClientMetrics.builder(meters).clientName(name);
      if (observations != null) {
        metrics.observationRegistry(observations);
      }
      TokenClientMetrics built = metrics.build();
      byName.put(name, built);
      builder.listener(built);
    }

    @Override
    public void afterSingletonsInstantiated() {
      OAuthClients all = clients.getIfAvailable();
      if (all != null) {
        byName.forEach((name, metrics) -> metrics.bindTo(all.get(name)));
      }
    }

    @Override
    public void destroy() {
      byName.values().forEach(TokenClientMetrics::close);
    }
  }
}
