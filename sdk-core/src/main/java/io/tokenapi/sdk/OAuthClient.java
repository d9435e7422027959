package io.tokenapi.sdk;

import io.tokenapi.sdk.internal.Loopback;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Gets OAuth 2.0 access tokens from the provider's token endpoint and keeps them cached until they
 * expire. Thread-safe: share one client per set of credentials.
 *
 * <pre>{@code
 * try (OAuthClient client = OAuthClient.builder()
 *     .baseUrl("https://api.example.com")
 *     .clientId("my-id")
 *     .clientSecret("my-secret")
 *     .build()) {
 *   AccessToken token = client.getToken();
 * }
 * }</pre>
 *
 * <p>A cached token is <em>fresh</em> until {@code refreshAhead} before it expires, then
 * <em>stale</em>: callers still get it at once while one background refresh runs. Within {@code
 * expiryMargin} of expiry it is <em>expired</em>: callers wait for the one refresh in flight.
 * Failed requests are retried per {@link RetryPolicy}.
 */
public final class OAuthClient implements AutoCloseable {
  /** Default token path: {@value}. */
  public static final String DEFAULT_TOKEN_PATH = ClientSettings.DEFAULT_TOKEN_PATH;

  /**
   * Default refresh-ahead window: 5 minutes, shrunk to half the lifetime for short-lived tokens.
   */
  public static final Duration DEFAULT_REFRESH_AHEAD = ClientSettings.DEFAULT_REFRESH_AHEAD;

  /**
   * Default expiry margin: 30 seconds, shrunk to a tenth of the lifetime for short-lived tokens.
   */
  public static final Duration DEFAULT_EXPIRY_MARGIN = ClientSettings.DEFAULT_EXPIRY_MARGIN;

  /** Default lifetime of a token whose response names no expiry: 5 minutes. */
  public static final Duration DEFAULT_TOKEN_LIFETIME = ClientSettings.DEFAULT_TOKEN_LIFETIME;

  /** Default connect timeout of the token request: 10 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = ClientSettings.DEFAULT_CONNECT_TIMEOUT;

  /** Default read timeout of the token request: 10 seconds. */
  public static final Duration DEFAULT_READ_TIMEOUT = ClientSettings.DEFAULT_READ_TIMEOUT;

  /** Default bound on one token request attempt, body included: 30 seconds. */
  public static final Duration DEFAULT_CALL_TIMEOUT = ClientSettings.DEFAULT_CALL_TIMEOUT;

  /** Default time to live of a {@link TokenStore} refresh lock: 30 seconds. */
  public static final Duration DEFAULT_TOKEN_STORE_LOCK_TTL =
      ClientSettings.DEFAULT_TOKEN_STORE_LOCK_TTL;

  /**
   * Default bound on one {@link TokenStore} call, after which the client fetches on its own: 2
   * seconds.
   */
  public static final Duration DEFAULT_TOKEN_STORE_TIMEOUT =
      ClientSettings.DEFAULT_TOKEN_STORE_TIMEOUT;

  /** Default bound on a response body, after decompression: {@value} bytes. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = ClientSettings.DEFAULT_MAX_RESPONSE_BYTES;

  /** Default interval between probes while the provider said it is closed: 5 minutes. */
  public static final Duration DEFAULT_CLOSED_PROBE_INTERVAL =
      ClientSettings.DEFAULT_CLOSED_PROBE_INTERVAL;

  /** Default least time between two token requests after a token arrived expired: 1 second. */
  public static final Duration DEFAULT_MIN_REFRESH_INTERVAL =
      ClientSettings.DEFAULT_MIN_REFRESH_INTERVAL;

  /** The pipeline this client's methods call into; it also takes the pipeline down. */
  private final ClientAssembly pipeline;

  /** The top of the pipeline. */
  private final TokenCache cache;

  /** The cache's clock, read by {@link #getToken()} before it touches the cache. */
  private final Clock clock;

  private OAuthClient(ClientSettings settings, ClientCredential credential) {
    this.pipeline = ClientAssembly.assemble(settings, credential);
    this.cache = pipeline.cache();
    this.clock = settings.clock;
  }

