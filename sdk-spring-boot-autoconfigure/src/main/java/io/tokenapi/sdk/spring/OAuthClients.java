package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.OAuthClient;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link OAuthClient}s configured by {@code tokenapi.client.*} and {@code
 * tokenapi.clients.<name>.*}, by name. A bean when any of them is configured; closing it (Spring
 * does, on shutdown) closes every client.
 *
 * <pre>{@code
 * @Service
 * class Payments {
 *   private final OAuthClient tokens;
 *
 *   Payments(OAuthClients clients) {
 *     this.tokens = clients.get("payments"); // tokenapi.clients.payments.*
 *   }
 * }
 * }</pre>
 */
public final class OAuthClients implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OAuthClients.class);

  private final Map<String, OAuthClient> clients;
  private final Map<String, List<String>> allowedHosts;

  OAuthClients(Map<String, OAuthClient> clients, Map<String, List<String>> allowedHosts) {
    this.clients = Collections.unmodifiableMap(new LinkedHashMap<>(clients));
    this.allowedHosts = Collections.unmodifiableMap(new LinkedHashMap<>(allowedHosts));
  }

  /**
   * The client configured under {@code name}.
   *
   * @param name {@value TokenApiProperties#DEFAULT_CLIENT} for {@code tokenapi.client.*}, otherwise
   *     the {@code <name>} of {@code tokenapi.clients.<name>.*}
   * @return the client
   * @throws IllegalArgumentException if no client has that name; the message lists the names
   */
  public OAuthClient get(String name) {
    OAuthClient client = clients.get(name);
    if (client == null) {
      throw new IllegalArgumentException(
          "no tokenapi client named \""
              + name
              + "\": configured are "
              + clients.keySet()
              + " (add tokenapi.clients."
              + name
              + ".* properties to configure it)");
    }
    return client;
  }

  /**
   * The configured names, the single client's ({@value TokenApiProperties#DEFAULT_CLIENT}) first.
   *
   * @return an unmodifiable set
   */
  public Set<String> names() {
    return clients.keySet();
  }

  /**
   * Every client by name, in {@link #names()} order.
   *
   * @return an unmodifiable map
   */
  public Map<String, OAuthClient> asMap() {
    return clients;
  }

  /**
   * The hosts the client named {@code name} sends its token to through the auto-configured
   * interceptors ({@code allowed-hosts}), in canonical form.
   *
   * @param name a configured name
   * @return the hosts; empty when the client has no interceptor
   * @throws IllegalArgumentException if no client has that name
   */
  public List<String> allowedHosts(String name) {
    get(name);
    return allowedHosts.getOrDefault(name, List.of());
  }

  /** Closes every client; a failure to close one is logged and the others are still closed. */
  @Override
  public void close() {
    for (Map.Entry<String, OAuthClient> e : clients.entrySet()) {
      try {
        e.getValue().close();
      } catch (RuntimeException ex) {
        LOG.warn("Closing tokenapi client {} failed", e.getKey(), ex);
      }
    }
  }

  /**
   * Describes the clients by name; never a secret or token.
   *
   * @return a description that is safe to log
   */
  @Override
  public String toString() {
    return "OAuthClients" + clients;
  }
}
