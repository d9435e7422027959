package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.sdk.WorkingHours;
import io.tokenapi.sdk.internal.AllowedHosts;
import io.tokenapi.sdk.internal.Keyring;
import io.tokenapi.sdk.internal.Loopback;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.HttpUrl;

/**
 * Builds every configured client from {@link TokenApiProperties}, checking all of them first so
 * that one startup failure lists every problem. Messages name properties, never a secret's value.
 */
final class OAuthClientsFactory {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

  private final List<String> problems = new ArrayList<>();
  private final List<String> fixes = new ArrayList<>();

  /** Null when Spring Data Redis or a {@code RedisConnectionFactory} is missing. */
  private final RedisTokenStores redisStores;

  private OAuthClientsFactory(RedisTokenStores redisStores) {
    this.redisStores = redisStores;
  }

  static OAuthClients create(
      TokenApiProperties properties,
      List<OAuthClientBuilderCustomizer> customizers,
      RedisTokenStores redisStores) {
    return new OAuthClientsFactory(redisStores).build(properties, customizers);
  }

  private OAuthClients build(
      TokenApiProperties properties, List<OAuthClientBuilderCustomizer> customizers) {
    Map<String, TokenApiProperties.Client> configured = new LinkedHashMap<>();
    Map<String, String> prefixes = new LinkedHashMap<>();
    if (properties.client() != null) {
      configured.put(TokenApiProperties.DEFAULT_CLIENT, properties.client());
      prefixes.put(TokenApiProperties.DEFAULT_CLIENT, "tokenapi.client");
    }
    for (Map.Entry<String, TokenApiProperties.Client> e : properties.clients().entrySet()) {
      String name = e.getKey();
      String prefix = "tokenapi.clients." + name;
      if (!NAME.matcher(name).matches()) {
        problem(
            prefix + ": \"" + name + "\" is not a usable client name",
            "name clients with lower-case letters, digits and dashes, for example"
                + " tokenapi.clients.payments.base-url");
        continue;
      }
      if (configured.containsKey(name)) {
        problem(
            prefix + ": the name \"" + name + "\" is taken by the tokenapi.client.* client",
            "rename tokenapi.clients." + name + ".*, or move tokenapi.client.* under a name");
        continue;
      }
      configured.put(name, e.getValue());
      prefixes.put(name, prefix);
    }

    Map<String, OAuthClient.Builder> builders = new LinkedHashMap<>();
    Map<String, List<String>> hosts = new LinkedHashMap<>();
    Map<String, String> hostOwners = new LinkedHashMap<>();
    for (Map.Entry<String, TokenApiProperties.Client> e : configured.entrySet()) {
      String name = e.getKey();
      String prefix = prefixes.get(name);
      OAuthClient.Builder builder = builder(prefix, e.getValue());
      List<String> allowed = allowedHosts(prefix, e.getValue().allowedHosts());
      for (String host : allowed) {
        String owner = hostOwners.putIfAbsent(host, name);
        if (owner != null) {
          problem(
              prefix
                  + ".allowed-hosts: "
                  + host
                  + " is also allowed for the client \""
                  + owner
                  + "\", and a request can carry one client's token",
              "allow each host for one client only; to use several clients on one host, leave"
                  + " their allowed-hosts empty and add a BearerTokenClientHttpRequestInterceptor"
                  + " to each RestClient yourself");
        }
      }
      builders.put(name, builder);
      hosts.put(name, allowed);
    }
    if (!problems.isEmpty()) {
      throw new TokenApiConfigurationException(problems, fixes);
    }

    Map<String, OAuthClient> clients = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, OAuthClient.Builder> e : builders.entrySet()) {
        for (OAuthClientBuilderCustomizer customizer : customizers) {
          customizer.customize(e.getKey(), e.getValue());
        }
        try {
          clients.put(e.getKey(), e.getValue().build());
        } catch (IllegalStateException | IllegalArgumentException | ArithmeticException ex) {
          // Checked above; what is left comes from a customizer's settings.
          problem(
              prefixes.get(e.getKey()) + ": " + ex.getMessage(),
              "check the OAuthClientBuilderCustomizer beans and the "
                  + prefixes.get(e.getKey())
                  + ".* properties");
        }
      }
      if (!problems.isEmpty()) {
        throw new TokenApiConfigurationException(problems, fixes);
      }
    } catch (RuntimeException e) {
      clients.values().forEach(OAuthClient::close);
      throw e;
    }
    return new OAuthClients(clients, hosts);
  }

  private OAuthClient.Builder builder(String prefix, TokenApiProperties.Client c) {
    OAuthClient.Builder b = OAuthClient.builder();
    if (isBlank(c.baseUrl())) {
      problem(
          prefix + ".base-url is not set",
          "set " + prefix + ".base-url to the provider's URL, for example https://api.example.com");
    } else {
      HttpUrl url = HttpUrl.parse(c.baseUrl().trim());
      if (url == null) {
        problem(
            prefix
                + ".base-url is not an http(s) URL: "
                + TokenApiConfigurationException.quotedUrl(c.baseUrl()),
            "set "
                + prefix
                + ".base-url to the provider's URL, for example https://api.example.com");
      } else if (!url.isHttps() && !Loopback.isLoopback(url.host())) {
        problem(
            prefix
                + ".base-url uses http:// to "
                + url.host()
                + ": the client secret would travel"
                + " in clear text",
            "use https:// in " + prefix + ".base-url");
      } else {
        set(prefix + ".base-url", () -> b.baseUrl(url), "fix " + prefix + ".base-url");
      }
    }
    set(
        prefix + ".token-path",
        () -> b.tokenPath(c.tokenPath()),
        "set " + prefix + ".token-path to a path such as " + OAuthClient.DEFAULT_TOKEN_PATH);
    if (isBlank(c.clientId())) {
      problem(
          prefix + ".client-id is not set",
          "set " + prefix + ".client-id to the client id the provider gave you");
    } else {
      b.clientId(c.clientId());
    }
    if (isBlank(c.clientSecret())) {
      problem(
          prefix + ".client-secret is not set",
          "set "
              + prefix
              + ".client-secret from a secret store or an environment variable (for example "
              + envName(prefix + ".client-secret")
              + "); never commit it");
    } else {
      // Our own message: a setter's could in principle echo its argument.
      b.clientSecret(c.clientSecret());
    }
    if (c.clientAuthentication() != null) {
      b.clientAuthentication(c.clientAuthentication());
    }
    if (c.scope() != null) {
      set(prefix + ".scope", () -> b.scope(c.scope()), "set " + prefix + ".scope or remove it");
    }
    duration(prefix + ".refresh-ahead", c.refreshAhead(), () -> b.refreshAhead(c.refreshAhead()));
    duration(prefix + ".expiry-margin", c.expiryMargin(), () -> b.expiryMargin(c.expiryMargin()));
    duration(
        prefix + ".default-token-lifetime",
        c.defaultTokenLifetime(),
        () -> b.defaultTokenLifetime(c.defaultTokenLifetime()));
    socketTimeout(
        prefix + ".connect-timeout",
        c.connectTimeout(),
        () -> b.connectTimeout(c.connectTimeout()));
    socketTimeout(prefix + ".read-timeout", c.readTimeout(), () -> b.readTimeout(c.readTimeout()));
    duration(prefix + ".call-timeout", c.callTimeout(), () -> b.callTimeout(c.callTimeout()));
    if (c.retry() != null) {
      RetryPolicy.Builder retry = RetryPolicy.builder();
      TokenApiProperties.Retry r = c.retry();
      String p = prefix + ".retry";
      set(
          p + ".max-attempts",
          () -> retry.maxAttempts(r.maxAttempts()),
          "set " + p + ".max-attempts to 1 (no retry) or more");
      duration(
          p + ".initial-backoff",
          r.initialBackoff(),
          () -> retry.initialBackoff(r.initialBackoff()));
      duration(p + ".max-backoff", r.maxBackoff(), () -> retry.maxBackoff(r.maxBackoff()));
      duration(p + ".max-wait", r.maxWait(), () -> retry.maxWait(r.maxWait()));
      set(p, () -> b.retryPolicy(retry.build()), "fix the " + p + ".* properties");
    }
    if (c.workingHours() != null) {
      workingHours(prefix + ".working-hours", c.workingHours(), b);
    }
    if (c.tokenStore() == TokenApiProperties.TokenStoreType.REDIS) {
      redisStore(prefix, c, b);
    }
    return b;
  }

  private void redisStore(String prefix, TokenApiProperties.Client c, OAuthClient.Builder b) {
    if (redisStores == null) {
      problem(
          prefix + ".token-store=redis, but the application has no Spring Data Redis connection",
          "add spring-boot-starter-data-redis and its spring.data.redis.* settings, or set "
              + prefix
              + ".token-store=none");
      return;
    }
    Keyring.Builder keys = Keyring.builder();
    String encryption = prefix + ".token-store-encryption-key";
    SecretKey key = aesKey(encryption, c.tokenStoreEncryptionKey());
    if (isBlank(c.tokenStoreEncryptionKey())) {
      problem(
          encryption + " is not set (token-store=redis encrypts the shared tokens)",
          "set "
              + encryption
              + " to a base64 AES key (for example from openssl rand -base64 32), the same on"
              + " every instance, from a secret store or the environment variable "
              + envName(encryption));
    } else if (key != null) {
      set(
          prefix + ".token-store-key-id",
          () -> {
            if (c.tokenStoreKeyId() == null) {
              keys.encryptionKey(key);
            } else {
              keys.encryptionKey(c.tokenStoreKeyId(), key);
            }
          },
          "set " + prefix + ".token-store-key-id to 1 to 64 of A-Z a-z 0-9 . _ : -");
    }
    for (Map.Entry<String, String> e : c.tokenStoreDecryptionKeys().entrySet()) {
      String property = prefix + ".token-store-decryption-keys." + e.getKey();
      SecretKey old = aesKey(property, e.getValue());
      if (old != null) {
        set(
            property,
            () -> keys.decryptionKey(e.getKey(), old),
            "give each decryption key its own id, other than the encryption key's");
      }
    }
    duration(
        prefix + ".token-store-timeout",
        c.tokenStoreTimeout(),
        () -> b.tokenStoreTimeout(c.tokenStoreTimeout()));
    if (problems.isEmpty()) {
      set(
          prefix + ".token-store",
          () -> b.tokenStore(redisStores.create(keys.build())),
          "check the " + prefix + ".token-store-* properties");
    }
  }

  /** The AES key in {@code base64}, or null after recording a problem; never echoes the value. */
  private SecretKey aesKey(String property, String base64) {
    if (isBlank(base64)) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      problem(property + " is not base64", "set " + property + " to a base64 AES key");
      return null;
    }
    if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
      problem(
          property + " is " + bytes.length + " bytes long, not an AES key (16, 24 or 32 bytes)",
          "set " + property + " to a base64 AES key, for example from openssl rand -base64 32");
      return null;
    }
    return new SecretKeySpec(bytes, "AES");
  }

  private void workingHours(String p, TokenApiProperties.WorkingHours w, OAuthClient.Builder b) {
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

  private List<String> allowedHosts(String prefix, List<String> configured) {
    Set<String> hosts = new LinkedHashSet<>();
    for (String host : configured) {
      try {
        hosts.add(AllowedHosts.canonical(host));
      } catch (IllegalArgumentException e) {
        problem(
            prefix + ".allowed-hosts: " + e.getMessage(),
            "list host names only in " + prefix + ".allowed-hosts, for example api.example.com");
      }
    }
    return List.copyOf(hosts);
  }

  private void duration(String property, Runnable setter) {
    set(property, setter, "set " + property + " to a positive duration such as 30s or 5m");
  }

  /** As {@link #duration(String, Runnable)}, refusing what the SDK would overflow on. */
  private void duration(String property, java.time.Duration value, Runnable setter) {
    limited(property, value, DurationLimits.MAX, setter);
  }

  private void socketTimeout(String property, java.time.Duration value, Runnable setter) {
    limited(property, value, DurationLimits.MAX_SOCKET_TIMEOUT, setter);
  }

  private void limited(
      String property, java.time.Duration value, java.time.Duration max, Runnable setter) {
    String tooLong = DurationLimits.tooLong(property, value, max);
    if (tooLong != null) {
      problem(tooLong, "set " + property + " to a positive duration such as 30s or 5m");
      return;
    }
    duration(property, setter);
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

  /** The environment variable Boot maps to {@code property}. */
  static String envName(String property) {
    return property.replace("-", "").replace('.', '_').toUpperCase(java.util.Locale.ROOT);
  }
}