  /**
   * A builder for a client. {@code baseUrl}, {@code clientId} and one credential ({@code
   * clientSecret}, {@code privateKeyJwt}, {@code clientAssertion} or {@code tlsClientAuth}) are
   * required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The cached token while it is fresh; otherwise one request for all concurrent callers. A stale
   * token is returned at once while a background refresh runs. Blocks only when there is no usable
   * token, at most for the retry policy's {@code maxWait} plus one request. A caller that starts
   * the refresh sends the first attempt itself, on its own thread; an interrupt still ends its wait
   * at once. With a {@link Builder#tokenStore TokenStore}, the one request may be another
   * instance's: the caller waits for that instance's fetch (which has the same bound, and started
   * earlier) while reading the store; only if the holder's lock is still held after {@code maxWait}
   * (or the call timeout under {@link RetryPolicy#none()}) does it fetch on its own, so the worst
   * case is twice the bound. A store that fails or hangs costs at most {@code tokenStoreTimeout}
   * before the caller fetches on its own.
   *
   * @return a token that is valid now
   * @throws OAuthException (a subclass) when no token could be obtained, or when the calling thread
   *     is interrupted while waiting (the interrupt flag is restored)
   * @throws IllegalStateException if the client is closed
   */
  public AccessToken getToken() {
    // The clock before the cache: see TokenCache.get(long).
    return cache.get(clock.millis());
  }

  /**
   * Like {@link #getToken()} without ever blocking the caller: retry waits are scheduled, not
   * slept, and nothing of the caller's (listeners, an assertion supplier) runs on the calling
   * thread. Cancelling the returned future does not cancel the refresh for other callers.
   *
   * @return a future of a token that is valid now; it fails with an {@link OAuthException}
   * @throws IllegalStateException if the client is closed
   */
  public CompletableFuture<AccessToken> getTokenAsync() {
    return cache.getAsync();
  }

  /**
   * A new token from the server now, retried per policy; joins a refresh already in flight instead
   * of starting a second one. The new token replaces the cached one.
   *
   * @return the new token
   * @throws OAuthException (a subclass) when no token could be obtained, or on interrupt (flag
   *     restored)
   * @throws IllegalStateException if the client is closed
   */
  public AccessToken refresh() {
    return Futures.await(cache.refresh(true));
  }

  /** For tests: whether a blocking caller that starts a refresh makes its first attempt itself. */
  boolean makesFirstAttemptOnCallerThread() {
    return pipeline.firstAttemptOnCallerThread();
  }

  /** For tests: the cached token, fresh or not, or null; never a request. */
  AccessToken cachedToken() {
    return cache.peek();
  }

  /**
   * A snapshot of the client's token state for health checks: cheap, lock-free and never a request.
   * The state is judged by the client's clock at the call: {@link TokenStatus.State#FRESH} or
   * {@link TokenStatus.State#STALE} while a usable token is cached; else {@link
   * TokenStatus.State#CLOSED_UNTIL} when the last refresh failed with a 503 that said when the
   * provider reopens, {@link TokenStatus.State#FAILING} when it failed otherwise, and {@link
   * TokenStatus.State#EXPIRED} when no token was fetched yet or the cached one expired or was
   * invalidated.
   *
   * @return the state now; after {@link #close()}, {@link TokenStatus.State#EXPIRED}
   */
  public TokenStatus status() {
    return cache.status();
  }

  /** Forgets the cached token: the next {@link #getToken()} fetches a new one. */
  public void invalidate() {
    cache.invalidate();
  }

  /**
   * Forgets the cached token only if it is still {@code rejected}, typically after a resource
   * server answered 401 for it. A burst of 401s for the same old token so causes one refresh, not
   * one per request.
   *
   * <p>Renewals after a rejection are rate-limited: when the token that replaced a rejected one is
   * rejected in turn within 30 seconds, by the client's clock, while it is still valid, the
   * resource server is taken to reject every token (a wrong audience, scope or clock), and the
   * token is kept until those 30 seconds have passed: each rejected token causes at most one
   * renewal, and such renewals happen at most once per 30 seconds. One WARN tells when this starts.
   *
   * @param rejected the token the resource server rejected
   * @throws IllegalArgumentException if {@code rejected} is null
   */
  public void invalidate(AccessToken rejected) {
    if (rejected == null) {
      throw new IllegalArgumentException("rejected == null");
    }
    cache.invalidate(rejected);
  }

