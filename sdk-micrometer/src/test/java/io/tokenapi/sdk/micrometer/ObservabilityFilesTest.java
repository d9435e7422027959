package io.tokenapi.sdk.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.ConflictException;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.sdk.ServiceUnavailableException;
import io.tokenapi.sdk.TokenStore;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana dashboard and the Prometheus alerting rules under {@code observability/} refer only
 * to meters, labels and label values that a real client emits: real OAuthClients bound to a
 * Prometheus registry go through a success, a retried 500, a 409, a 503 closure and a failing
 * shared store against the testkit's FakeTokenServer, and every PromQL expression of both files is
 * checked against the scrape.
 */
class ObservabilityFilesTest {
  private static final Pattern METRIC = Pattern.compile("\\b(tokenapi_[a-z0-9_]+)\\b");
  private static final Pattern SELECTOR = Pattern.compile("(tokenapi_[a-z0-9_]+)\\s*\\{([^}]*)}");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring)\\s*\\(([^)]*)\\)");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("label_values\\(\\s*(tokenapi_[a-z0-9_]+)\\s*,\\s*([a-zA-Z0-9_]+)\\s*\\)");
  private static final Pattern TEMPLATE_LABEL =
      Pattern.compile("\\{\\{\\s*(?:\\$labels\\.)?([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");
  private static final Pattern SAMPLE =
      Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+\\S+.*$");
  private static final Pattern SAMPLE_LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

  private static FakeTokenServer server;
  private static final List<OAuthClient> CLIENTS = new ArrayList<>();
  private static final PrometheusMeterRegistry REGISTRY =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** Label name to values, by sample name, from the scrape. */
  private static final Map<String, Map<String, Set<String>>> EMITTED = new HashMap<>();

  @BeforeAll
  static void runRealClientsAndScrape() {
    server = new FakeTokenServer().start();
    RetryPolicy quick =
        RetryPolicy.builder()
            .initialBackoff(Duration.ofMillis(1))
            .maxBackoff(Duration.ofMillis(2))
            .build();

    OAuthClient payments = client("payments", OAuthClient.builder().retryPolicy(quick));
    payments.getToken(); // success
    payments.invalidate();
    server.enqueueServerError(); // a failed attempt, a retry, a success
    payments.getToken();

    OAuthClient refused = client("refused", OAuthClient.builder().retryPolicy(quick));
    server.enqueueConflict();
    assertThatThrownBy(refused::getToken).isInstanceOf(ConflictException.class);

    OAuthClient closed = client("closed", OAuthClient.builder().retryPolicy(quick));
    server.enqueueClosedUntil(Instant.now().plus(8, ChronoUnit.HOURS));
    assertThatThrownBy(closed::getToken).isInstanceOf(ServiceUnavailableException.class);

    OAuthClient shared =
        client("shared", OAuthClient.builder().retryPolicy(quick).tokenStore(new BrokenStore()));
    shared.getToken(); // the store fails: fetched from the provider alone
    assertThat(
            REGISTRY
                .get(TokenClientMetrics.STORE_EVENTS)
                .tags("client.name", "shared", "kind", "fallback")
                .counter()
                .count())
        .isPositive();

    String scrape = REGISTRY.scrape();
    Matcher sample = SAMPLE.matcher(scrape);
    while (sample.find()) {
      Map<String, Set<String>> labels =
          EMITTED.computeIfAbsent(sample.group(1), k -> new HashMap<>());
      if (sample.group(2) != null) {
        Matcher label = SAMPLE_LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.computeIfAbsent(label.group(1), k -> new TreeSet<>()).add(label.group(2));
        }
      }
    }
    assertThat(EMITTED.get("tokenapi_token_store_events_total").get("kind")).contains("fallback");
    assertThat(scrape)
        .doesNotContain(FakeTokenServer.DEFAULT_CLIENT_SECRET)
        .doesNotContain(FakeTokenServer.DEFAULT_CLIENT_ID);
  }

  @AfterAll
  static void close() {
    CLIENTS.forEach(OAuthClient::close);
    server.close();
  }

  private static OAuthClient client(String name, OAuthClient.Builder builder) {
    TokenClientMetrics metrics = TokenClientMetrics.builder(REGISTRY).clientName(name).build();
    OAuthClient client =
        builder
            .baseUrl(server.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .listener(metrics)
            .build();
    metrics.bindTo(client);
    CLIENTS.add(client);
    return client;
  }

  /** A shared store whose every call fails, as an unreachable Redis's would. */
  private static final class BrokenStore implements TokenStore {
    @Override
    public Optional<AccessToken> load(String key) {
      throw new IllegalStateException("store down");
    }

    @Override
    public void save(String key, AccessToken token) {
      throw new IllegalStateException("store down");
    }

    @Override
    public Optional<String> tryLock(String key, Duration ttl) {
      throw new IllegalStateException("store down");
    }

    @Override
    public void unlock(String key, String owner) {
      throw new IllegalStateException("store down");
    }
  }

  @Test
  void alertingRules_referOnlyToEmittedMetricsLabelsAndValues() throws IOException {
    List<Map<String, Object>> rules = alertingRules();
    assertThat(rules).hasSizeGreaterThanOrEqualTo(6);
    List<String> problems = new ArrayList<>();
    Set<String> metrics = new TreeSet<>();
    for (Map<String, Object> rule : rules) {
      String expr = String.valueOf(rule.get("expr"));
      String where = "alert " + rule.get("alert");
      metrics.addAll(check(where, expr, problems));
      Set<String> labels = labelsOf(expr);
      Object annotations = rule.get("annotations");
      if (annotations instanceof Map<?, ?> map) {
        for (Object text : map.values()) {
          Matcher m = TEMPLATE_LABEL.matcher(String.valueOf(text));
          while (m.find()) {
            if (!m.group(1).equals("value") && !labels.contains(m.group(1))) {
              problems.add(where + ": annotation label " + m.group(1) + " is not on its series");
            }
          }
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(metrics)
        .contains(
            "tokenapi_token_time_to_expiry_seconds",
            "tokenapi_token_consecutive_failures",
            "tokenapi_token_state",
            "tokenapi_token_store_events_total",
            "tokenapi_token_requests_seconds_count");
  }

  @Test
  void dashboard_refersOnlyToEmittedMetricsLabelsAndValues() throws IOException {
    JsonNode dashboard =
        new ObjectMapper().readTree(Files.readString(file("grafana/tokenapi-dashboard.json")));
    List<String> problems = new ArrayList<>();
    Set<String> metrics = new TreeSet<>();
    int targets = 0;
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        targets++;
        String expr = target.path("expr").asText().replace("$__rate_interval", "5m");
        String where = "panel \"" + panel.path("title").asText() + "\"";
        metrics.addAll(check(where, expr, problems));
        Set<String> labels = labelsOf(expr);
        Matcher legend = TEMPLATE_LABEL.matcher(target.path("legendFormat").asText());
        while (legend.find()) {
          if (!labels.contains(legend.group(1))) {
            problems.add(where + ": legend label " + legend.group(1) + " is not on its series");
          }
        }
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      Matcher m = LABEL_VALUES.matcher(variable.path("query").path("query").asText());
      while (m.find()) {
        if (!EMITTED.containsKey(m.group(1)) || !EMITTED.get(m.group(1)).containsKey(m.group(2))) {
          problems.add("variable " + variable.path("name").asText() + ": " + m.group());
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(targets).isGreaterThanOrEqualTo(10);
    // Every meter the SDK documents is on the dashboard.
    assertThat(metrics)
        .contains(
            "tokenapi_token_state",
            "tokenapi_token_time_to_expiry_seconds",
            "tokenapi_token_requests_seconds_count",
            "tokenapi_token_attempts_seconds_count",
            "tokenapi_token_retries_total",
            "tokenapi_token_consecutive_failures",
            "tokenapi_token_store_events_total",
            "tokenapi_token_reopening_wait_seconds_sum",
            "tokenapi_token_closing_uncovered_seconds",
            "tokenapi_token_stale_served_total");
  }

  /**
   * Where Prometheus's {@code promtool} is installed (it is not needed otherwise): the rules parse,
   * and their unit tests ({@code tokenapi-alerts-test.yml}) pass.
   */
  @Test
  void promtool_checksTheRules_andRunsTheirUnitTests() throws Exception {
    Optional<Path> promtool =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .filter(dir -> !dir.isBlank())
            .map(dir -> Path.of(dir, "promtool"))
            .filter(Files::isExecutable)
            .findFirst();
    Assumptions.assumeTrue(promtool.isPresent(), "promtool is not on the PATH");
    Path rules = file("prometheus/tokenapi-alerts.yml");
    for (List<String> command :
        List.of(
            List.of(promtool.get().toString(), "check", "rules", rules.toString()),
            List.of(
                promtool.get().toString(),
                "test",
                "rules",
                rules.resolveSibling("tokenapi-alerts-test.yml").toString()))) {
      Process process =
          new ProcessBuilder(command)
              .directory(rules.getParent().toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
      assertThat(process.exitValue()).as(out).isZero();
    }
  }

  /** The checker itself: a misspelt meter, label or value is caught. */
  @Test
  void theCheck_catchesAWrongMeterLabelOrValue() {
    List<String> problems = new ArrayList<>();
    check("t", "rate(tokenapi_token_fetch_seconds_count[5m])", problems);
    check("t", "tokenapi_token_store_events_total{kind=\"fallbak\"}", problems);
    check("t", "sum by (client) (tokenapi_token_state)", problems);
    check("t", "tokenapi_token_state{status=\"failing\"}", problems);
    assertThat(problems).hasSize(4);
  }

  /** Checks one expression; returns the metrics it names. */
  private static Set<String> check(String where, String expr, List<String> problems) {
    Set<String> metrics = new LinkedHashSet<>();
    Matcher metric = METRIC.matcher(expr);
    while (metric.find()) {
      metrics.add(metric.group(1));
      if (!EMITTED.containsKey(metric.group(1))) {
        problems.add(where + ": " + metric.group(1) + " is not emitted");
      }
    }
    Matcher selector = SELECTOR.matcher(expr);
    while (selector.find()) {
      Map<String, Set<String>> labels = EMITTED.getOrDefault(selector.group(1), Map.of());
      Matcher matcher = MATCHER.matcher(selector.group(2));
      while (matcher.find()) {
        String label = matcher.group(1);
        String op = matcher.group(2);
        if (!labels.containsKey(label)) {
          problems.add(where + ": " + selector.group(1) + " has no label " + label);
        } else if ((op.equals("=") || op.equals("!="))
            && !labels.get(label).contains(matcher.group(3))) {
          problems.add(
              where + ": " + selector.group(1) + " never has " + label + "=" + matcher.group(3));
        }
      }
    }
    Set<String> all = labelsOf(expr);
    Matcher grouping = GROUPING.matcher(expr);
    while (grouping.find()) {
      for (String label : grouping.group(2).split(",")) {
        if (!label.isBlank() && !all.contains(label.trim())) {
          problems.add(
              where + ": " + grouping.group(1) + " (" + label.trim() + ") is on no series");
        }
      }
    }
    return metrics;
  }

  /** The labels of every series the expression names. */
  private static Set<String> labelsOf(String expr) {
    Set<String> labels = new TreeSet<>();
    Matcher metric = METRIC.matcher(expr);
    while (metric.find()) {
      labels.addAll(EMITTED.getOrDefault(metric.group(1), Map.of()).keySet());
    }
    return labels;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> alertingRules() throws IOException {
    Map<String, Object> root =
        new Yaml().load(Files.readString(file("prometheus/tokenapi-alerts.yml")));
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) root.get("groups")) {
      rules.addAll((List<Map<String, Object>>) group.get("rules"));
    }
    return rules;
  }

  /** A file under the repository's {@code observability/} directory. */
  private static Path file(String name) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("observability"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("observability/ above " + Path.of("").toAbsolutePath()).isNotNull();
    return dir.resolve("observability").resolve(name);
  }
}
