package io.tokenapi.sdk;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every tenant of a {@link TenantTokens} shares, made once: the settings, one set of threads,
 * one {@link OkHttpClient}, the listeners, the freshness rule, the request slots and the bounded
 * credentials lookup. A tenant holds only its {@link TokenCache}; the stages below the cache
 * ({@link SharedTokenFetcher}, {@link RetryingTokenSource}, {@link TokenEndpoint}) are assembled
 * here for each fetch from the tenant's credentials and dropped when it ends, so an idle tenant
 * costs its cache and its token, not a pipeline.
 */
final class TenantAssembly {
  private static final Logger LOG = LoggerFactory.getLogger(TenantTokens.class);

  final ClientSettings s;
  final HttpUrl tokenUrl;
  final ClientThreads threads;
  final OkHttpClient http;
  final boolean ownHttpClient;
  final ListenerDispatcher listener;
  final Freshness freshness;
  final RequestGate gate;
  final long callTimeoutMillis;

  /** How long a credentials lookup may take: the retry policy's maxWait, else the call timeout. */
  final long lookupTimeoutMillis;

  private final Function<String, TenantCredentials> credentials;

  /** Runs the lookups: a few threads, so a lookup that blocks can hold only these. */
  private final ThreadPoolExecutor lookups;

  TenantAssembly(
      ClientSettings s,
      Function<String, TenantCredentials> credentials,
      int maxConcurrentRequests) {
    this.s = s;
    this.credentials = credentials;
    this.tokenUrl = s.tokenUrl();
    this.threads =
        new ClientThreads(
            s.scheduler, Math.max(ClientThreads.MAX_HTTP_THREADS, maxConcurrentRequests));
    this.ownHttpClient = s.httpClient == null;
    boolean httpEvents = CallersEventListener.of(s.httpClient) != null;
    this.listener = new ListenerDispatcher(s.listeners, httpEvents);
    OkHttpClient derived = TokenHttpClient.derive(s, threads.http(), httpEvents ? listener : null);
    // The gate holds the bound; OkHttp's own (64 in all, 5 per host) must not queue under it.
    derived.dispatcher().setMaxRequests(maxConcurrentRequests);
    derived.dispatcher().setMaxRequestsPerHost(maxConcurrentRequests);
    this.http = derived;
    this.freshness = new Freshness(s.refreshAhead, s.expiryMargin);
    this.callTimeoutMillis = TokenHttpClient.callTimeoutMillis(s);
    this.gate = new RequestGate(maxConcurrentRequests, threads.scheduler(), callTimeoutMillis);
    this.lookupTimeoutMillis =
        s.retryPolicy.maxWait().isZero() ? callTimeoutMillis : s.retryPolicy.maxWait().toMillis();
    int lookupThreads = Math.min(maxConcurrentRequests, 8);
    AtomicInteger n = new AtomicInteger();
    this.lookups =
        new ThreadPoolExecutor(
            lookupThreads,
            lookupThreads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "tokenapi-tenants-lookup-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    lookups.allowCoreThreadTimeOut(true);
  }

  /** A tenant's cache: the top of its pipeline, over the tenant itself as its source. */
  TokenCache newCache(TokenSource source) {
    return new TokenCache(
        source,
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

  /**
   * The stages below a tenant's cache for one fetch: the fleet's store (when configured, under a
   * key of the tenant's own), the retry loop, and the endpoint behind the shared request slots.
   * Every attempt is sent from the shared threads, never a caller's, so every one passes the gate.
   */
  TokenSource pipeline(String tenant, TenantCredentials c, AccessToken rejected) {
    ClientCredential credential = c.resolve(s);
    TokenRequestSource requests =
        TokenRequestFactory.source(
            tokenUrl, c.clientId(), s.scope, s.tokenParameters, credential, threads.scheduler());
    Redactor redactor =
        Redactor.forClient(
            c.clientId(),
            c.secret(),
            credential.assertions == null ? null : requests::currentAssertion);
    TokenEndpoint endpoint =
        new TokenEndpoint(
            http,
            tokenUrl,
            requests,
            new TokenResponseParser(s.defaultTokenLifetime, redactor),
            s.clock,
            s.workingHours,
            s.maxResponseBytes,
            listener,
            gate);
    TokenSource source =
        new RetryingTokenSource(
            endpoint,
            s.retryPolicy,
            s.workingHours,
            s.clock,
            threads.scheduler(),
            listener,
            callTimeoutMillis,
            s.random,
            false);
    if (s.tokenStore == null) {
      return source;
    }
    String variant = TokenRequestFactory.storeKeyVariant(credential, s.tokenParameters);
    SharedTokenFetcher shared =
        new SharedTokenFetcher(
            s.tokenStore,
            // The tenant is part of the key: two tenants never share a token, even with one id.
            SharedTokenFetcher.key(
                tokenUrl,
                c.clientId(),
                s.scope,
                "tenant=" + storeKeyTenant(tenant) + (variant == null ? "" : "\n" + variant)),
            source,
            s.clock,
            threads.scheduler(),
            threads.store(),
            s.tokenStoreLockTtl,
            freshness,
            s.retryPolicy.maxWait().isZero()
                ? Duration.ofMillis(callTimeoutMillis)
                : s.retryPolicy.maxWait(),
            s.tokenStoreTimeout,
            listener);
    shared.reject(rejected);
    return shared;
  }

  /**
   * The tenant's credentials from the lookup, run on the lookup threads (never the caller's) and
   * bounded by {@link #lookupTimeoutMillis}: a lookup that throws, returns null or does not answer
   * in time fails the future with an {@link OAuthException} that names the tenant and the kind of
   * failure, never the lookup's message (it may quote a secret).
   */
  CompletableFuture<TenantCredentials> lookup(String tenant) {
    CompletableFuture<TenantCredentials> result = new CompletableFuture<>();
    String name = TenantTokens.printable(tenant);
    FutureTask<Void> task =
        new FutureTask<>(
            () -> {
              if (result.isDone()) {
                return; // given up on while queued: the thread goes to a lookup still awaited
              }
              try {
                TenantCredentials found = credentials.apply(tenant);
                if (found == null) {
                  result.completeExceptionally(
                      new OAuthException(
                          "The credentials lookup returned null for tenant "
                              + name
                              + ": it must return TenantCredentials for every tenant it is asked"
                              + " for, or throw"));
                } else {
                  result.complete(found);
                }
              } catch (RuntimeException | Error e) {
                result.completeExceptionally(lookupFailed(name, e));
                if (e instanceof Error) {
                  throw (Error) e;
                }
              }
            },
            null);
    try {
      ScheduledFuture<?> timer =
          threads
              .scheduler()
              .schedule(
                  () -> {
                    if (result.completeExceptionally(
                        new OAuthException(
                            "The credentials lookup for tenant "
                                + name
                                + " did not answer within "
                                + lookupTimeoutMillis
                                + " ms: make it answer faster (cache its source) or raise the"
                                + " retry policy's maxWait"))) {
                      // Interrupted, so that a hung lookup gives its thread back: the pool has
                      // at most 8, and hung ones would otherwise starve every other tenant.
                      task.cancel(true);
                    }
                  },
                  lookupTimeoutMillis,
                  TimeUnit.MILLISECONDS);
      result.whenComplete((found, error) -> timer.cancel(false));
      lookups.execute(task);
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new OAuthException("TenantTokens is closed", e));
    }
    return result;
  }

  /**
   * The tenant as store key text, injectively: letters, digits, '-', '_' and '.' as they are, every
   * other UTF-16 unit as %XXXX. Raw, a line break could imitate the variant's separator and a lone
   * surrogate would turn into the '?' of another tenant once encoded as UTF-8.
   */
  static String storeKeyTenant(String tenant) {
    StringBuilder key = new StringBuilder(tenant.length() + 8);
    for (int i = 0; i < tenant.length(); i++) {
      char c = tenant.charAt(i);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.') {
        key.append(c);
      } else {
        key.append('%').append(String.format(Locale.ROOT, "%04X", (int) c));
      }
    }
    return key.toString();
  }

  private static OAuthException lookupFailed(String tenant, Throwable e) {
    // The SDK's own factory messages hold no secret; anyone else's message may.
    String detail =
        e instanceof TenantCredentials.Invalid
            ? e.getClass().getSimpleName() + ": " + e.getMessage()
            : e.getClass().getName();
    LOG.debug("Credentials lookup for tenant {} failed ({})", tenant, e.getClass().getName());
    return new OAuthException(
        "The credentials lookup failed for tenant " + tenant + " (" + detail + ")");
  }

  /** Fails the queued attempts, cancels the calls in flight, then stops the shared threads. */
  void close() {
    gate.close();
    lookups.shutdownNow();
    http.dispatcher().cancelAll();
    threads.shutdown();
    // Last: queued listener events are still delivered, within ListenerDispatcher's bound.
    listener.close();
    if (ownHttpClient) {
      http.connectionPool().evictAll();
    }
  }
}