  /**
   * Releases the client's own threads and cancels a refresh in flight; waiting callers get an
   * exception. A caller's {@link OkHttpClient} passed to {@link Builder#httpClient(OkHttpClient)}
   * is left alone. Idempotent.
   */
  @Override
  public void close() {
    pipeline.close();
  }

  /**
   * Describes the client by token URL, client id and authentication mode; never the secret.
   *
   * @return a description that is safe to log
   */
  @Override
  public String toString() {
    return pipeline.describe();
  }

  /**
   * Builds an {@link OAuthClient}. Every setter rejects null with an {@link
   * IllegalArgumentException} naming the argument. Not thread-safe.
   */
  public static final class Builder {
    /** What the setters collected; read once by {@link #build()}. */
    private final ClientSettings s = new ClientSettings();

    private Builder() {}

    /**
     * The provider's base URL, for example {@code "https://api.example.com"}. Required.
     *
     * @param baseUrl an {@code http} or {@code https} URL without user info
     * @return this builder
     * @throws IllegalArgumentException if null or not such a URL
     */
    public Builder baseUrl(String baseUrl) {
      if (baseUrl == null) {
        throw new IllegalArgumentException("baseUrl == null");
      }
      HttpUrl parsed = HttpUrl.parse(baseUrl.trim());
      if (parsed == null) {
        throw new IllegalArgumentException(
            "baseUrl is not an http or https URL: expected something like \"https://api.example.com\"");
      }
      return baseUrl(parsed);
    }

    /**
     * The provider's base URL. Required.
     *
     * @param baseUrl an {@code http} or {@code https} URL without user info
     * @return this builder
     * @throws IllegalArgumentException if null or carrying user info
     */
    public Builder baseUrl(HttpUrl baseUrl) {
      if (baseUrl == null) {
        throw new IllegalArgumentException("baseUrl == null");
      }
      if (!baseUrl.username().isEmpty() || !baseUrl.password().isEmpty()) {
        throw new IllegalArgumentException(
            "baseUrl carries user info: pass credentials with clientId(...) and clientSecret(...) instead");
      }
      s.baseUrl = baseUrl;
      return this;
    }

    /**
     * The token endpoint's path below {@code baseUrl}. Default {@value
     * OAuthClient#DEFAULT_TOKEN_PATH}.
     *
     * @param tokenPath a path such as {@code "/oauth2/token"}, without query or fragment
     * @return this builder
     * @throws IllegalArgumentException if null, blank, or containing {@code ?} or {@code #}
     */
    public Builder tokenPath(String tokenPath) {
      if (tokenPath == null) {
        throw new IllegalArgumentException("tokenPath == null");
      }
      if (tokenPath.isBlank() || tokenPath.contains("?") || tokenPath.contains("#")) {
        throw new IllegalArgumentException(
            "tokenPath must be a plain path such as \"/v1/oauth/token\", without query or fragment");
      }
      s.tokenPath = tokenPath.trim();
      return this;
    }

    /**
     * The client id. Required.
     *
     * @param clientId not blank
     * @return this builder
     * @throws IllegalArgumentException if null or blank
     */
    public Builder clientId(String clientId) {
      s.clientId = nonBlank(clientId, "clientId");
      return this;
    }

    /**
     * The client secret: the provider's credential. A client has exactly one credential: this, or
     * {@link #privateKeyJwt(PrivateKey, String)}, {@link #clientAssertion(Supplier)} or {@link
     * #tlsClientAuth()}. It is sent only to the token endpoint and never appears in {@code
     * toString()}, messages or logs.
     *
     * @param clientSecret not blank
     * @return this builder
     * @throws IllegalArgumentException if null or blank
     */
    public Builder clientSecret(String clientSecret) {
      s.clientSecret = nonBlank(clientSecret, "clientSecret");
      return this;
    }

