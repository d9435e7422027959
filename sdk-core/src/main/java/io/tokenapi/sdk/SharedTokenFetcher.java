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
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches through a {@link TokenStore} shared by a fleet: read the store, else take its refresh
 * lock and fetch from the provider (saving the result while still holding the lock), else wait for
 * the holder, reading the store, as long as this client's own wait allows.
 *
 * <ul>
 *   <li>The holder renews its lock every third of the TTL while its request runs (a watchdog, as
 *       Redisson's {@code renewExpiration}), so the TTL bounds only a holder that died; a waiter
 *       takes the lock over when it lapses.
 *   <li>The holder saves with {@link TokenStore#saveIfLocked}: one that lost its lock (paused past
 *       the TTL) never overwrites the token of the one that took over.
 *   <li>A stored token is judged with the cache's margins over its whole lifetime (as if fetched),
 *       and refused when it is older than one this client replaces, rejected or already saw
 *       (fence), so a restored old entry is never taken.
 *   <li>Every store call runs on the client's bounded store pool and is abandoned after {@code
 *       storeTimeoutMillis}: a hung store is bypassed like a failing one, with one WARN, and the
 *       client fetches on its own. Abandoned calls keep their threads until they return, so once
 *       the pool is full of them the store is bypassed at once instead of taking more threads.
 * </ul>
 *
 * Polling waits are scheduled, not slept. The cache must never fail a caller because of the store.
 *
 * <p>A {@link TokenSource} over the retrying source ({@code origin}): the token being replaced
 * comes in the {@link Fetch}, so this stage never asks the cache above it.
 */
final class SharedTokenFetcher implements TokenSource {
  private static final Logger LOG = LoggerFactory.getLogger(SharedTokenFetcher.class);

  /** Whether the WARN about a stored token a header cannot carry was given (once per episode). */
  private final AtomicBoolean unsafeWarned = new AtomicBoolean();

  /** How often a client waiting for another one's refresh looks at the store again. */
  static final long POLL_MILLIS = 50;

  private final TokenStore store;
  private final String key;
  private final TokenSource origin;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService blocking;
  private final Duration lockTtl;
  private final Freshness freshness;
  private final long waitMillis;
  private final long storeTimeoutMillis;
  private final OAuthClientListener listener;
  private final AtomicBoolean degraded = new AtomicBoolean();

  /** A token a resource server rejected: never taken from the store again. */
  private volatile AccessToken rejected;

  /** The highest fence seen in the store: an entry below it is an older one put back. */
  private volatile long highestFence;

  SharedTokenFetcher(
      TokenStore store,
      String key,
      TokenSource origin,
      Clock clock,
      ScheduledExecutorService scheduler,
      ExecutorService blocking,
      Duration lockTtl,
      Freshness freshness,
      Duration wait,
      Duration storeTimeout,
      OAuthClientListener listener) {
    this.store = store;
    this.key = key;
    this.origin = origin;
    this.clock = clock;
    this.scheduler = scheduler;
    this.blocking = blocking;
    this.lockTtl = lockTtl;
    this.freshness = freshness;
    this.waitMillis = wait.toMillis();
    this.storeTimeoutMillis = storeTimeout.toMillis();
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
    // A live holder finishes within its own wait bound, which equals ours, and it started first; a
    // holder that died frees its lock after lockTtl and is taken over before this passes.
    long giveUpAt = clock.millis() + waitMillis;
    attempt(result, fetch, giveUpAt, false);
    return result;
  }

