package io.tokenapi.sdk;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokens for many tenants (customers, merchants) in one JVM, each with its own client credentials:
 * one object, one set of threads and one {@link OkHttpClient} for all of them, instead of an {@link
 * OAuthClient} per tenant.
 *
 * <pre>{@code
 * try (TenantTokens tokens = TenantTokens.builder()
 *     .baseUrl("https://api.example.com")
 *     .credentials(tenant -> TenantCredentials.clientSecret(idOf(tenant), secretOf(tenant)))
 *     .maxTenants(100_000)
 *     .build()) {
 *   AccessToken token = tokens.getToken("merchant-42");
 * }
 * }</pre>
 *
 * <p>Each tenant has what an {@link OAuthClient} has: a cached token served without a lock or an
 * allocation, one request for all of its concurrent callers, a refresh ahead of expiry, retries,
 * working hours, damping and typed errors; one tenant's failures never touch another's token. The
 * credentials lookup is asked when a tenant is first used, and again after the provider rejected
 * its credentials (401 or {@code invalid_client}); it runs on the SDK's threads, bounded by the
 * retry policy's {@code maxWait}.
 *
 * <p>Bounded: at most {@code maxTenants} tenants are held (the least recently used beyond it are
 * dropped), a tenant unused for {@code evictAfterIdle} is dropped, and at most {@code
 * maxConcurrentRequests} token requests are in flight across all tenants (the others queue, without
 * a thread, within their {@code maxWait}). A tenant whose token request is in flight is never
 * dropped; a dropped tenant is simply looked up and fetched again on its next use.
 */
public final class TenantTokens implements AutoCloseable {
  /** Default {@link Builder#maxTenants(int)}: {@value}. */
  public static final int DEFAULT_MAX_TENANTS = 10_000;

  /** Default {@link Builder#evictAfterIdle(Duration)}: 1 hour. */
  public static final Duration DEFAULT_EVICT_AFTER_IDLE = Duration.ofHours(1);

  /** Default {@link Builder#maxConcurrentRequests(int)}: {@value}. */
  public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 16;

  /** Longest tenant id accepted: {@value} characters. */
  public static final int MAX_TENANT_LENGTH = 256;

  /** Up to this many tenants, the least-recently-used scan runs on the admitting caller. */
  static final int INLINE_SCAN_MAX = 4_096;

  /** Batches past maxTenants (an eighth of it) before an admitting caller scans after all. */
  static final long BEHIND_BATCHES = 8;

  /** How often the coarse time the hit path stamps tenants with moves on. */
  static final long TICK_MILLIS = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(TenantTokens.class);

  private final TenantAssembly assembly;
  private final ConcurrentHashMap<String, Tenant> tenants;
  private final Clock clock;
  private final int maxTenants;
  private final int evictionBatch;
  private final long idleMillis;
  private final ReentrantLock evicting = new ReentrantLock();

  /** A background scan is queued on the scheduler. */
  private final AtomicBoolean evictionDue = new AtomicBoolean();

  private final ScheduledFuture<?> ticker;
  private final String description;

  /**
   * The time the hit path stamps a tenant with, epoch millis: moved on once per tick by the
   * scheduler (and on every slow path), so a hit reads it instead of the clock and writes its
   * tenant's stamp at most once per tick.
   */
  private volatile long coarseNow;

  private volatile long nextIdleSweep;
  private volatile boolean closed;

  /** Won by the one {@code close()} that closes; the others wait for {@link #closeDone}. */
  private final AtomicBoolean closeStarted = new AtomicBoolean();

  private final CountDownLatch closeDone = new CountDownLatch(1);

  /** The thread running the first {@code close()}, for a close() it calls itself. */
  private volatile Thread closer;