    /**
     * How the id and secret are sent. Default {@link ClientAuthentication#JSON_BODY}, the
     * provider's format. Applies to {@link #clientSecret(String)} only: the other credentials
     * always send an RFC 6749 form.
     *
     * @param clientAuthentication the mode
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder clientAuthentication(ClientAuthentication clientAuthentication) {
      s.clientAuthentication = nonNull(clientAuthentication, "clientAuthentication");
      s.clientAuthenticationSet = true;
      return this;
    }

    /**
     * Authenticates with {@code private_key_jwt} (RFC 7523): each token request, retries included,
     * carries a new JWT signed with {@code key}, in a form body with {@code client_id}, {@code
     * client_assertion_type} ({@code urn:ietf:params:oauth:client-assertion-type:jwt-bearer}) and
     * {@code client_assertion}. The algorithm follows the key: RS256 for RSA keys (at least 2048
     * bits), ES256 for EC P-256 and ES384 for EC P-384 keys. The JWT's header names {@code kid};
     * its claims are {@code iss} = {@code sub} = the client id, {@code aud} (the token endpoint
     * URL, see {@link #assertionAudience(String)}), a random {@code jti}, {@code iat} and {@code
     * exp} ({@link #assertionLifetime(Duration)} ahead, default 60 seconds). The key never appears
     * in {@code toString()}, messages or logs.
     *
     * @param key the client's private key, RSA or EC; it is checked by {@link #build()}
     * @param keyId the key id ({@code kid}) under which the server knows the public key
     * @return this builder
     * @throws IllegalArgumentException if {@code key} is null, or {@code keyId} is null or blank
     */
    public Builder privateKeyJwt(PrivateKey key, String keyId) {
      s.privateKey = nonNull(key, "key");
      s.keyId = nonBlank(keyId, "keyId");
      s.jwtAlgorithm = null;
      return this;
    }

    /**
     * Like {@link #privateKeyJwt(PrivateKey, String)} with an explicit JWS algorithm: {@code
     * "RS256"} or {@code "PS256"} for an RSA key, {@code "ES256"} for EC P-256, {@code "ES384"} for
     * EC P-384.
     *
     * @param key the client's private key; it is checked against the algorithm by {@link #build()}
     * @param keyId the key id ({@code kid})
     * @param algorithm {@code RS256}, {@code PS256}, {@code ES256} or {@code ES384}
     * @return this builder
     * @throws IllegalArgumentException if an argument is null, {@code keyId} is blank, or the
     *     algorithm is none of those
     */
    public Builder privateKeyJwt(PrivateKey key, String keyId, String algorithm) {
      JwtAssertionSigner.Algorithm named =
          JwtAssertionSigner.Algorithm.named(nonNull(algorithm, "algorithm"));
      if (named == null) {
        throw new IllegalArgumentException(
            "algorithm must be RS256, PS256, ES256 or ES384, not \"" + algorithm + "\"");
      }
      privateKeyJwt(key, keyId);
      s.jwtAlgorithm = named;
      return this;
    }

    /**
     * The {@code aud} claim of {@link #privateKeyJwt(PrivateKey, String)} assertions. Default: the
     * token endpoint's URL, which RFC 7523 servers accept; some want their issuer identifier
     * instead.
     *
     * @param audience the audience, for example {@code "https://auth.example.com"}
     * @return this builder
     * @throws IllegalArgumentException if null or blank
     */
    public Builder assertionAudience(String audience) {
      s.assertionAudience = nonBlank(audience, "audience").trim();
      return this;
    }

    /**
     * How long a {@link #privateKeyJwt(PrivateKey, String)} assertion is valid: its {@code exp} is
     * this far after {@code iat}. Default 60 seconds; at most 5 minutes, since a short-lived
     * assertion limits the harm of a leaked one.
     *
     * @param lifetime positive, at most 5 minutes, whole seconds
     * @return this builder
     * @throws IllegalArgumentException if null, not positive, or longer than 5 minutes
     */
    public Builder assertionLifetime(Duration lifetime) {
      positive(lifetime, "assertionLifetime");
      if (lifetime.compareTo(JwtAssertionSigner.MAX_LIFETIME) > 0
          || lifetime.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(
            "assertionLifetime must be between 1 second and 5 minutes: " + lifetime);
      }
      s.assertionLifetime = lifetime;
      return this;
    }

