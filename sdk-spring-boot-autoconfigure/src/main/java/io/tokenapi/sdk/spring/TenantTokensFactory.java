package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.sdk.TenantTokens;
import io.tokenapi.sdk.WorkingHours;
import io.tokenapi.sdk.internal.AllowedHosts;
import io.tokenapi.sdk.internal.Loopback;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import okhttp3.HttpUrl;

/**
 * Builds the {@link TenantTokens} bean from {@link TokenApiTenantsProperties}, checking every
 * setting first so that one startup failure lists every problem. Messages name properties; the
 * tenants' secrets never pass through here (they come from the {@link TenantCredentialsProvider}).
 */
final class TenantTokensFactory {
  private static final String P = "tokenapi.tenants";

  /** The {@code client.name} tag of the tenants' aggregated meters. */
  static final String METRICS_NAME = "tenants";

  private final List<String> problems = new ArrayList<>();
  private final List<String> fixes = new ArrayList<>();

  private TenantTokensFactory() {}

  /**
   * The bean. {@code main} (the {@code tokenapi.*} client properties, or null) gives the inherited
   * base URL and token path and the hosts the clients take; {@code provider} is null when there is
   * not exactly one provider bean, {@code providerNames} then names them.
   */
  static TenantTokens create(
      TokenApiTenantsProperties properties,
      TokenApiProperties main,
      List<String> providerNames,
      TenantCredentialsProvider provider,
      List<TenantTokensBuilderCustomizer> customizers) {
    return new TenantTokensFactory().build(properties, main, providerNames, provider, customizers);
  }

  private TenantTokens build(
      TokenApiTenantsProperties p,
      TokenApiProperties main,
      List<String> providerNames,
      TenantCredentialsProvider provider,
      List<TenantTokensBuilderCustomizer> customizers) {
    TenantTokens.Builder b = TenantTokens.builder();
    if (provider == null && providerNames.size() == 1) {
      problem(
          "the TenantCredentialsProvider bean "
              + providerNames
              + " is null: its factory method returned null",
          "return a TenantCredentialsProvider from it; to run without tenants, declare no such"
              + " bean");
    } else if (provider == null) {
      problem(
          "there are "
              + providerNames.size()
              + " TenantCredentialsProvider beans "
              + providerNames
              + ", and the TenantTokens bean takes one",
          "declare one TenantCredentialsProvider bean, or mark one of them @Primary");
    } else {
      b.credentials(provider::credentials);
    }
    TokenApiProperties.Client client = main == null ? null : main.client();
    baseUrl(p, client, b);
    String tokenPath =
        p.tokenPath() != null
            ? p.tokenPath()
            : client != null ? client.tokenPath() : OAuthClient.DEFAULT_TOKEN_PATH;
    set(
        P + ".token-path",
        () -> b.tokenPath(tokenPath),
        "set " + P + ".token-path to a path such as " + OAuthClient.DEFAULT_TOKEN_PATH);
    if (p.clientAuthentication() != null) {
      b.clientAuthentication(p.clientAuthentication());
    }
    if (p.scope() != null) {
      set(P + ".scope", () -> b.scope(p.scope()), "set " + P + ".scope or remove it");
    }
    set(
        P + ".max-tenants",
        () -> b.maxTenants(p.maxTenants()),
        "set " + P + ".max-tenants to 1 or more, for example 100000");
    duration(
        P + ".evict-after-idle",
        p.evictAfterIdle(),
        DurationLimits.MAX,
        b::evictAfterIdle,
        "set " + P + ".evict-after-idle to 1s or more, for example 2h");
    set(
        P + ".max-concurrent-requests",
        () -> b.maxConcurrentRequests(p.maxConcurrentRequests()),
        "set " + P + ".max-concurrent-requests to 1 to 1024, for example 64");
    duration(P + ".refresh-ahead", p.refreshAhead(), b::refreshAhead);
    duration(P + ".expiry-margin", p.expiryMargin(), b::expiryMargin);
    duration(P + ".default-token-lifetime", p.defaultTokenLifetime(), b::defaultTokenLifetime);
    duration(
        P + ".connect-timeout",
        p.connectTimeout(),
        DurationLimits.MAX_SOCKET_TIMEOUT,
        b::connectTimeout);
    duration(
        P + ".read-timeout", p.readTimeout(), DurationLimits.MAX_SOCKET_TIMEOUT, b::readTimeout);
    duration(P + ".call-timeout", p.callTimeout(), b::callTimeout);
    if (p.retry() != null) {
      retry(p.retry(), b);
    }
    if (p.workingHours() != null) {
      workingHours(p.workingHours(), b);
    }
    allowedHosts(p, main);
    if (main != null && main.clients().containsKey(METRICS_NAME)) {
      problem(
          "tokenapi.clients."
              + METRICS_NAME
              + ": the name is the TenantTokens bean's in metrics"
              + " (client.name="
              + METRICS_NAME
              + ") and one series would mix both",
          "rename tokenapi.clients." + METRICS_NAME + ".*");
    }
    if (!problems.isEmpty()) {
      throw new TokenApiConfigurationException(problems, fixes);
    }
    for (TenantTokensBuilderCustomizer customizer : customizers) {
      customizer.customize(b);
    }
    try {
      return b.build();
    } catch (IllegalStateException | IllegalArgumentException | ArithmeticException e) {
      // Checked above; what is left comes from a customizer's settings.
      throw new TokenApiConfigurationException(
          List.of(P + ": " + e.getMessage()),
          List.of("check the TenantTokensBuilderCustomizer beans and the " + P + ".* properties"));
    }
  }

