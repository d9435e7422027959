package io.tokenapi.sdk;

import io.tokenapi.sdk.OAuthClientListener.StoreEvent;
import io.tokenapi.sdk.OAuthClientListener.StoreEventKind;
import io.tokenapi.sdk.OAuthClientListener.TokenObtained;
import io.tokenapi.sdk.OAuthClientListener.TokenOrigin;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches through a {@link TokenStore} shared by a fleet: read the store, else take its refresh
 * lock and fetch from the provider (saving the result), else poll the store until the lock holder
 * saved a token or its lock expired. Store calls block, so they run on the client's on-demand pool;
 * polling waits are scheduled, not slept. A failing store is bypassed with a WARN: the cache must
 * never fail a caller.
 *
 * <p>A {@link TokenSource} over the retrying source ({@code origin}): the token being replaced
 * comes in the {@link Fetch}, so this stage never asks the cache above it.
 */
final class SharedTokenFetcher implements TokenSource {
  private static final Logger LOG = LoggerFactory.getLogger(OAuthClient.class);

  /** How often a client waiting for another one's refresh looks at the store again. */
  static final long POLL_MILLIS = 50;

  private final TokenStore store;
  private final String key;
  private final TokenSource origin;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Executor blocking;
  private final Duration lockTtl;
  private final Freshness freshness;
  private final OAuthClientListener listener;
  private final AtomicBoolean degraded = new AtomicBoolean();

  /** A token a resource server rejected: never taken from the store again. */
  private volatile AccessToken rejected;

  SharedTokenFetcher(
      TokenStore store,
      String key,
      TokenSource origin,
      Clock clock,
      ScheduledExecutorService scheduler,
      Executor blocking,
      Duration lockTtl,
      Freshness freshness,
      OAuthClientListener listener) {
    this.store = store;
    this.key = key;
    this.origin = origin;
    this.clock = clock;
    this.scheduler = scheduler;
    this.blocking = blocking;
    this.lockTtl = lockTtl;
    this.freshness = freshness;
    this.listener = listener;
  }

  /**
   * The store key: a hash of token URL, client id and scope, so one store can serve many clients.
   * Never the secret.
   */
  static String key(HttpUrl tokenUrl, String clientId, String scope) {
    return key(tokenUrl, clientId, scope, null);
  }