  private TenantTokens(Builder b, ClientSettings s) {
    this.clock = s.clock;
    this.maxTenants = b.maxTenants;
    this.evictionBatch = Math.max(1, b.maxTenants / 64);
    this.idleMillis = b.evictAfterIdle.toMillis();
    this.tenants = new ConcurrentHashMap<>(Math.min(b.maxTenants, 1 << 16));
    this.assembly =
        new TenantAssembly(
            s,
            b.credentials,
            b.tenantListener,
            b.maxConcurrentRequests,
            // As many as it may hold: maxTenants, and the batches a background scan may fall
            // behind.
            (long) b.maxTenants + BEHIND_BATCHES * Math.max(1, b.maxTenants / 64));
    this.coarseNow = clock.millis();
    this.nextIdleSweep = coarseNow + sweepInterval();
    this.description =
        "TenantTokens[tokenUrl="
            + TokenEndpoint.displayUrl(assembly.tokenUrl)
            + ", maxTenants="
            + maxTenants
            + ", evictAfterIdle="
            + b.evictAfterIdle
            + ", maxConcurrentRequests="
            + b.maxConcurrentRequests
            + "]";
    ScheduledFuture<?> tick;
    try {
      tick =
          assembly
              .threads
              .scheduler()
              .scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      assembly.close();
      throw new IllegalStateException("the scheduler given to TenantTokens is shut down", e);
    }
    this.ticker = tick;
  }

  /**
   * A builder. {@code baseUrl} and {@code credentials} are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The tenant's cached token while it is fresh; otherwise one request for all of the tenant's
   * concurrent callers, as {@link OAuthClient#getToken()}. The first call for a tenant asks the
   * credentials lookup first (on the SDK's threads, bounded by the retry policy's {@code maxWait}).
   *
   * @param tenant the tenant's id, 1 to {@value #MAX_TENANT_LENGTH} characters
   * @return a token that is valid now
   * @throws IllegalArgumentException if {@code tenant} is null, empty or too long
   * @throws OAuthException (a subclass) when no token could be obtained: the provider's answer, or
   *     a credentials lookup that threw, returned null or did not answer in time
   * @throws IllegalStateException if this is closed
   */
  public AccessToken getToken(String tenant) {
    return tenant(tenant).cache.get();
  }

  /**
   * Like {@link #getToken(String)} without ever blocking the caller: the lookup and the request run
   * on the SDK's threads.
   *
   * @param tenant the tenant's id
   * @return a future of a token that is valid now; it fails with an {@link OAuthException}
   * @throws IllegalArgumentException if {@code tenant} is null, empty or too long
   * @throws IllegalStateException if this is closed
   */
  public CompletableFuture<AccessToken> getTokenAsync(String tenant) {
    return tenant(tenant).cache.getAsync();
  }

  /**
   * Forgets the tenant's cached token if it is still {@code rejected}, as {@link
   * OAuthClient#invalidate(AccessToken)}: a burst of 401s for one token causes one refresh, and
   * renewals after rejections are damped. Other tenants are not touched. Does nothing for a tenant
   * that is not held.
   *
   * @param tenant the tenant's id
   * @param rejected the token a resource server rejected
   * @throws IllegalArgumentException if an argument is null
   */
  public void invalidate(String tenant, AccessToken rejected) {
    if (tenant == null) {
      throw new IllegalArgumentException("tenant == null");
    }
    if (rejected == null) {
      throw new IllegalArgumentException("rejected == null");
    }
    Tenant t = tenants.get(tenant);
    if (t != null) {
      t.cache.invalidate(rejected);
    }
  }

  /**
   * The tenant's token state, as {@link OAuthClient#status()}, naming the tenant ({@link
   * TokenStatus#tenant()}, escaped and bounded in its {@code toString()}): cheap, lock-free, never
   * a request, and it does not count as a use. A tenant not held (never used, or dropped) is {@link
   * TokenStatus.State#EXPIRED} with nothing else known.
   *
   * @param tenant the tenant's id
   * @return the tenant's state now, naming it
   * @throws IllegalArgumentException if {@code tenant} is null
   */
  public TokenStatus status(String tenant) {
    if (tenant == null) {
      throw new IllegalArgumentException("tenant == null");
    }
    Tenant t = tenants.get(tenant);
    if (t == null) {
      return new TokenStatus(TokenStatus.State.EXPIRED, null, null, null, 0, null, 0, tenant);
    }
    return t.cache.status(tenant);
  }

