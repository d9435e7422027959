package io.tokenapi.sdk;

import io.tokenapi.sdk.internal.Keyring;
import io.tokenapi.sdk.internal.TokenEnvelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.SecretKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TokenStore} in a local directory: the client's token survives a restart of the process,
 * and the processes of one host share it. For a service that runs as a single instance (or a few on
 * one host) and must not lose its token when it restarts while the provider is closed.
 *
 * <pre>{@code
 * SecretKey key = new SecretKeySpec(Base64.getDecoder().decode(System.getenv("TOKEN_STORE_KEY")), "AES");
 * OAuthClient client = OAuthClient.builder()
 *     .baseUrl("https://api.example.com")
 *     .clientId("my-id")
 *     .clientSecret("my-secret")
 *     .tokenStore(FileTokenStore.builder(Path.of("/var/lib/my-service/tokens")).encryptionKey(key).build())
 *     .build();
 * }</pre>
 *
 * <p>Layout: one file per store key, {@code tokenapi-<hash>.token}, holding the token sealed with
 * AES-GCM under the application's key and bound to its store key; and one {@code
 * tokenapi-<hash>.lock} file per key whose {@link FileChannel} lock is the refresh lock. On POSIX
 * file systems the directory (when the store creates it) and every file are readable by their owner
 * only.
 *
 * <ul>
 *   <li><b>Atomic writes.</b> A token is written to a temporary file in the same directory, forced
 *       to disk, renamed over the old one atomically, and the directory is forced: a reader sees
 *       the old token or the new one, and a crash at any point never leaves a torn file.
 *   <li><b>Several processes.</b> The refresh lock is an operating-system file lock, released by
 *       the OS when its process dies, so a crashed holder never blocks the others. Within one JVM
 *       the lock also expires after the client's lock time to live.
 *   <li><b>Unreadable files.</b> A file that is corrupt, foreign, written under another key or for
 *       another store key is treated as absent, with one WARN per file (never its content); the
 *       next token replaces it.
 * </ul>
 *
 * <p>Use a local file system: network file systems do not all honour file locks and atomic renames.
 * Thread-safe. I/O failures are thrown as {@link UncheckedIOException}s, which the client treats as
 * a store outage (it logs one WARN and fetches on its own).
 */
