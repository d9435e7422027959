package io.tokenapi.examples;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.micrometer.TokenClientMetrics;
import io.tokenapi.testkit.FakeTokenServer;
import java.time.Duration;

/**
 * The series a dashboard charts: a client bound to a Prometheus registry gets a token, waits out a
 * 503 closure (Retry-After: 1 s), retries after a 500, and then the scrape text is printed.
 */
public final class MetricsExample {
  private MetricsExample() {}

  /**
   * Runs the example.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (FakeTokenServer tokens = new FakeTokenServer().start()) {
      String baseUrl = tokens.baseUrl();
      String clientId = FakeTokenServer.DEFAULT_CLIENT_ID;
      String clientSecret = FakeTokenServer.DEFAULT_CLIENT_SECRET;
      // README metrics: begin
      TokenClientMetrics metrics =
          TokenClientMetrics.builder(registry) // any MeterRegistry: Prometheus, OTLP, Datadog...
              .clientName("payments") // the client.name tag; never the client id
              .build();
      OAuthClient client =
          OAuthClient.builder()
              .baseUrl(baseUrl)
              .clientId(clientId)
              .clientSecret(clientSecret)
              .listener(metrics) // timers and counters, from the client's events
              .build();
      metrics.bindTo(client); // gauges: time to expiry, state, stale served, failures in a row
      // README metrics: end
      try (client) {
        client.getToken();
        System.out.println("1. A token: one request, one attempt");

        tokens.enqueueClosed(Duration.ofSeconds(1));
        client.refresh();
        System.out.println("2. Closed: a 503 with Retry-After: 1, a wait, then a token");

        tokens.enqueueServerError();
        client.refresh();
        System.out.println("3. A 500: backoff, a retry, then a token");

        System.out.println("Token requests: " + tokens.requestCount() + " (one 503, one 500)");
        System.out.println();
        System.out.println("Prometheus scrape:");
        System.out.print(registry.scrape());
      }
    } finally {
      registry.close();
    }
  }
}
