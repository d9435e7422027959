package io.tokenapi.examples.spring;

import io.tokenapi.testkit.FakeTokenServer;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Without real credentials, starts a {@link FakeTokenServer} before the properties are bound and
 * points {@code tokenapi.client.*} at it; closes it with the application. Registered in {@code
 * META-INF/spring.factories}, so tests of the application get it too.
 */
public final class DemoTokenServer implements SmartApplicationListener {
  private static final Logger LOG = LoggerFactory.getLogger(DemoTokenServer.class);

  private FakeTokenServer server;

  /** Created by Spring Boot from {@code spring.factories}. */
  public DemoTokenServer() {}

  @Override
  public boolean supportsEventType(Class<? extends ApplicationEvent> type) {
    return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(type)
        || ApplicationPreparedEvent.class.isAssignableFrom(type)
        || ContextClosedEvent.class.isAssignableFrom(type);
  }

  @Override
  public synchronized void onApplicationEvent(ApplicationEvent event) {
    if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
      start(prepared.getEnvironment());
    } else if (event instanceof ApplicationPreparedEvent prepared && server != null) {
      // The fake resource checks tokens against it.
      prepared
          .getApplicationContext()
          .getBeanFactory()
          .registerSingleton("demoTokenServer", server);
    } else if (event instanceof ContextClosedEvent && server != null) {
      server.close();
      server = null;
    }
  }

  private void start(ConfigurableEnvironment environment) {
    if (environment.containsProperty("tokenapi.client.client-id") || server != null) {
      return;
    }
    server = new FakeTokenServer().start();
    LOG.info(
        "No tokenapi.client.client-id configured: using a FakeTokenServer at {}", server.baseUrl());
    environment
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "demoTokenServer",
                Map.of(
                    "tokenapi.client.base-url",
                    server.baseUrl(),
                    "tokenapi.client.client-id",
                    FakeTokenServer.DEFAULT_CLIENT_ID,
                    "tokenapi.client.client-secret",
                    FakeTokenServer.DEFAULT_CLIENT_SECRET,
                    "tokenapi.client.allowed-hosts",
                    "127.0.0.1",
                    "example.resource-url",
                    "http://127.0.0.1:${local.server.port}/fake-resource")));
  }
}