  /**
   * How many tenants are held now.
   *
   * @return the count, at most about {@code maxTenants}
   */
  public int size() {
    return tenants.size();
  }

  /**
   * Wakes every waiting caller with an exception, fails the queued requests, cancels those in
   * flight and stops the shared threads; a caller's {@link OkHttpClient} is left alone. Idempotent:
   * a call made while another thread closes returns once that close has failed every caller (it
   * waits at most 2 seconds, and not at all when made from inside the close itself).
   */
  @Override
  public void close() {
    if (!closeStarted.compareAndSet(false, true)) {
      awaitClose();
      return;
    }
    closer = Thread.currentThread();
    try {
      closed = true;
      ticker.cancel(false);
      for (Tenant t : tenants.values()) {
        t.cache.close();
      }
      tenants.clear();
      assembly.close();
    } finally {
      closer = null;
      closeDone.countDown();
    }
  }

  /**
   * A second {@code close()} returns once the first has failed every caller, as the first does.
   * Bounded: one called from the event thread or a lookup (a listener, the tenant listener factory,
   * the credentials lookup) while another thread closes would otherwise wait for the close that
   * waits for it; that one interrupts it within {@link ListenerDispatcher#CLOSE_DRAIN_MILLIS}.
   */
  private void awaitClose() {
    if (Thread.currentThread() == closer) {
      return; // from inside the close() this thread runs
    }
    try {
      closeDone.await(2 * ListenerDispatcher.CLOSE_DRAIN_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Names the token URL and the bounds; never a tenant's credentials.
   *
   * @return a description that is safe to log
   */
  @Override
  public String toString() {
    return description;
  }

  TenantAssembly assembly() {
    return assembly;
  }

  /** The hit path: a map read, a volatile read, and a write only when the tick moved on. */
  private Tenant tenant(String id) {
    if (id == null) {
      throw new IllegalArgumentException("tenant == null");
    }
    Tenant t = tenants.get(id);
    if (t == null) {
      return admit(id);
    }
    long now = coarseNow;
    if (t.lastAccess != now) {
      t.lastAccess = now;
    }
    return t;
  }

  private Tenant admit(String id) {
    if (closed) {
      throw new IllegalStateException("TenantTokens is closed");
    }
    if (id.isEmpty()) {
      throw new IllegalArgumentException("tenant is empty");
    }
    if (id.length() > MAX_TENANT_LENGTH) {
      throw new IllegalArgumentException(
          "tenant is longer than " + MAX_TENANT_LENGTH + " characters: " + id.length());
    }
    long now = clock.millis();
    coarseNow = now;
    Tenant t = tenants.computeIfAbsent(id, k -> new Tenant(k, this, assembly, now));
    if (closed) {
      // close() sets the flag before it walks the map: a tenant put after it looked is closed
      // here, or its fetch would start on threads close() is stopping (and wait forever).
      tenants.remove(id, t);
      t.cache.close();
      throw new IllegalStateException("TenantTokens is closed");
    }
    if (tenants.size() > maxTenants) {
      overLimit(t);
    }
    return t;
  }

  /**
   * Past {@code maxTenants}. A small map is scanned right here (at most 4,096 tenants: well under a
   * millisecond). A large one is scanned on the scheduler thread, so no caller waits for it (at
   * 100,000 tenants the scan took 70 to 350 ms on a loaded machine); should new tenants arrive
   * faster than the scheduler thread drops them, {@link #BEHIND_BATCHES} batches behind the
   * admitting caller scans after all, so memory stays bounded.
   */
  private void overLimit(Tenant admitted) {
    if (maxTenants <= INLINE_SCAN_MAX
        || tenants.size() > (long) maxTenants + BEHIND_BATCHES * (long) evictionBatch) {
      evictLeastRecentlyUsed(admitted);
      return;
    }
    if (evictionDue.compareAndSet(false, true)) {
      try {
        assembly.threads.scheduler().execute(this::evictInBackground);
      } catch (RejectedExecutionException e) {
        evictionDue.set(false); // closed: nothing to keep small
      }
    }
  }

  private void evictInBackground() {
    try {
      evictLeastRecentlyUsed(null);
    } catch (RuntimeException e) {
      LOG.warn(
          "TenantTokens eviction failed ({}); trying again on the next admission", e.toString());
    } finally {
      evictionDue.set(false);
    }
  }

  /** A fetch reached a tenant just dropped: its live entry (a new one if need be) fetches. */
  CompletableFuture<AccessToken> fetchForRetired(String id) {
    try {
      return tenant(id).cache.getAsync();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Futures.typed(e));
    }
  }

  /**
   * Beyond {@code maxTenants}: drops the least recently used tenants, a batch at a time (a 64th of
   * {@code maxTenants}), so the scan is paid once per batch of new tenants. One thread evicts at a
   * time; the others go on. Never {@code admitted} (null from the scheduler), never a tenant whose
   * request is in flight.
   */
  private void evictLeastRecentlyUsed(Tenant admitted) {
    if (!evicting.tryLock()) {
      return;
    }
    try {
      int excess = tenants.size() - maxTenants;
      if (excess <= 0) {
        return;
      }
      Tenant[] all = tenants.values().toArray(new Tenant[0]);
      long[] stamps = new long[all.length];
      for (int i = 0; i < all.length; i++) {
        stamps[i] = all[i].lastAccess;
      }
      Arrays.sort(stamps);
      int goal = Math.min(all.length - 1, excess + evictionBatch - 1);
      long cutoff = stamps[Math.max(0, goal - 1)];
      int dropped = 0;
      for (int pass = 0; pass < 2 && dropped < goal; pass++) {
        for (Tenant t : all) {
          if (dropped >= goal) {
            break;
          }
          if (t != admitted && (pass == 1 || t.lastAccess <= cutoff) && drop(t)) {
            dropped++;
          }
        }
      }
      LOG.debug("Dropped {} least recently used tenant(s) beyond maxTenants", dropped);
    } finally {
      evicting.unlock();
    }
  }

  /** Removes {@code t} if it is still the entry and no request of its is in flight. */
  private boolean drop(Tenant t) {
    boolean[] removed = new boolean[1];
    tenants.computeIfPresent(
        t.id,
        (k, v) -> {
          // Not while an async caller's hand-off waits for a thread: the queue has room for the
          // tenants held, and a dropped tenant's queued hand-off would take room from a held one.
          if (v == t && !t.cache.handOffQueued() && t.retire()) {
            removed[0] = true;
            return null;
          }
          return v;
        });
    return removed[0];
  }

  /** Once per tick: the coarse time moves on; once per sweep interval, idle tenants go. */
  private void tick() {
    try {
      long now = clock.millis();
      coarseNow = now;
      if (now >= nextIdleSweep) {
        nextIdleSweep = now + sweepInterval();
        sweepIdle(now);
      }
    } catch (RuntimeException e) {
      LOG.warn("TenantTokens housekeeping failed ({}); trying again next tick", e.toString());
    }
  }

  /**
   * Drops every tenant unused for {@code evictAfterIdle}. A stamp is the coarse time, up to a tick
   * older than the use it records: a tick is added, or a tenant used a moment ago (stamped with the
   * previous tick) would be dropped with its cached token and fetched again.
   */
  int sweepIdle(long now) {
    int dropped = 0;
    for (Tenant t : tenants.values()) {
      if (now - t.lastAccess - TICK_MILLIS >= idleMillis && drop(t)) {
        dropped++;
        if (LOG.isDebugEnabled()) {
          LOG.debug("Dropped tenant {}: unused for {} ms", printable(t.id), now - t.lastAccess);
        }
      }
    }
    return dropped;
  }

  /** For tests: moves the coarse time to the clock's and sweeps idle tenants now. */
  int sweepNow() {
    long now = clock.millis();
    coarseNow = now;
    return sweepIdle(now);
  }

  private long sweepInterval() {
    return Math.max(TICK_MILLIS, Math.min(idleMillis / 4, 60_000));
  }

  /** A tenant id for a log line or message: control and format characters escaped, bounded. */
  static String printable(String tenant) {
    return "'" + ApiError.printable(tenant) + "'";
  }

  /**
   * Builds a {@link TenantTokens}. Takes the settings {@link OAuthClient.Builder} has that all
   * tenants share; each tenant brings its client id and credential through {@link
   * #credentials(Function)}. Every setter rejects null with an {@link IllegalArgumentException}
   * naming the argument. Not thread-safe.
   */
  public static final class Builder {
    private final OAuthClient.Builder shared = OAuthClient.builder();
    private Function<String, TenantCredentials> credentials;
    private int maxTenants = DEFAULT_MAX_TENANTS;
    private Duration evictAfterIdle = DEFAULT_EVICT_AFTER_IDLE;
    private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
    private Function<String, ? extends OAuthClientListener> tenantListener;

    private Builder() {}

    /**
     * The credentials lookup: a tenant's client id and credential. Called on the SDK's threads when
     * a tenant is first used (or used again after it was dropped), and after the provider rejected
     * its credentials; never on a cache hit. Its time counts against the retry policy's {@code
     * maxWait} (the call timeout under {@link RetryPolicy#none()}); one that throws, returns null
     * or takes longer fails that tenant's call with an {@link OAuthException}, and is asked again
     * on the next. Required.
     *
     * @param lookup tenant id to credentials; it should not block for long
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder credentials(Function<String, TenantCredentials> lookup) {
      if (lookup == null) {
        throw new IllegalArgumentException("credentials == null");
      }
      this.credentials = lookup;
      return this;
    }

    /**
     * How many tenants are held at most; beyond it the least recently used are dropped (a tenant
     * whose request is in flight is not). Above 4,096 they are dropped on the SDK's scheduler
     * thread rather than the caller's, and up to an eighth more may be held meanwhile. Default
     * {@value TenantTokens#DEFAULT_MAX_TENANTS}.
     *
     * @param maxTenants at least 1
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maxTenants(int maxTenants) {
      if (maxTenants < 1) {
        throw new IllegalArgumentException("maxTenants < 1: " + maxTenants);
      }
      this.maxTenants = maxTenants;
      return this;
    }

    /**
     * A tenant not used for this long is dropped, token and all (checked every quarter of it, at
     * most every minute; uses are stamped once a second, so a tenant may stay up to a second
     * longer, never less). Default 1 hour.
     *
     * @param evictAfterIdle 1 second to 100 years
     * @return this builder
     * @throws IllegalArgumentException if null, under 1 second or over 100 years
     */
    public Builder evictAfterIdle(Duration evictAfterIdle) {
      if (evictAfterIdle == null) {
        throw new IllegalArgumentException("evictAfterIdle == null");
      }
      if (evictAfterIdle.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("evictAfterIdle under 1 second: " + evictAfterIdle);
      }
      this.evictAfterIdle = Durations.notHuge(evictAfterIdle, "evictAfterIdle");
      return this;
    }

    /**
     * How many token requests may be in flight at once across all tenants; more wait in a queue (on
     * no thread) within their attempt's time. Default {@value
     * TenantTokens#DEFAULT_MAX_CONCURRENT_REQUESTS}.
     *
     * @param maxConcurrentRequests 1 to 1024
     * @return this builder
     * @throws IllegalArgumentException if outside 1 to 1024
     */
    public Builder maxConcurrentRequests(int maxConcurrentRequests) {
      if (maxConcurrentRequests < 1 || maxConcurrentRequests > 1024) {
        throw new IllegalArgumentException(
            "maxConcurrentRequests must be 1 to 1024: " + maxConcurrentRequests);
      }
      this.maxConcurrentRequests = maxConcurrentRequests;
      return this;
    }

    /**
     * The provider's base URL, as {@link OAuthClient.Builder#baseUrl(String)}. Required.
     *
     * @param baseUrl an {@code http} or {@code https} URL without user info
     * @return this builder
     * @throws IllegalArgumentException if null or not such a URL
     */
    public Builder baseUrl(String baseUrl) {
      shared.baseUrl(baseUrl);
      return this;
    }

    /**
     * The provider's base URL. Required.
     *
     * @param baseUrl an {@code http} or {@code https} URL without user info
     * @return this builder
     * @throws IllegalArgumentException if null or carrying user info
     */
    public Builder baseUrl(HttpUrl baseUrl) {
      shared.baseUrl(baseUrl);
      return this;
    }

    /**
     * The token endpoint's path below {@code baseUrl}. Default {@value
     * OAuthClient#DEFAULT_TOKEN_PATH}.
     *
     * @param tokenPath a plain path
     * @return this builder
     * @throws IllegalArgumentException if null, blank, or containing {@code ?} or {@code #}
     */
    public Builder tokenPath(String tokenPath) {
      shared.tokenPath(tokenPath);
      return this;
    }

    /**
     * How a {@link TenantCredentials#clientSecret} is sent. Default {@link
     * ClientAuthentication#JSON_BODY}.
     *
     * @param clientAuthentication the mode
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder clientAuthentication(ClientAuthentication clientAuthentication) {
      shared.clientAuthentication(clientAuthentication);
      return this;
    }

    /**
     * The scope every tenant's token is requested with. Default none.
     *
     * @param scope the scope
     * @return this builder
     * @throws IllegalArgumentException if null or blank
     */
    public Builder scope(String scope) {
      shared.scope(scope);
      return this;
    }

    /**
     * The OkHttp client to derive the one token-request client from (its pool, proxy, TLS and
     * timeouts); it is not changed. Default a new one.
     *
     * @param httpClient the client
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder httpClient(OkHttpClient httpClient) {
      shared.httpClient(httpClient);
      return this;
    }

    /**
     * The clock that decides expiry, retry and idle times. Default {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder clock(Clock clock) {
      shared.clock(clock);
      return this;
    }

    /**
     * As {@link OAuthClient.Builder#refreshAhead(Duration)}. Default 5 minutes.
     *
     * @param refreshAhead zero or positive
     * @return this builder
     * @throws IllegalArgumentException if null, negative or over 100 years
     */
    public Builder refreshAhead(Duration refreshAhead) {
      shared.refreshAhead(refreshAhead);
      return this;
    }

    /**
     * As {@link OAuthClient.Builder#expiryMargin(Duration)}. Default 30 seconds.
     *
     * @param expiryMargin zero or positive
     * @return this builder
     * @throws IllegalArgumentException if null, negative or over 100 years
     */
    public Builder expiryMargin(Duration expiryMargin) {
      shared.expiryMargin(expiryMargin);
      return this;
    }

    /**
     * As {@link OAuthClient.Builder#defaultTokenLifetime(Duration)}. Default 5 minutes.
     *
     * @param lifetime positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero, negative or over 100 years
     */
    public Builder defaultTokenLifetime(Duration lifetime) {
      shared.defaultTokenLifetime(lifetime);
      return this;
    }

    /**
     * How each tenant's failed requests are retried; its {@code maxWait} also bounds the
     * credentials lookup and the wait for a request slot. Default {@link RetryPolicy#defaults()}.
     *
     * @param retryPolicy the policy
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      shared.retryPolicy(retryPolicy);
      return this;
    }

    /**
     * The provider's working hours, as {@link OAuthClient.Builder#workingHours}. Default none.
     *
     * @param workingHours the schedule
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder workingHours(WorkingHours workingHours) {
      shared.workingHours(workingHours);
      return this;
    }

    /**
     * Adds a listener for every tenant's events, aggregated (the events name no tenant: a metrics
     * listener gets no tenant tag). Repeatable. Default none. For events that name their tenant,
     * see {@link #tenantListener(Function)}.
     *
     * @param listener the listener
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder listener(OAuthClientListener listener) {
      shared.listener(listener);
      return this;
    }

    /**
     * A listener per tenant, for logs and per-tenant health: {@code perTenant} is given a tenant's
     * id and returns the listener for that tenant's events (or null for none), as OkHttp's {@code
     * EventListener.Factory} makes one listener per call. The listeners of {@link
     * #listener(OAuthClientListener)} still get every event, aggregated. Default none.
     *
     * <p>{@code perTenant} is called on the event thread, with the tenant's first event, at most
     * once per tenant while it is held (again after the tenant was dropped and used again); never
     * on a caller's thread. The returned listener gets that tenant's events on the same thread, in
     * order, except {@code aroundAttempt} (it wraps the request on the request thread, where no
     * tenant code runs). A factory or listener that throws is logged (its type only, at most one
     * WARN a minute) and ignored; one that blocks holds up only the event thread, whose queue is
     * bounded as for every listener. Keep what it returns small: it is held as long as its tenant.
     * Calling this again replaces the factory.
     *
     * @param perTenant tenant id to that tenant's listener, or to null
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder tenantListener(Function<String, ? extends OAuthClientListener> perTenant) {
      if (perTenant == null) {
        throw new IllegalArgumentException("tenantListener == null");
      }
      this.tenantListener = perTenant;
      return this;
    }

    /**
     * Allows {@code http://} to a host that is not loopback. Default off.
     *
     * @return this builder
     */
    public Builder allowInsecureHttp() {
      shared.allowInsecureHttp();
      return this;
    }

    /**
     * Connect timeout of a token request. Default 10 seconds (or the given OkHttp client's).
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero, negative or over 24 days
     */
    public Builder connectTimeout(Duration timeout) {
      shared.connectTimeout(timeout);
      return this;
    }

    /**
     * Read timeout of a token request. Default 10 seconds (or the given OkHttp client's).
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero, negative or over 24 days
     */
    public Builder readTimeout(Duration timeout) {
      shared.readTimeout(timeout);
      return this;
    }

    /**
     * Bound on one request attempt, its wait for a request slot included. Default 30 seconds (or
     * the given OkHttp client's).
     *
     * @param timeout positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero, negative or over 100 years
     */
    public Builder callTimeout(Duration timeout) {
      shared.callTimeout(timeout);
      return this;
    }

    /**
     * Shares each tenant's token with other instances through {@code tokenStore}, under a key of
     * the tenant's own (token URL, tenant, client id, scope). Default none.
     *
     * @param tokenStore the shared store
     * @return this builder
     * @throws IllegalArgumentException if null
     */
    public Builder tokenStore(TokenStore tokenStore) {
      shared.tokenStore(tokenStore);
      return this;
    }

    /**
     * As {@link OAuthClient.Builder#closedProbeInterval(Duration)}. Default 5 minutes.
     *
     * @param interval positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero, negative or over 100 years
     */
    public Builder closedProbeInterval(Duration interval) {
      shared.closedProbeInterval(interval);
      return this;
    }

    /**
     * As {@link OAuthClient.Builder#minRefreshInterval(Duration)}. Default 1 second.
     *
     * @param interval positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero, negative or over 100 years
     */
    public Builder minRefreshInterval(Duration interval) {
      shared.minRefreshInterval(interval);
      return this;
    }

    /** For tests: the scheduler for retry waits and housekeeping; not shut down by close. */
    Builder scheduler(ScheduledExecutorService scheduler) {
      shared.scheduler(scheduler);
      return this;
    }

    /** For tests: the source of jitter. */
    Builder random(DoubleSupplier random) {
      shared.random(random);
      return this;
    }

    /**
     * Builds it.
     *
     * @return a new {@link TenantTokens}; close it when done
     * @throws IllegalStateException if {@code baseUrl} or {@code credentials} is missing, or {@code
     *     baseUrl} is {@code http://} to a non-loopback host without {@link #allowInsecureHttp()}
     */
    public TenantTokens build() {
      if (credentials == null) {
        throw new IllegalStateException(
            "credentials is not set: call credentials(tenant -> TenantCredentials.clientSecret(...))");
      }
      return new TenantTokens(this, shared.sharedSettings());
    }
  }
}