  /**
   * The store key of a client that also differs by {@code variant} (its credential kind and token
   * parameters, see {@link TokenRequestFactory#storeKeyVariant}); null gives the plain key.
   */
  static String key(HttpUrl tokenUrl, String clientId, String scope, String variant) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] hash =
          sha256.digest(
              (tokenUrl
                      + "\n"
                      + clientId
                      + "\n"
                      + (scope == null ? "" : scope)
                      + (variant == null ? "" : "\n" + variant))
                  .getBytes(StandardCharsets.UTF_8));
      return "tokenapi:token:" + HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public void reject(AccessToken token) {
    if (token != null) {
      rejected = token;
    }
  }

  @Override
  public void close() {
    origin.close();
  }

  @Override
  public CompletableFuture<AccessToken> fetch(Fetch fetch) {
    CompletableFuture<AccessToken> result = new CompletableFuture<>();
    AccessToken replacing = fetch.replacing;
    // A holder that died frees its lock after lockTtl; waiting a little longer than that lets this
    // client take over.
    long giveUpAt = clock.millis() + lockTtl.toMillis() + 4 * POLL_MILLIS;
    runBlocking(result, () -> attempt(result, fetch, replacing, giveUpAt, false));
    return result;
  }

  /**
   * @param polling false for the first look, true for a look while another client holds the lock
   *     (its misses are not reported again)
   */
  private void attempt(
      CompletableFuture<AccessToken> result,
      Fetch fetch,
      AccessToken replacing,
      long giveUpAt,
      boolean polling) {
    if (result.isDone()) {
      return;
    }
    Optional<String> owner;
    try {
      AccessToken shared = usable(store.load(key), replacing);
      if (shared != null) {
        recovered();
        LOG.debug("Took a token from the token store; expires at {}", shared.expiresAt());
        result.complete(fromStore(fetch, shared));
        return;
      }
      if (!polling) {
        event(fetch, StoreEventKind.MISS);
      }
      owner = store.tryLock(key, lockTtl);
      recovered();
    } catch (RuntimeException e) {
      degrade(e);
      event(fetch, StoreEventKind.FALLBACK);
      relay(origin.fetch(fetch), result);
      return;
    }
    if (owner.isPresent()) {
      event(fetch, StoreEventKind.LOCK_TAKEN);
      fetchAsHolder(result, fetch, replacing, owner.get());
    } else if (clock.millis() >= giveUpAt) {
      LOG.debug("Token store refresh lock still held after {}; fetching without it", lockTtl);
      event(fetch, StoreEventKind.FALLBACK);
      relay(origin.fetch(fetch), result);
    } else {
      if (!polling) {
        event(fetch, StoreEventKind.LOCK_WAITED);
      }
      try {
        scheduler.schedule(
            () -> runBlocking(result, () -> attempt(result, fetch, replacing, giveUpAt, true)),
            POLL_MILLIS,
            TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closed) {
        result.completeExceptionally(
            new OAuthException("OAuthClient was closed while waiting for a token", closed));
      }
    }
  }

  private void fetchAsHolder(
      CompletableFuture<AccessToken> result, Fetch fetch, AccessToken replacing, String owner) {
    AccessToken shared;
    try {
      // Another client may have saved a token between our read and our lock.
      shared = usable(store.load(key), replacing);
    } catch (RuntimeException e) {
      degrade(e);
      shared = null;
    }
    if (shared != null) {
      unlock(owner);
      result.complete(fromStore(fetch, shared));
      return;
    }
    LOG.debug("Holding the token store refresh lock; requesting a token from the provider");
    origin
        .fetch(fetch)
        .whenComplete(
            (token, error) ->
                runBlocking(
                    result,
                    () -> {
                      if (token != null) {
                        try {
                          store.save(key, token);
                        } catch (RuntimeException e) {
                          degrade(e);
                        }
                      }
                      unlock(owner);
                      if (token != null) {
                        result.complete(token);
                      } else {
                        result.completeExceptionally(Futures.unwrap(error));
                      }
                    }));
  }

  /** Tells the listener the fetch took {@code token} from the store; returns it. */
  private AccessToken fromStore(Fetch fetch, AccessToken token) {
    event(fetch, StoreEventKind.HIT);
    long now = clock.millis();
    listener.onTokenObtained(
        new TokenObtained(
            fetch.id,
            TokenOrigin.STORE,
            Duration.ofMillis(Math.max(0, token.expiresAt().toEpochMilli() - now)),
            token.expiresAt()));
    return token;
  }

  private void event(Fetch fetch, StoreEventKind kind) {
    listener.onStoreEvent(new StoreEvent(fetch.id, kind));
  }

  private void unlock(String owner) {
    try {
      store.unlock(key, owner);
    } catch (RuntimeException e) {
      degrade(e);
    }
  }

  /**
   * A stored token this client may use: not the one it is replacing, not rejected, and not yet
   * stale.
   */
  private AccessToken usable(Optional<AccessToken> stored, AccessToken replacing) {
    if (stored == null || stored.isEmpty()) {
      return null;
    }
    AccessToken token = stored.get();
    if (token.equals(replacing) || token.equals(rejected)) {
      return null;
    }
    long now = clock.millis();
    // Judged by the lifetime left at load time (obtained = now): the store does not keep when a
    // token was obtained.
    return freshness.isFresh(now, token.expiresAt().toEpochMilli(), now) ? token : null;
  }

  private void relay(CompletableFuture<AccessToken> from, CompletableFuture<AccessToken> to) {
    from.whenComplete(
        (token, error) -> {
          if (error == null) {
            to.complete(token);
          } else {
            to.completeExceptionally(Futures.unwrap(error));
          }
        });
  }

  private void runBlocking(CompletableFuture<AccessToken> result, Runnable task) {
    try {
      blocking.execute(
          () -> {
            try {
              task.run();
            } catch (Throwable e) {
              // Whatever went wrong, the fetch completes; an Error goes on to this thread.
              result.completeExceptionally(e);
              if (e instanceof Error) {
                throw (Error) e;
              }
            }
          });
    } catch (RejectedExecutionException closed) {
      result.completeExceptionally(
          new OAuthException("OAuthClient was closed while waiting for a token", closed));
    }
  }

  private void degrade(RuntimeException e) {
    if (degraded.compareAndSet(false, true)) {
      // Only the type: a store's message may name hosts and keys, never anything the caller must
      // act on here.
      LOG.warn(
          "Token store failed ({}); fetching tokens without it until it answers again",
          e.getClass().getName());
    } else {
      LOG.debug("Token store still failing ({})", e.getClass().getName());
    }
  }

  private void recovered() {
    if (degraded.compareAndSet(true, false)) {
      LOG.info("Token store answers again; sharing tokens through it");
    }
  }
}