    /**
     * Authenticates with an assertion issued by someone else, such as a workload identity token:
     * {@code assertions} is called for every token request, retries included, and its result sent
     * as {@code client_assertion} with {@code client_id} and {@code client_assertion_type} {@code
     * urn:ietf:params:oauth:client-assertion-type:jwt-bearer} in a form body. Use {@link
     * ClientAssertions#fromFile(Path)} for a file the platform rotates. When the supplier throws or
     * returns null, blank or more than {@link ClientAssertions#MAX_ASSERTION_BYTES} characters,
     * that token request fails with an {@link OAuthException} (not retried) whose cause is a copy
     * of what it threw without the message (type and stack trace only). Assertions never appear in
     * {@code toString()}, messages or logs.
     *
     * <p>The supplier runs on the client's own thread ({@code tokenapi-assertion-N}), never the
     * caller's, one call at a time. A call that takes longer than the attempt's time ({@link
     * #callTimeout(Duration)}, cut to what the retry policy's {@code maxWait} leaves) fails that
     * attempt with an {@link OAuthException} naming the supplier; the call itself goes on, and a
     * later attempt waits for it rather than starting a second one. {@link OAuthClient#close()}
     * interrupts it.
     *
     * @param assertions the source of assertions; called from the client's own thread
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder clientAssertion(Supplier<String> assertions) {
      s.clientAssertion = nonNull(assertions, "assertions");
      return this;
    }

    /**
     * Authenticates with a TLS client certificate (RFC 8705 {@code tls_client_auth}): the form body
     * carries {@code client_id} and no secret, and the certificate comes from the TLS settings of
     * {@link #httpClient(OkHttpClient)} (its {@code SSLSocketFactory}'s key manager). {@link
     * #build()} fails when no {@code httpClient(...)} is given or {@code baseUrl} is not {@code
     * https://}: without either there is no client certificate to present.
     *
     * @return this builder
     */
    public Builder tlsClientAuth() {
      s.tlsClientAuth = true;
      return this;
    }

    /**
     * An extra parameter on every token request, for example {@code tokenParameter("audience",
     * "https://api.example.com")} (Auth0) or {@code tokenParameter("resource", ...)} (RFC 8707).
     * Repeatable, also with the same name; sent in the order given, after the SDK's own fields (in
     * the JSON body of {@link ClientAuthentication#JSON_BODY}, a repeated name as an array). The
     * SDK's own names ({@code grant_type}, {@code client_id}, {@code client_secret}, {@code
     * client_assertion*}, {@code scope}) are refused in any letter case, since many servers read
     * form fields case-insensitively. Clients that differ in their parameters never share a token
     * through a {@link TokenStore}.
     *
     * @param name the parameter name, not blank
     * @param value the value, not null
     * @return this builder
     * @throws IllegalArgumentException if {@code name} is null or blank or one of the SDK's own
     *     names in any case (the message names the setter to use instead), or {@code value} is null
     */
    public Builder tokenParameter(String name, String value) {
      String trimmed = nonBlank(name, "name").trim();
      ReservedParameters.check(trimmed);
      s.tokenParameters.add(
          new AbstractMap.SimpleImmutableEntry<>(trimmed, nonNull(value, "value")));
      return this;
    }

    /**
     * The scope to request. Default none.
     *
     * @param scope space-separated scope values, not blank
     * @return this builder
     * @throws IllegalArgumentException if null or blank
     */
    public Builder scope(String scope) {
      s.scope = nonBlank(scope, "scope");
      return this;
    }