  /**
   * One look at the store: a usable token, the lock, or another look after a poll interval.
   *
   * @param polling false for the first look, true for a look while another client holds the lock
   *     (its misses are not reported again)
   */
  private void attempt(
      CompletableFuture<AccessToken> result, Fetch fetch, long giveUpAt, boolean polling) {
    AccessToken replacing = fetch.replacing;
    if (result.isDone()) {
      return;
    }
    call(
        () -> {
          AccessToken shared = usable(store.read(key), replacing);
          return shared != null
              ? new Look(shared, null)
              : new Look(null, store.tryLock(key, lockTtl));
        },
        (look, error) -> {
          if (error != null) {
            degrade(error);
            event(fetch, StoreEventKind.FALLBACK);
            relay(origin.fetch(fetch), result);
            return;
          }
          recovered();
          if (look.token != null) {
            LOG.debug("Took a token from the token store; expires at {}", look.token.expiresAt());
            result.complete(fromStore(fetch, look.token));
            return;
          }
          if (!polling) {
            event(fetch, StoreEventKind.MISS);
          }
          if (look.owner.isPresent()) {
            event(fetch, StoreEventKind.LOCK_TAKEN);
            fetchAsHolder(result, fetch, look.owner.get());
          } else if (clock.millis() >= giveUpAt) {
            LOG.debug(
                "Token store refresh lock still held after waiting {} ms; fetching without it",
                waitMillis);
            event(fetch, StoreEventKind.FALLBACK);
            relay(origin.fetch(fetch), result);
          } else {
            if (!polling) {
              event(fetch, StoreEventKind.LOCK_WAITED);
            }
            try {
              scheduler.schedule(
                  () -> attempt(result, fetch, giveUpAt, true), POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
              result.completeExceptionally(closed(closed));
            }
          }
        },
        result);
  }

  private void fetchAsHolder(CompletableFuture<AccessToken> result, Fetch fetch, String owner) {
    AccessToken replacing = fetch.replacing;
    // Another client may have saved a token between our read and our lock.
    call(
        () -> usable(store.read(key), replacing),
        (shared, error) -> {
          if (error != null) {
            degrade(error);
          } else if (shared != null) {
            unlockThen(owner, result, () -> result.complete(fromStore(fetch, shared)));
            return;
          }
          LOG.debug("Holding the token store refresh lock; requesting a token from the provider");
          Watchdog watchdog = new Watchdog(owner, fetch);
          origin
              .fetch(fetch)
              .whenComplete(
                  (token, failure) -> {
                    watchdog.stop();
                    if (token == null) {
                      unlockThen(owner, result, () -> result.completeExceptionally(failure));
                      return;
                    }
                    call(
                        () -> store.saveIfLocked(key, owner, token),
                        (saved, saveError) -> {
                          if (saveError != null) {
                            degrade(saveError);
                          } else if (!saved) {
                            LOG.debug(
                                "Lost the token store refresh lock while fetching; the new token"
                                    + " is used here but not saved over the store's");
                          }
                          unlockThen(owner, result, () -> result.complete(token));
                        },
                        result);
                  });
        },
        result);
  }

  /** Renews the holder's lock every third of its TTL until stopped. */
  private final class Watchdog {
    private final String owner;
    private final Fetch fetch;
    private final AtomicBoolean renewing = new AtomicBoolean();
    private final ScheduledFuture<?> task;

    Watchdog(String owner, Fetch fetch) {
      this.owner = owner;
      this.fetch = fetch;
      long period = Math.max(1, lockTtl.toMillis() / 3);
      ScheduledFuture<?> scheduled;
      try {
        scheduled =
            scheduler.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closed) {
        scheduled = null;
      }
      this.task = scheduled;
    }

    private void renew() {
      // One renewal at a time: a slow store must not pile them up.
      if (!renewing.compareAndSet(false, true)) {
        return;
      }
      CompletableFuture<AccessToken> ignored = new CompletableFuture<>();
      call(
          () -> store.renewLock(key, owner, lockTtl),
          (renewed, error) -> {
            renewing.set(false);
            if (error != null) {
              LOG.debug("Token store lock renewal failed ({})", error.getClass().getName());
            } else if (!renewed) {
              LOG.debug("Token store refresh lock was not renewed (lost, or the store cannot)");
            } else {
              event(fetch, StoreEventKind.LOCK_RENEWED);
            }
          },
          ignored);
    }

    void stop() {
      if (task != null) {
        task.cancel(false);
      }
    }
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

  private void unlockThen(String owner, CompletableFuture<AccessToken> result, Runnable then) {
    call(
        () -> {
          store.unlock(key, owner);
          return Boolean.TRUE;
        },
        (done, error) -> {
          if (error != null) {
            degrade(error);
          }
          then.run();
        },
        result);
  }

  /**
   * A stored token this client may use: not the one it is replacing nor an older one, not rejected,
   * not below a fence already seen, and fresh by the same margins as a fetched token.
   */
  private AccessToken usable(Optional<StoredToken> read, AccessToken replacing) {
    if (read == null || read.isEmpty()) {
      return null;
    }
    StoredToken stored = read.get();
    AccessToken token = stored.token();
    String refused = refusal(stored);
    if (refused != null) {
      // Checked once here, as the provider's answers are when parsed: such a token would split or
      // break the Authorization header of every resource call (CR/LF, controls, non-ASCII), be
      // sent as Bearer though bound to another scheme, or outlive any answer's limits. One WARN
      // until the store holds a usable token again; the store's name, never the token.
      if (unsafeWarned.compareAndSet(false, true)) {
        LOG.warn(
            "Token store {} returned a token {}: the client treats it as absent and asks the"
                + " provider; check what writes to that store",
            store.getClass().getName(),
            refused);
      } else {
        LOG.debug("Token store {} still holds a token it cannot use", store.getClass());
      }
      return null;
    }
    unsafeWarned.set(false);
    if (token.equals(replacing) || token.equals(rejected) || stored.fence() < highestFence) {
      return null;
    }
    if (replacing != null && !token.expiresAt().isAfter(replacing.expiresAt())) {
      // An older token put back into the store (or the same one re-encrypted): never a step back.
      return null;
    }
    long now = clock.millis();
    // The cache's own rule, over the token's whole lifetime when the store knows when it was
    // issued: a stored token is stale exactly when a fetched one would be.
    AccessToken dated =
        stored.issuedAt().isPresent()
            ? token.withIssuedAt(stored.issuedAt().get().toEpochMilli())
            : token;
    long obtainedAt = stored.issuedAt().map(i -> Math.min(i.toEpochMilli(), now)).orElse(now);
    if (!freshness.isFresh(obtainedAt, token.expiresAt().toEpochMilli(), now)) {
      return null;
    }
    if (stored.fence() > highestFence) {
      highestFence = stored.fence();
    }
    return dated;
  }

  /** The longest stored token value used: the most a provider's answer holds by default. */
  static final int MAX_STORED_TOKEN_CHARS = (int) ClientSettings.DEFAULT_MAX_RESPONSE_BYTES;

  /**
   * Why a stored token can never be used, as the provider's parser would refuse it, or null. Its
   * wording goes into the WARN, so it never quotes the token.
   */
  private String refusal(StoredToken stored) {
    AccessToken token = stored.token();
    if (!TokenResponseParser.isVsChars(token.value())) {
      return "with characters an HTTP header cannot carry (a token holds only %x20-7E)";
    }
    if (token.value().length() > MAX_STORED_TOKEN_CHARS) {
      return "of "
          + token.value().length()
          + " characters, over the "
          + MAX_STORED_TOKEN_CHARS
          + " a provider's answer holds";
    }
    if (!"Bearer".equalsIgnoreCase(token.tokenType())) {
      return "of another type than Bearer (the client sends only Bearer tokens)";
    }
    // The parser's cap on expires_in, and a day for the writer's clock: past it (or outside the
    // millisecond range, which would throw where the cache reads it) the entry is not a token.
    Instant latest =
        Instant.ofEpochMilli(clock.millis())
            .plusSeconds(TokenResponseParser.MAX_EXPIRES_IN_SECONDS + 86_400);
    if (token.expiresAt().isAfter(latest)
        || token.expiresAt().isBefore(EARLIEST)
        || stored.issuedAt().map(i -> i.isBefore(EARLIEST)).orElse(false)) {
      return "whose expiry or issue time is out of range (over the provider's 10-year cap, or"
          + " before 1970)";
    }
    return null;
  }

  private static final Instant EARLIEST = Instant.EPOCH;

  private interface Callback<T> {
    void accept(T value, RuntimeException error);
  }

  /**
   * Runs a store call on the blocking pool and hands its outcome to {@code then}, or a timeout
   * after {@code storeTimeoutMillis}, whichever comes first; {@code then} runs once.
   */
  private <T> void call(
      Supplier<T> storeCall, Callback<T> then, CompletableFuture<AccessToken> result) {
    AtomicBoolean once = new AtomicBoolean();
    ScheduledFuture<?> timeout;
    try {
      timeout =
          scheduler.schedule(
              () -> {
                if (once.compareAndSet(false, true)) {
                  then.accept(
                      null,
                      new StoreTimeoutException(
                          "token store call took longer than " + storeTimeoutMillis + " ms"));
                }
              },
              storeTimeoutMillis,
              TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      fail(result, closed);
      return;
    }
    try {
      blocking.execute(
          () -> {
            if (once.get()) {
              return; // waited in the queue past its deadline: the caller has moved on
            }
            T value;
            try {
              value = storeCall.get();
            } catch (RuntimeException e) {
              if (once.compareAndSet(false, true)) {
                timeout.cancel(false);
                safely(() -> then.accept(null, e), result);
              }
              return;
            } catch (Error e) {
              // Not a store outage but this thread's own trouble: the fetch ends at once (nobody
              // may wait for it forever) and the Error goes on to this thread.
              if (once.compareAndSet(false, true)) {
                timeout.cancel(false);
                if (result != null) {
                  result.completeExceptionally(Futures.typed(e));
                }
              }
              throw e;
            }
            if (once.compareAndSet(false, true)) {
              timeout.cancel(false);
              safely(() -> then.accept(value, null), result);
            }
          });
    } catch (RejectedExecutionException rejected) {
      timeout.cancel(false);
      if (blocking.isShutdown()) {
        fail(result, rejected);
      } else if (once.compareAndSet(false, true)) {
        // Every store thread is still inside an earlier call that outlived its deadline.
        safely(
            () ->
                then.accept(
                    null,
                    new StoreTimeoutException(
                        "every token store thread is still busy with an earlier call")),
            result);
      }
    }
  }

  private static void safely(Runnable step, CompletableFuture<AccessToken> result) {
    try {
      step.run();
    } catch (RuntimeException | Error e) {
      // An Error too (a listener's, say): the fetch must end, not hang its callers; the Error still
      // reaches this thread.
      if (result != null) {
        result.completeExceptionally(Futures.typed(e));
      }
      if (e instanceof Error) {
        throw (Error) e;
      }
    }
  }

  private static void fail(CompletableFuture<AccessToken> result, RejectedExecutionException e) {
    if (result != null) {
      result.completeExceptionally(closed(e));
    }
  }

  private static OAuthException closed(RejectedExecutionException e) {
    return new OAuthException("OAuthClient was closed while waiting for a token", e);
  }

  private void relay(CompletableFuture<AccessToken> from, CompletableFuture<AccessToken> to) {
    from.whenComplete(
        (token, error) -> {
          if (error == null) {
            to.complete(token);
          } else {
            to.completeExceptionally(error);
          }
        });
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

  /** What one look at the store found: a usable token, or the lock attempt's outcome. */
  private static final class Look {
    final AccessToken token;
    final Optional<String> owner;

    Look(AccessToken token, Optional<String> owner) {
      this.token = token;
      this.owner = owner;
    }
  }

  /** A store call that outlived {@code tokenStoreTimeout}: handled like a store failure. */
  static final class StoreTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreTimeoutException(String message) {
      super(message, null, false, false);
    }
  }
}
