package io.tokenapi.sdk;

import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * What an {@link OAuthClient.Builder} collected: the settings, with their defaults, and nothing
 * that acts on them. The builder validates each value as it is set; {@link ClientCredentials},
 * {@link TokenHttpClient} and {@link ClientAssembly} read them once, when the client is built. A
 * leaf: it refers to no stage of the pipeline, so every stage may take its values.
 */
final class ClientSettings {
  static final String DEFAULT_TOKEN_PATH = "/v1/oauth/token";
  static final Duration DEFAULT_REFRESH_AHEAD = Duration.ofMinutes(5);
  static final Duration DEFAULT_EXPIRY_MARGIN = Duration.ofSeconds(30);
  static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofMinutes(5);
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_TOKEN_STORE_LOCK_TTL = Duration.ofSeconds(30);
  static final Duration DEFAULT_TOKEN_STORE_TIMEOUT = Duration.ofSeconds(2);
  static final long DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
  static final Duration DEFAULT_CLOSED_PROBE_INTERVAL = Duration.ofMinutes(5);
  static final Duration DEFAULT_MIN_REFRESH_INTERVAL = Duration.ofSeconds(1);

  HttpUrl baseUrl;
  String tokenPath = DEFAULT_TOKEN_PATH;
  String clientId;
  String clientSecret;
  ClientAuthentication clientAuthentication = ClientAuthentication.JSON_BODY;
  boolean clientAuthenticationSet;
  String scope;
  OkHttpClient httpClient;
  Clock clock = Clock.systemUTC();
  Duration refreshAhead = DEFAULT_REFRESH_AHEAD;
  Duration expiryMargin = DEFAULT_EXPIRY_MARGIN;
  Duration defaultTokenLifetime = DEFAULT_TOKEN_LIFETIME;
  RetryPolicy retryPolicy = RetryPolicy.defaults();
  WorkingHours workingHours;
  final List<OAuthClientListener> listeners = new ArrayList<>();
  boolean allowInsecureHttp;

  /** Null unless set: then the given OkHttp client's own, or the default. */
  Duration connectTimeout;

  /** Null unless set: then the given OkHttp client's own, or the default. */
  Duration readTimeout;

  /** Null unless set: then the given OkHttp client's own (when it has one), or the default. */
  Duration callTimeout;

  long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
  TokenStore tokenStore;
  Duration tokenStoreLockTtl = DEFAULT_TOKEN_STORE_LOCK_TTL;
  Duration tokenStoreTimeout = DEFAULT_TOKEN_STORE_TIMEOUT;
  Duration closedProbeInterval = DEFAULT_CLOSED_PROBE_INTERVAL;
  Duration minRefreshInterval = DEFAULT_MIN_REFRESH_INTERVAL;
  ScheduledExecutorService scheduler;
  DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
  PrivateKey privateKey;
  String keyId;
  JwtAssertionSigner.Algorithm jwtAlgorithm;
  Supplier<String> clientAssertion;
  boolean tlsClientAuth;
  String assertionAudience;
  Duration assertionLifetime;
  final List<Map.Entry<String, String>> tokenParameters = new ArrayList<>();

  /** The token endpoint: {@code tokenPath} below {@code baseUrl}, without query or fragment. */
  HttpUrl tokenUrl() {
    String base = baseUrl.encodedPath();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String path = tokenPath.startsWith("/") ? tokenPath : "/" + tokenPath;
    return baseUrl.newBuilder().encodedPath(base + path).query(null).fragment(null).build();
  }
}