    /**
     * The OkHttp client to share connection pool and settings with. Default: a new client owned by
     * this one. The given client is not changed: the SDK derives its own with {@code newBuilder()},
     * and {@link OAuthClient#close()} leaves it alone.
     *
     * <p>The token request carries exactly what the SDK puts on it. Kept from the given client:
     * connection pool, proxy, proxy selector and proxy authenticator, TLS settings (SSL socket
     * factory, trust manager, hostname verifier, certificate pinner, connection specs, protocols),
     * socket factory, DNS, event listeners and ping interval; its connect and read timeouts unless
     * set on this builder (a missing call timeout becomes {@link
     * OAuthClient#DEFAULT_CALL_TIMEOUT}). Not used for the token request: its interceptors and
     * network interceptors (a body logger never sees the secret), its {@link okhttp3.Authenticator}
     * (a 401 from the token endpoint is an {@link ApiException}, never answered with the caller's
     * credentials), its cookie jar (no cookies sent or stored), its cache, its redirect setting
     * (redirects are never followed), its silent retries and its dispatcher.
     *
     * @param httpClient the client
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder httpClient(OkHttpClient httpClient) {
      s.httpClient = nonNull(httpClient, "httpClient");
      return this;
    }

    /**
     * The clock that decides expiry and retry times. Default {@link Clock#systemUTC()}.
     *
     * <p>Precondition: the clock is trusted like the JDK's: {@code millis()} and {@code instant()}
     * return at once and never block or throw. The client reads it on every call, the cache-hit
     * path included, on the caller's thread, so it is not run under a time bound; a clock that
     * blocks blocks the caller, and what it throws reaches the caller.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder clock(Clock clock) {
      s.clock = nonNull(clock, "clock");
      return this;
    }

    /**
     * How long before expiry a token becomes stale and is refreshed in the background while still
     * served. Default 5 minutes; at most half the token's lifetime is used.
     *
     * @param refreshAhead zero or positive
     * @return this builder
     * @throws IllegalArgumentException if null, negative or over 100 years
     */
    public Builder refreshAhead(Duration refreshAhead) {
      s.refreshAhead = nonNegative(refreshAhead, "refreshAhead");
      return this;
    }

    /**
     * How long before expiry a token is no longer handed out: callers wait for the refresh instead.
     * Default 30 seconds; at most a tenth of the token's lifetime is used.
     *
     * @param expiryMargin zero or positive
     * @return this builder
     * @throws IllegalArgumentException if null, negative or over 100 years
     */
    public Builder expiryMargin(Duration expiryMargin) {
      s.expiryMargin = nonNegative(expiryMargin, "expiryMargin");
      return this;
    }

    /**
     * How long a token lives when its response names no {@code expires_in}. Default 5 minutes.
     *
     * @param defaultTokenLifetime positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero, negative or over 100 years
     */
    public Builder defaultTokenLifetime(Duration defaultTokenLifetime) {
      s.defaultTokenLifetime = positive(defaultTokenLifetime, "defaultTokenLifetime");
      return this;
    }

    /**
     * How failed requests are retried. Default {@link RetryPolicy#defaults()}.
     *
     * @param retryPolicy the policy; {@link RetryPolicy#none()} disables retries
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      s.retryPolicy = nonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /**
     * The provider's working hours: a 503 without {@code Retry-After} outside them waits for the
     * next opening (within the retry policy's {@code maxWait}). Default none.
     *
     * @param workingHours the schedule
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder workingHours(WorkingHours workingHours) {
      s.workingHours = nonNull(workingHours, "workingHours");
      return this;
    }

    /**
     * Adds a listener for the client's events (fetches, attempts, retries, tokens obtained, state
     * changes, store steps). May be called several times: every listener gets every event, in the
     * order they were added. A listener that throws is skipped and logged (at most one WARN a
     * minute per client); it never breaks a call or the other listeners. Default none.
     *
     * @param listener the listener
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder listener(OAuthClientListener listener) {
      s.listeners.add(nonNull(listener, "listener"));
      return this;
    }

    /**
     * Allows {@code http://} to a host that is not loopback. Default off: the secret and tokens
     * would cross the network in clear text. Loopback hosts are always allowed.
     *
     * @return this builder
     */
    public Builder allowInsecureHttp() {
      s.allowInsecureHttp = true;
      return this;
    }

