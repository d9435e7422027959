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

  /** Lookup threads, made on demand and let go after 30 s idle. */
  static final int MAX_LOOKUP_THREADS = 8;

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

  /** Makes each tenant's own listener, on the event thread; null for none. */
  private final Function<String, ? extends OAuthClientListener> tenantListener;

  /** Runs the lookups: a few threads, so a lookup that blocks can hold only these. */
  private final ThreadPoolExecutor lookups;

  TenantAssembly(
      ClientSettings s,
      Function<String, TenantCredentials> credentials,
      Function<String, ? extends OAuthClientListener> tenantListener,
      int maxConcurrentRequests) {
    this.s = s;
    this.credentials = credentials;
    this.tenantListener = tenantListener;
    this.tokenUrl = s.tokenUrl();
    this.threads =
        new ClientThreads(
            s.scheduler, Math.max(ClientThreads.MAX_HTTP_THREADS, maxConcurrentRequests));
    this.ownHttpClient = s.httpClient == null;
    boolean httpEvents = CallersEventListener.of(s.httpClient) != null;
    // The event thread is needed without an application listener too: for the caller's OkHttp
    // EventListener and for per-tenant listeners.
    this.listener = new ListenerDispatcher(s.listeners, httpEvents || tenantListener != null);
    OkHttpClient derived = TokenHttpClient.derive(s, threads.http(), httpEvents ? listener : null);
    // The gate holds the bound; OkHttp's own (64 in all, 5 per host) must not queue under it.
    derived.dispatcher().setMaxRequests(maxConcurrentRequests);
    derived.dispatcher().setMaxRequestsPerHost(maxConcurrentRequests);
    this.http = derived;
    this.freshness = new Freshness(s.refreshAhead, s.expiryMargin);
    this.callTimeoutMillis = TokenHttpClient.callTimeoutMillis(s);
    this.gate = new RequestGate(maxConcurrentRequests, threads.scheduler(), callTimeoutMillis);
    this.lookupTimeoutMillis =
        s.retryPolicy.maxWait().isZero()
            ? callTimeoutMillis
            // Saturated: RetryPolicy takes a maxWait of centuries (toMillis() would overflow).
            : Backoff.millis(s.retryPolicy.maxWait());
    // Not tied to maxConcurrentRequests: with one request slot, one lookup thread let a single
    // slow lookup hold up every other tenant's first call for its whole maxWait.
    int lookupThreads = MAX_LOOKUP_THREADS;
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

  /**
   * Where a tenant's stages send its events: the shared listeners, and with a tenant listener
   * factory also the tenant's own (one small object per tenant, only then).
   */
  OAuthClientListener eventsOf(String tenant) {
    return tenantListener == null ? listener : new TenantEvents(tenant, listener, tenantListener);
  }

  /** A tenant's cache: the top of its pipeline, over the tenant itself as its source. */
  TokenCache newCache(TokenSource source, OAuthClientListener events) {
    return new TokenCache(
        source,
        freshness,
        s.clock,
        s.retryPolicy,
        events,
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
  TokenSource pipeline(
      String tenant, TenantCredentials c, AccessToken rejected, OAuthClientListener events) {
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
            events,
            gate);
    TokenSource source =
        new RetryingTokenSource(
            endpoint,
            s.retryPolicy,
            s.workingHours,
            s.clock,
            threads.scheduler(),
            events,
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
            events);
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
        new Lookup(
            result,
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
            });
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

  /** Lookups waiting for a thread now; for tests. */
  int lookupsQueued() {
    return lookups.getQueue().size();
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

  /** A credentials lookup the pool runs, with the future its tenant's fetch waits on. */
  private static final class Lookup extends FutureTask<Void> {
    final CompletableFuture<TenantCredentials> result;

    Lookup(CompletableFuture<TenantCredentials> result, Runnable work) {
      super(work, null);
      this.result = result;
    }
  }

  /**
   * Fails the queued attempts and lookups, cancels the calls in flight, then stops the shared
   * threads. Every future it leaves behind is complete: nothing may wait on a thread or a timer
   * that is gone.
   */
  void close() {
    gate.close();
    for (Runnable dropped : lookups.shutdownNow()) {
      // Never run, and its timer goes with the scheduler: failed here, or its fetch waits forever.
      if (dropped instanceof Lookup) {
        ((Lookup) dropped)
            .result.completeExceptionally(
                new OAuthException("TenantTokens was closed before the credentials lookup ran"));
      }
    }
    http.dispatcher().cancelAll();
    threads.shutdown();
    // Last: queued listener events are still delivered, within ListenerDispatcher's bound.
    listener.close();
    if (ownHttpClient) {
      http.connectionPool().evictAll();
    }
  }
}