  private void baseUrl(
      TokenApiTenantsProperties p, TokenApiProperties.Client client, TenantTokens.Builder b) {
    boolean own = !isBlank(p.baseUrl());
    String value = own ? p.baseUrl() : client == null ? null : client.baseUrl();
    String property = own ? P + ".base-url" : "tokenapi.client.base-url (inherited)";
    if (isBlank(value)) {
      problem(
          P + ".base-url is not set, and there is no tokenapi.client.base-url to inherit",
          "set " + P + ".base-url to the provider's URL, for example https://api.example.com");
      return;
    }
    HttpUrl url = HttpUrl.parse(value.trim());
    if (url == null) {
      problem(
          property + " is not an http(s) URL: " + TokenApiConfigurationException.quotedUrl(value),
          "set " + P + ".base-url to the provider's URL, for example https://api.example.com");
    } else if (!url.isHttps() && !Loopback.isLoopback(url.host())) {
      problem(
          property
              + " uses http:// to "
              + url.host()
              + ": the tenants' secrets would travel in clear text",
          "use https:// in " + P + ".base-url");
    } else {
      set(property, () -> b.baseUrl(url), "fix " + P + ".base-url");
    }
  }

  private void retry(TokenApiProperties.Retry r, TenantTokens.Builder b) {
    RetryPolicy.Builder retry = RetryPolicy.builder();
    String p = P + ".retry";
    set(
        p + ".max-attempts",
        () -> retry.maxAttempts(r.maxAttempts()),
        "set " + p + ".max-attempts to 1 (no retry) or more");
    duration(p + ".initial-backoff", r.initialBackoff(), retry::initialBackoff);
    duration(p + ".max-backoff", r.maxBackoff(), retry::maxBackoff);
    duration(p + ".max-wait", r.maxWait(), retry::maxWait);
    set(p, () -> b.retryPolicy(retry.build()), "fix the " + p + ".* properties");
  }

  private void workingHours(TokenApiProperties.WorkingHours w, TenantTokens.Builder b) {
    String p = P + ".working-hours";
    boolean complete = true;
    if (w.zone() == null) {
      problem(p + ".zone is not set", "set " + p + ".zone, for example Europe/Berlin");
      complete = false;
    }
    if (w.opens() == null) {
      problem(p + ".opens is not set", "set " + p + ".opens, for example 08:00");
      complete = false;
    }
    if (w.closes() == null) {
      problem(p + ".closes is not set", "set " + p + ".closes, for example 20:00");
      complete = false;
    }
    if (complete) {
      set(
          p + ".days",
          () -> b.workingHours(WorkingHours.of(w.zone(), w.opens(), w.closes(), w.days())),
          "set " + p + ".days to the days the provider opens, for example monday,tuesday");
    }
  }

  /** Each host valid, and none also allowed for a tokenapi client (one builder carries both). */
  private void allowedHosts(TokenApiTenantsProperties p, TokenApiProperties main) {
    List<String> clientHosts = new ArrayList<>();
    if (main != null) {
      if (main.client() != null) {
        clientHosts.addAll(canonicalQuietly(main.client().allowedHosts()));
      }
      for (Map.Entry<String, TokenApiProperties.Client> e : main.clients().entrySet()) {
        clientHosts.addAll(canonicalQuietly(e.getValue().allowedHosts()));
      }
    }
    for (String host : p.allowedHosts()) {
      String canonical;
      try {
        canonical = AllowedHosts.canonical(host);
      } catch (IllegalArgumentException e) {
        problem(
            P + ".allowed-hosts: " + e.getMessage(),
            "list host names only in " + P + ".allowed-hosts, for example api.example.com");
        continue;
      }
      if (clientHosts.contains(canonical)) {
        problem(
            P
                + ".allowed-hosts: "
                + canonical
                + " is also allowed for a tokenapi client, and a request could carry the"
                + " client's token instead of its tenant's",
            "allow each host either for the tenants or for one client; for both on one host,"
                + " leave allowed-hosts empty and put the interceptors on your own RestClients");
      }
    }
  }

  /** A client's hosts; an invalid one is reported by the clients' own check. */
  private static List<String> canonicalQuietly(List<String> hosts) {
    List<String> canonical = new ArrayList<>();
    for (String host : hosts) {
      try {
        canonical.add(AllowedHosts.canonical(host));
      } catch (IllegalArgumentException reportedElsewhere) {
        // OAuthClientsFactory names it.
      }
    }
    return canonical;
  }

  private void duration(String property, Duration value, Consumer<Duration> setter) {
    duration(property, value, DurationLimits.MAX, setter);
  }

  private void duration(String property, Duration value, Duration max, Consumer<Duration> setter) {
    duration(
        property,
        value,
        max,
        setter,
        "set " + property + " to a positive duration such as 30s or 5m");
  }

  /** Refused here when over {@code max}: the SDK would fail with an untyped overflow. */
  private void duration(
      String property, Duration value, Duration max, Consumer<Duration> setter, String fix) {
    String tooLong = DurationLimits.tooLong(property, value, max);
    if (tooLong != null) {
      problem(tooLong, fix);
      return;
    }
    set(property, () -> setter.accept(value), fix);
  }

  private void set(String property, Runnable setter, String fix) {
    try {
      setter.run();
    } catch (IllegalArgumentException | IllegalStateException e) {
      problem(property + ": " + e.getMessage(), fix);
    }
  }

  private void problem(String problem, String fix) {
    problems.add(problem);
    fixes.add(fix);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
