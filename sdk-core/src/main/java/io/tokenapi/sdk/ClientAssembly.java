package io.tokenapi.sdk;

import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Assembles a client's fetch pipeline from its settings, and takes it down again. Read top to
 * bottom, the methods below are the pipeline: {@link TokenCache} over {@link SharedTokenFetcher}
 * (only with a token store) over {@link RetryingTokenSource} over {@link TokenEndpoint}. Each stage
 * gets the one below it and nothing above it; what several stages share (clock, listener, threads,
 * freshness rule) is made once, first.
 */
final class ClientAssembly {
  private final ClientSettings s;
  private final ClientCredential credential;
  private final HttpUrl tokenUrl;
  private final ClientThreads threads;
  private final OkHttpClient http;
  private final boolean ownHttpClient;
  private final ListenerDispatcher listener;
  private final Freshness freshness;

  /** Store calls and polling run on the client's threads; with a store, the request stays there. */
  private final boolean firstAttemptOnCallerThread;

  private final TokenCache cache;
  private final String description;

  private ClientAssembly(ClientSettings s, ClientCredential credential) {
    this.s = s;
    this.credential = credential;
    this.tokenUrl = s.tokenUrl();
    this.threads = new ClientThreads(s.scheduler);
    this.ownHttpClient = s.httpClient == null;
    boolean httpEvents = CallersEventListener.of(s.httpClient) != null;
    this.listener = new ListenerDispatcher(s.listeners, httpEvents);
    this.http = TokenHttpClient.derive(s, threads.http(), httpEvents ? listener : null);
    this.freshness = new Freshness(s.refreshAhead, s.expiryMargin);
    this.firstAttemptOnCallerThread =
        s.tokenStore == null && TokenHttpClient.callerThreadAttempts(http);
    this.cache = newCache();
    this.description = description();
  }

  /** The pipeline of a client with these settings and this resolved credential. */
  static ClientAssembly assemble(ClientSettings settings, ClientCredential credential) {
    return new ClientAssembly(settings, credential);
  }

  /** The top of the pipeline: snapshot, shared refresh, failure window, invalidation. */
  private TokenCache newCache() {
    return new TokenCache(
        newSource(),
        freshness,
        s.clock,
        s.retryPolicy,
        listener,
        s.random,
        s.closedProbeInterval,
        s.minRefreshInterval,
        s.workingHours,
        threads.http());
  }

  /** With a token store, the fleet's one request per token; else straight to the retry loop. */
  private TokenSource newSource() {
    TokenSource retrying = newRetrying();
    if (s.tokenStore == null) {
      return retrying;
    }
    return new SharedTokenFetcher(
        s.tokenStore,
        SharedTokenFetcher.key(
            tokenUrl,
            s.clientId,
            s.scope,
            TokenRequestFactory.storeKeyVariant(credential, s.tokenParameters)),
        retrying,
        s.clock,
        threads.scheduler(),
        threads.store(),
        s.tokenStoreLockTtl,
        freshness,
        // A waiter waits for the fleet's holder as long as a fetch of its own could last.
        s.retryPolicy.maxWait().isZero()
            ? Duration.ofMillis(TokenHttpClient.callTimeoutMillis(s))
            : s.retryPolicy.maxWait(),
        s.tokenStoreTimeout,
        listener);
  }

  private RetryingTokenSource newRetrying() {
    return new RetryingTokenSource(
        newEndpoint(),
        s.retryPolicy,
        s.workingHours,
        s.clock,
        threads.scheduler(),
        listener,
        TokenHttpClient.callTimeoutMillis(s),
        s.random,
        firstAttemptOnCallerThread);
  }

  /** The bottom: one HTTP request, its answer turned into a token or a typed exception. */
  private TokenEndpoint newEndpoint() {
    TokenRequestSource requests =
        TokenRequestFactory.source(
            tokenUrl, s.clientId, s.scope, s.tokenParameters, credential, threads.scheduler());
    Redactor redactor =
        Redactor.forClient(
            s.clientId,
            s.clientSecret,
            credential.assertions == null ? null : requests::currentAssertion);
    return new TokenEndpoint(
        http,
        tokenUrl,
        requests,
        new TokenResponseParser(s.defaultTokenLifetime, redactor),
        s.clock,
        s.workingHours,
        s.maxResponseBytes,
        listener);
  }

  TokenCache cache() {
    return cache;
  }

  /** For tests: whether a blocking caller that starts a refresh makes its first attempt itself. */
  boolean firstAttemptOnCallerThread() {
    return firstAttemptOnCallerThread;
  }

  /** Token URL, client id, authentication mode, scope and parameter names; never a secret. */
  String describe() {
    return description;
  }

  private String description() {
    return "OAuthClient[tokenUrl="
        + TokenEndpoint.displayUrl(tokenUrl)
        + ", clientId="
        + s.clientId
        + ", authentication="
        + credential.describe()
        + (s.scope != null ? ", scope=" + s.scope : "")
        + (s.tokenParameters.isEmpty() ? "" : ", tokenParameters=" + parameterNames())
        + "]";
  }

  /** Names only: a parameter value is the caller's business, not the log's. */
  private String parameterNames() {
    StringJoiner names = new StringJoiner(", ", "[", "]");
    for (Map.Entry<String, String> parameter : s.tokenParameters) {
      names.add(parameter.getKey());
    }
    return names.toString();
  }

  /**
   * Takes the pipeline down top-down: the cache wakes its callers, the retry loop stops retrying,
   * the endpoint cancels its calls; only then do the threads the stages ran on stop, and the
   * connections of an OkHttp client the SDK made itself close.
   */
  void close() {
    cache.close();
    // The endpoint cancelled its calls; a call it had not yet seen (an attempt starting as the
    // cache closed) is cancelled here, so no request thread is left waiting on the provider.
    http.dispatcher().cancelAll();
    threads.shutdown();
    // Last: the events of the closing (the state change) are still delivered, within a bound.
    listener.close();
    if (ownHttpClient) {
      http.connectionPool().evictAll();
    }
  }
}