    /**
     * Connect timeout of the token request. Default 10 seconds (or the given OkHttp client's).
     *
     * @param connectTimeout positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero, negative or over 24 days
     */
    public Builder connectTimeout(Duration connectTimeout) {
      s.connectTimeout = okHttpTimeout(connectTimeout, "connectTimeout");
      return this;
    }

    /**
     * Read timeout of the token request: the longest silence while waiting for headers or body.
     * Default 10 seconds (or the given OkHttp client's).
     *
     * @param readTimeout positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero, negative or over 24 days
     */
    public Builder readTimeout(Duration readTimeout) {
      s.readTimeout = okHttpTimeout(readTimeout, "readTimeout");
      return this;
    }

    /**
     * Bound on one request attempt from connect to the last body byte. Default 30 seconds (or the
     * given OkHttp client's, when it has one). Each attempt is also cut short where it would pass
     * the retry policy's {@code maxWait}.
     *
     * @param callTimeout positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero, negative or over 100 years
     */
    public Builder callTimeout(Duration callTimeout) {
      s.callTimeout = positive(callTimeout, "callTimeout");
      return this;
    }

    /**
     * Bound on a response body, counted after decompression; a larger success body is an {@link
     * InvalidResponseException}. Default {@value OAuthClient#DEFAULT_MAX_RESPONSE_BYTES} bytes.
     *
     * @param maxResponseBytes at least 1024
     * @return this builder
     * @throws IllegalArgumentException if less than 1024
     */
    public Builder maxResponseBytes(long maxResponseBytes) {
      if (maxResponseBytes < 1024) {
        throw new IllegalArgumentException("maxResponseBytes < 1024: " + maxResponseBytes);
      }
      s.maxResponseBytes = maxResponseBytes;
      return this;
    }

    /**
     * Shares tokens with other clients through {@code tokenStore}, so a fleet makes one token
     * request per token lifetime. Default none: the client's own in-memory cache only. When the
     * store fails, the client logs a WARN and fetches on its own until the store answers again.
     *
     * @param tokenStore the shared store, for example {@code RedisTokenStore} or {@link
     *     InMemoryTokenStore}
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder tokenStore(TokenStore tokenStore) {
      s.tokenStore = nonNull(tokenStore, "tokenStore");
      return this;
    }

    /**
     * How long a {@link TokenStore} refresh lock holds when its holder dies; others take over after
     * it. Default 30 seconds. A live holder renews its lock every third of this while its token
     * request runs, so the TTL needs no room for a slow provider: it only bounds how long the fleet
     * waits for a holder that died (killed, or paused past it).
     *
     * @param lockTtl positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero, negative or over 100 years
     */
    public Builder tokenStoreLockTtl(Duration lockTtl) {
      s.tokenStoreLockTtl = positive(lockTtl, "tokenStoreLockTtl");
      return this;
    }

    /**
     * Bound on each {@link TokenStore} step (a read and a lock attempt, a save, an unlock), after
     * which the client treats the store as failed: one WARN, and it fetches on its own. Default
     * {@link OAuthClient#DEFAULT_TOKEN_STORE_TIMEOUT} (2 seconds). It holds even when the store's
     * own client would wait forever (a thread stuck in such a call is left to it).
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero, negative or over 100 years
     */
    public Builder tokenStoreTimeout(Duration timeout) {
      s.tokenStoreTimeout = positive(timeout, "tokenStoreTimeout");
      return this;
    }

    /**
     * While the provider has said it is closed ({@code 503} with {@code Retry-After}, or outside
     * the {@link #workingHours(WorkingHours) working hours}), callers get that failure without a
     * request, except for one probe per this interval; a probe that gets a token ends the closed
     * window early. So a load balancer's {@code Retry-After: 86400} during a short deploy does not
     * lock the client out for a day, nor stop the refresh of a still-valid token. Default 5
     * minutes.
     *
     * @param closedProbeInterval positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero, negative or over 100 years
     */
    public Builder closedProbeInterval(Duration closedProbeInterval) {
      s.closedProbeInterval = positive(closedProbeInterval, "closedProbeInterval");
      return this;
    }