public final class FileTokenStore implements TokenStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileTokenStore.class);

  /** Files larger than this are not ours: a sealed token is a few kilobytes. */
  private static final long MAX_FILE_BYTES = 1 << 20;

  /** Temporary files older than this at build() were left by a writer that died mid-write. */
  private static final Duration ABANDONED_TEMP_AGE = Duration.ofMinutes(10);

  private static final String PREFIX = "tokenapi-";
  private static final String TEMP_PREFIX = ".tokenapi-";
  private static final String TEMP_SUFFIX = ".tmp";

  /**
   * Lock files open in this JVM, one channel each for the life of the JVM: on POSIX, closing any
   * channel of a file drops every lock this process holds on it, so a file is never opened twice.
   */
  private static final ConcurrentMap<Path, LockSlot> LOCK_SLOTS = new ConcurrentHashMap<>();

  private final Path directory;
  private final TokenEnvelope envelope;
  private final Clock clock;
  private final boolean posix;

  /** File name to the fingerprint of the unreadable file already reported, for one WARN each. */
  private final ConcurrentMap<String, String> reported = new ConcurrentHashMap<>();

  private FileTokenStore(Path directory, TokenEnvelope envelope, Clock clock, boolean posix) {
    this.directory = directory;
    this.envelope = envelope;
    this.clock = clock;
    this.posix = posix;
  }

  /**
   * A builder for a store in {@code directory}; the directory is created (owner-only on POSIX) if
   * it does not exist. An encryption key is required.
   *
   * @param directory a directory on a local file system that only this service uses
   * @return a new builder
   * @throws IllegalArgumentException if {@code directory} is null
   */
  public static Builder builder(Path directory) {
    if (directory == null) {
      throw new IllegalArgumentException("directory == null");
    }
    return new Builder(directory);
  }

  /**
   * The token saved under {@code key}, unless it has expired. A file that cannot be read as one of
   * this store's tokens under its key is reported as empty, with one WARN.
   *
   * @param key the client's store key
   * @return the token, or empty
   * @throws UncheckedIOException when the directory cannot be read
   */
  @Override
  public Optional<AccessToken> load(String key) {
    return read(key).map(StoredToken::token);
  }

  /**
   * The token saved under {@code key} with its issue time and fence, unless it has expired. A file
   * that cannot be read as one of this store's tokens under its key is reported as empty, with one
   * WARN. The store's clock is this host's.
   *
   * @param key the client's store key
   * @return the token and its metadata, or empty
   * @throws UncheckedIOException when the directory cannot be read
   */
  @Override
  public Optional<StoredToken> read(String key) {
    Instant now = clock.instant();
    TokenEnvelope.Entry entry = readEntry(key);
    return entry == null ? Optional.empty() : entry.toStoredToken(now.toEpochMilli(), now);
  }

  /** The entry under {@code key}, or null when there is none or it is unreadable (one WARN). */
  private TokenEnvelope.Entry readEntry(String key) {
    Path file = tokenFile(key);
    byte[] sealed;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        reportUnreadable(file, "larger than " + MAX_FILE_BYTES + " bytes");
        return null;
      }
      sealed = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read token store file " + file, e);
    }
    try {
      return envelope.open(key, new String(sealed, StandardCharsets.ISO_8859_1));
    } catch (TokenEnvelope.UnreadableEntryException e) {
      reportUnreadable(file, e.getMessage());
      return null;
    }
  }

  /**
   * Seals {@code token} and writes it under {@code key} atomically (temporary file, fsync, rename,
   * fsync of the directory); a token that has already expired is not written.
   *
   * @param key the client's store key
   * @param token the token
   * @throws UncheckedIOException when the file cannot be written
   */
  @Override
  public void save(String key, AccessToken token) {
    write(key, token);
  }

  /**
   * Saves {@code token} like {@link #save} only while {@code owner} holds the refresh lock for
   * {@code key}: a client whose lock lapsed cannot overwrite the token of the one that took over.
   *
   * @param key the client's store key
   * @param owner the owner id {@link #tryLock} returned
   * @param token the token
   * @return true when saved, false when {@code owner} no longer holds the lock
   * @throws UncheckedIOException when the file cannot be written
   */
  @Override
  public boolean saveIfLocked(String key, String owner, AccessToken token) {
    LockSlot slot = LOCK_SLOTS.get(lockFile(key));
    if (slot == null) {
      return false;
    }
    // Under the slot's guard, so the lock cannot be taken over in this JVM between the check and
    // the rename; other processes cannot take it while this one holds the OS lock.
    slot.guard.lock();
    try {
      if (!slot.holds(owner, System.nanoTime())) {
        return false;
      }
      write(key, token);
      return true;
    } finally {
      slot.guard.unlock();
    }
  }

  private void write(String key, AccessToken token) {
    long now = clock.millis();
    long expiresAt = token.expiresAt().toEpochMilli();
    if (expiresAt <= now) {
      return;
    }
    Path target = tokenFile(key);
    // The fence grows with every save: the host clock, or one more than the entry it replaces.
    TokenEnvelope.Entry previous = readEntry(key);
    long fence = previous == null ? now : Math.max(now, previous.fence() + 1);
    byte[] sealed =
        envelope.seal(key, token, now, expiresAt, fence).getBytes(StandardCharsets.ISO_8859_1);
    Path temp = null;
    try {
      temp = Files.createTempFile(directory, TEMP_PREFIX, TEMP_SUFFIX, ownerOnly(false));
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(sealed);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      temp = null;
      forceDirectory();
      reported.remove(target.getFileName().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write token store file " + target, e);
    } finally {
      deleteQuietly(temp);
    }
  }

  /**
   * Tries to take the refresh lock for {@code key}: an exclusive lock on its lock file, held until
   * {@link #unlock}, the death of this process, or (for other clients in this JVM) {@code ttl}.
   *
   * @param key the client's store key
   * @param ttl how long the lock holds against other clients of this JVM if it is never released
   * @return an owner id, or empty when another client or process holds the lock
   * @throws UncheckedIOException when the lock file cannot be opened
   */
  @Override
  public Optional<String> tryLock(String key, Duration ttl) {
    LockSlot slot = lockSlot(lockFile(key));
    String owner = UUID.randomUUID().toString();
    long now = System.nanoTime();
    slot.guard.lock();
    try {
      if (slot.held != null) {
        if (slot.expiresAtNanos - now > 0) {
          return Optional.empty();
        }
        // Its holder in this JVM never released it: the lock time to live has passed.
        release(slot);
      }
      FileLock lock;
      try {
        lock = slot.channel.tryLock();
      } catch (OverlappingFileLockException e) {
        return Optional.empty();
      } catch (IOException e) {
        LOCK_SLOTS.remove(slot.path, slot);
        throw new UncheckedIOException("Cannot lock token store file " + slot.path, e);
      }
      if (lock == null) {
        return Optional.empty(); // another process holds it
      }
      slot.held = lock;
      slot.owner = owner;
      slot.expiresAtNanos = now + Math.max(1, ttl.toNanos());
      return Optional.of(owner);
    } finally {
      slot.guard.unlock();
    }
  }

  /**
   * Extends the refresh lock for {@code key} to {@code ttl} from now if {@code owner} still holds
   * it. Against other processes the OS lock holds anyway until it is released or its process dies;
   * the time to live bounds it against other clients of this JVM.
   *
   * @param key the client's store key
   * @param owner the owner id {@link #tryLock} returned
   * @param ttl the new time to live
   * @return true when extended, false when {@code owner} no longer holds the lock
   */
  @Override
  public boolean renewLock(String key, String owner, Duration ttl) {
    LockSlot slot = LOCK_SLOTS.get(lockFile(key));
    if (slot == null) {
      return false;
    }
    long now = System.nanoTime();
    slot.guard.lock();
    try {
      if (!slot.holds(owner, now)) {
        return false;
      }
      slot.expiresAtNanos = now + Math.max(1, ttl.toNanos());
      return true;
    } finally {
      slot.guard.unlock();
    }
  }

  /**
   * Releases the refresh lock for {@code key} if {@code owner} holds it.
   *
   * @param key the client's store key
   * @param owner the owner id {@link #tryLock} returned
   */
  @Override
  public void unlock(String key, String owner) {
    LockSlot slot = LOCK_SLOTS.get(lockFile(key));
    if (slot == null) {
      return;
    }
    slot.guard.lock();
    try {
      if (slot.held != null && owner.equals(slot.owner)) {
        release(slot);
      }
    } finally {
      slot.guard.unlock();
    }
  }

  /**
   * Describes the store by directory and encryption, never tokens or key material.
   *
   * @return a description that is safe to log
   */
  @Override
  public String toString() {
    return "FileTokenStore[directory=" + directory + ", encryption=" + envelope.keys() + "]";
  }

  Path tokenFile(String key) {
    return directory.resolve(PREFIX + hash(key) + ".token");
  }

  private Path lockFile(String key) {
    return directory.resolve(PREFIX + hash(key) + ".lock");
  }

  private LockSlot lockSlot(Path path) {
    LockSlot slot = LOCK_SLOTS.get(path);
    if (slot != null && slot.channel.isOpen()) {
      return slot;
    }
    try {
      return LOCK_SLOTS.compute(
          path,
          (p, existing) -> {
            if (existing != null && existing.channel.isOpen()) {
              return existing;
            }
            try {
              return new LockSlot(
                  p,
                  FileChannel.open(
                      p,
                      Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                      ownerOnly(false)));
            } catch (IOException e) {
              throw new UncheckedIOException("Cannot open token store lock file " + p, e);
            }
          });
    } catch (UnsupportedOperationException e) {
      throw new IllegalStateException("file system cannot set owner-only permissions", e);
    }
  }

  private static void release(LockSlot slot) {
    try {
      slot.held.release();
    } catch (ClosedChannelException e) {
      // The channel was closed (an interrupted I/O call): its locks went with it.
      LOCK_SLOTS.remove(slot.path, slot);
    } catch (IOException e) {
      LOG.debug("Releasing the token store lock {} failed ({})", slot.path, e.getClass().getName());
    } finally {
      slot.held = null;
      slot.owner = null;
    }
  }

  private void reportUnreadable(Path file, String reason) {
    String fingerprint;
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      fingerprint = attributes.size() + "@" + attributes.lastModifiedTime();
    } catch (IOException e) {
      fingerprint = reason;
    }
    String previous = reported.put(file.getFileName().toString(), fingerprint);
    if (fingerprint.equals(previous)) {
      LOG.debug("Token store file {} is still unreadable ({})", file, reason);
    } else {
      // The reason only: never the content, which may be a token sealed under another key.
      LOG.warn(
          "Token store file {} is not a token this store can read ({}): treating it as absent;"
              + " the next token replaces it",
          file,
          reason);
    }
  }

  private void forceDirectory() {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open a directory: their rename is durable on its own.
      LOG.trace("Cannot force the token store directory ({})", e.getClass().getName());
    }
  }

  private FileAttribute<?>[] ownerOnly(boolean directory) {
    return ownerOnly(posix, directory);
  }

  private static FileAttribute<?>[] ownerOnly(boolean posix, boolean directory) {
    if (!posix) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {
      PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString(directory ? "rwx------" : "rw-------"))
    };
  }

  private static void deleteQuietly(Path path) {
    if (path == null) {
      return;
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.debug("Cannot delete {} ({})", path, e.getClass().getName());
    }
  }

  private static String hash(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** One lock file's channel in this JVM, and the lock a client of this JVM holds on it. */
  private static final class LockSlot {
    /**
     * Guards the fields below, and is held across a save's file write and fsync. A j.u.c. lock, not
     * a monitor: a virtual thread waiting for it unmounts, where on JDK 21 to 23 one blocked on a
     * monitor would pin its carrier for the length of the disk write.
     */
    final ReentrantLock guard = new ReentrantLock();

    final Path path;
    final FileChannel channel;
    FileLock held;
    String owner;
    long expiresAtNanos;

    LockSlot(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    /**
     * Whether {@code owner} holds the lock and its time to live has not passed; under the guard.
     */
    boolean holds(String owner, long nowNanos) {
      return held != null && owner.equals(this.owner) && expiresAtNanos - nowNanos > 0;
    }
  }

  /** Builds a {@link FileTokenStore}; {@link #encryptionKey} is required. */
  public static final class Builder {
    private final Path directory;
    private final Keyring.Builder keys = Keyring.builder();
    private Clock clock = Clock.systemUTC();

    private Builder(Path directory) {
      this.directory = directory;
    }

    /**
     * The AES key that encrypts tokens at rest (AES-GCM), with an id derived from the key. Take it
     * from the application's secret store, for example {@code new
     * SecretKeySpec(Base64.getDecoder().decode(secret), "AES")} with a 32-byte secret. Prefer
     * {@link #encryptionKey(String, SecretKey)}, whose id you choose, to rotate keys later.
     *
     * @param key an AES key of 128, 192 or 256 bits (algorithm {@code "AES"})
     * @return this builder
     * @throws IllegalArgumentException if {@code key} is null, not an AES key, not 16, 24 or 32
     *     bytes long, or does not export its bytes (then pass a key id)
     */
    public Builder encryptionKey(SecretKey key) {
      keys.encryptionKey(key);
      return this;
    }

    /**
     * The AES key that encrypts new files, and its id, which every file carries so that a rotation
     * needs no token request.
     *
     * @param keyId 1 to 64 characters of {@code A-Z a-z 0-9 . _ : -}, for example {@code "2026-12"}
     * @param key an AES key of 128, 192 or 256 bits
     * @return this builder
     * @throws IllegalArgumentException if an argument is null or invalid, or another key has the
     *     same id
     */
    public Builder encryptionKey(String keyId, SecretKey key) {
      keys.encryptionKey(keyId, key);
      return this;
    }

    /**
     * A key that only decrypts files carrying {@code keyId}: the old key after a rotation.
     * Repeatable.
     *
     * @param keyId the id the files carry
     * @param key an AES key of 128, 192 or 256 bits
     * @return this builder
     * @throws IllegalArgumentException if an argument is null or invalid, or another key has the
     *     same id
     */
    public Builder decryptionKey(String keyId, SecretKey key) {
      keys.decryptionKey(keyId, key);
      return this;
    }

    /**
     * A key that only decrypts, with the id derived from the key as {@link
     * #encryptionKey(SecretKey)} derives it: the old key after a rotation from an unnamed key.
     *
     * @param key an AES key of 128, 192 or 256 bits
     * @return this builder
     * @throws IllegalArgumentException as {@link #encryptionKey(SecretKey)}
     */
    public Builder decryptionKey(SecretKey key) {
      keys.decryptionKey(key);
      return this;
    }

    /**
     * The clock that decides whether a stored token has expired. Default: the system UTC clock.
     *
     * @param clock the clock
     * @return this builder
     * @throws IllegalArgumentException if {@code clock} is null
     */
    public Builder clock(Clock clock) {
      if (clock == null) {
        throw new IllegalArgumentException("clock == null");
      }
      this.clock = clock;
      return this;
    }

    /**
     * Builds the store: creates the directory if needed (owner-only on POSIX) and deletes temporary
     * files that a writer killed mid-write left there more than ten minutes ago.
     *
     * @return the store
     * @throws IllegalStateException if no encryption key was set, a key cannot be used for AES-GCM
     *     in this JVM, or the directory cannot be created or written
     */
    public FileTokenStore build() {
      TokenEnvelope sealing = new TokenEnvelope(keys.build());
      boolean posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
      Path real;
      try {
        Files.createDirectories(directory, ownerOnly(posix, true));
        real = directory.toRealPath();
      } catch (IOException e) {
        throw new IllegalStateException(
            "Cannot create the token store directory "
                + directory
                + " ("
                + e.getClass().getSimpleName()
                + "): pass a writable directory to FileTokenStore.builder",
            e);
      }
      if (!Files.isDirectory(real) || !Files.isWritable(real)) {
        throw new IllegalStateException(
            "Token store directory "
                + real
                + " is not a writable directory: pass a writable directory to FileTokenStore.builder");
      }
      deleteAbandonedTempFiles(real);
      return new FileTokenStore(real, sealing, clock, posix);
    }

    private static void deleteAbandonedTempFiles(Path dir) {
      FileTime before =
          FileTime.fromMillis(System.currentTimeMillis() - ABANDONED_TEMP_AGE.toMillis());
      try (DirectoryStream<Path> temps =
          Files.newDirectoryStream(dir, TEMP_PREFIX + "*" + TEMP_SUFFIX)) {
        for (Path temp : temps) {
          if (Files.getLastModifiedTime(temp).compareTo(before) < 0) {
            deleteQuietly(temp);
          }
        }
      } catch (IOException e) {
        LOG.debug("Cannot list {} for abandoned temporary files ({})", dir, e.getClass().getName());
      }
    }
  }
}
