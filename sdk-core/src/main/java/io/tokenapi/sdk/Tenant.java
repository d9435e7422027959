package io.tokenapi.sdk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant of a {@link TenantTokens}: its id, its {@link TokenCache}, when it was last used, and
 * its credentials once looked up. It is its cache's {@link TokenSource}: for each fetch it looks up
 * the credentials when it has none, assembles the stages below the cache from the shared parts and
 * lets them go when the fetch ends. Kept small on purpose: a hundred thousand of these sit in the
 * heap.
 */
final class Tenant implements TokenSource {
  private static final Logger LOG = LoggerFactory.getLogger(TenantTokens.class);
  private static final VarHandle STATE;

  private static final int IDLE = 0;
  private static final int FETCHING = 1;

  /** Dropped from the map: a fetch asked of it goes to the tenant's live entry instead. */
  private static final int RETIRED = -1;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Tenant.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final String id;
  final TokenCache cache;
  private final TenantTokens owner;

  /** Where this tenant's stages send events (the shared dispatcher, or this tenant's own). */
  private final OAuthClientListener events;

  /** The coarse time of the last call, epoch millis: written only when it changed. */
  volatile long lastAccess;

  /** Null until the lookup answered, and again after the provider rejected them. */
  private volatile TenantCredentials credentials;

  /** The last token a resource server rejected, for a token store not to hand it back. */
  private volatile AccessToken rejected;

  @SuppressWarnings("unused") // through STATE
  private volatile int state;

  Tenant(String id, TenantTokens owner, TenantAssembly assembly, long now) {
    this.id = id;
    this.owner = owner;
    this.lastAccess = now;
    this.events = assembly.eventsOf(id);
    this.cache = assembly.newCache(this, events);
  }

  /**
   * Retires the tenant unless a fetch is in flight: a tenant whose callers wait is never dropped.
   *
   * @return true when it may leave the map
   */
  boolean retire() {
    return STATE.compareAndSet(this, IDLE, RETIRED);
  }

  boolean fetching() {
    return state == FETCHING;
  }

  @Override
  public CompletableFuture<AccessToken> fetch(Fetch fetch) {
    if (!STATE.compareAndSet(this, IDLE, FETCHING)) {
      if (state == RETIRED) {
        // Evicted between the caller's map read and this fetch: the live entry fetches, once.
        return owner.fetchForRetired(id);
      }
      // Not expected (the cache fetches once at a time); the state stays FETCHING until then.
    }
    CompletableFuture<AccessToken> result;
    try {
      result = fetchWithCredentials(fetch);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(Futures.typed(e));
    }
    return result.whenComplete(
        (token, error) -> {
          if (error != null) {
            Throwable cause = Futures.unwrap(error);
            if (LOG.isDebugEnabled()) {
              LOG.debug(
                  "No token for tenant {}: {}",
                  TenantTokens.printable(id),
                  cause.getClass().getSimpleName());
            }
            if (credentialsRejected(cause)) {
              // Asked again on the next fetch: the tenant may have rotated its secret.
              credentials = null;
            }
          }
          STATE.compareAndSet(this, FETCHING, IDLE);
        });
  }

  private CompletableFuture<AccessToken> fetchWithCredentials(Fetch fetch) {
    TenantAssembly assembly = owner.assembly();
    TenantCredentials known = credentials;
    if (known != null) {
      return assembly.pipeline(id, known, rejected, events).fetch(fetch);
    }
    return assembly
        .lookup(id)
        .thenCompose(
            found -> {
              credentials = found;
              return assembly.pipeline(id, found, rejected, events).fetch(fetch);
            });
  }

  /** 401, or an RFC 6749 {@code invalid_client}: the provider does not know these credentials. */
  private static boolean credentialsRejected(Throwable error) {
    if (!(error instanceof ApiException)) {
      return false;
    }
    ApiException e = (ApiException) error;
    return e.statusCode() == 401
        || e.error().map(a -> "invalid_client".equals(a.code())).orElse(false);
  }

  @Override
  public void reject(AccessToken token) {
    if (token != null) {
      rejected = token;
    }
  }

  @Override
  public String closedMessage() {
    return "TenantTokens is closed: build a new TenantTokens to get tokens.";
  }

  /** The stages below are made per fetch and share the owner's threads: the owner closes those. */
  @Override
  public void close() {}
}