    /**
     * When the provider issues tokens that arrive already (nearly) expired, such as {@code
     * expires_in: 0}, the callers that waited get them, but the next token request waits until this
     * long after the previous one started, and one WARN names the lifetime. Default 1 second.
     *
     * @param minRefreshInterval positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero, negative or over 100 years
     */
    public Builder minRefreshInterval(Duration minRefreshInterval) {
      s.minRefreshInterval = positive(minRefreshInterval, "minRefreshInterval");
      return this;
    }

    /** For tests: the scheduler that runs retry waits; the client does not shut it down. */
    Builder scheduler(ScheduledExecutorService scheduler) {
      s.scheduler = nonNull(scheduler, "scheduler");
      return this;
    }

    /** For tests: the source of jitter, uniform in [0, 1). */
    Builder random(DoubleSupplier random) {
      s.random = nonNull(random, "random");
      return this;
    }

    /**
     * Builds the client.
     *
     * @return a new client; close it when done
     * @throws IllegalStateException if {@code baseUrl} or {@code clientId} is missing; if there is
     *     not exactly one credential ({@code clientSecret}, {@code privateKeyJwt}, {@code
     *     clientAssertion} or {@code tlsClientAuth}); if a setting does not apply to the credential
     *     ({@code clientAuthentication} without a secret, {@code assertionAudience} or {@code
     *     assertionLifetime} without {@code privateKeyJwt}); if a {@code privateKeyJwt} key does
     *     not fit (RSA under 2048 bits, EC not on P-256/P-384, algorithm not for the key); if
     *     {@code tlsClientAuth} has no {@code httpClient} or no {@code https://} base URL; or if
     *     {@code baseUrl} is {@code http://} to a non-loopback host without {@link
     *     #allowInsecureHttp()}
     */
    public OAuthClient build() {
      if (s.baseUrl == null) {
        throw new IllegalStateException("baseUrl is not set: call baseUrl(\"https://...\")");
      }
      if (s.clientId == null) {
        throw new IllegalStateException("clientId is not set: call clientId(...)");
      }
      ClientCredential credential = ClientCredentials.resolve(s);
      checkTransport();
      return new OAuthClient(s, credential);
    }

    /**
     * The settings a {@link TenantTokens} shares among its tenants, checked as {@link #build()}
     * checks them, less the client id and credential that each tenant brings.
     */
    ClientSettings sharedSettings() {
      if (s.baseUrl == null) {
        throw new IllegalStateException("baseUrl is not set: call baseUrl(\"https://...\")");
      }
      checkTransport();
      return s;
    }

    private void checkTransport() {
      if (!s.baseUrl.isHttps() && !s.allowInsecureHttp && !Loopback.isLoopback(s.baseUrl.host())) {
        throw new IllegalStateException(
            "baseUrl uses http:// to "
                + s.baseUrl.host()
                + ": the client credentials and tokens would travel in clear"
                + " text. Use https://, or call allowInsecureHttp() if this network is trusted.");
      }
    }

    private static <T> T nonNull(T value, String name) {
      if (value == null) {
        throw new IllegalArgumentException(name + " == null");
      }
      return value;
    }

    private static String nonBlank(String value, String name) {
      if (nonNull(value, name).isBlank()) {
        throw new IllegalArgumentException(name + " is blank");
      }
      return value;
    }

    private static Duration nonNegative(Duration value, String name) {
      if (nonNull(value, name).isNegative()) {
        throw new IllegalArgumentException(name + " is negative: " + value);
      }
      return Durations.notHuge(value, name);
    }

    private static Duration positive(Duration value, String name) {
      if (nonNull(value, name).isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return Durations.notHuge(value, name);
    }

    /** OkHttp holds a connect or read timeout in an int of milliseconds, about 24 days. */
    private static Duration okHttpTimeout(Duration value, String name) {
      if (positive(value, name).toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            name + " is longer than OkHttp allows (24 days): " + value + "; pass a shorter one");
      }
      return value;
    }
  }
}
