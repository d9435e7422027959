package io.tokenapi.sdk;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import io.tokenapi.sdk.internal.Keyring;
import io.tokenapi.sdk.internal.TokenEnvelope;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
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
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
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
 *   <li><b>Hostile files.</b> Nothing in the directory is opened through a link, and only regular
 *       files are opened: a link, pipe, device or directory in place of a token file is absent (one
 *       WARN), in place of a lock file refused (one WARN; the client fetches on its own); at most 1
 *       MiB is read from a file. {@link Builder#build()} refuses a directory that another user
 *       could write, as OpenSSH refuses such a {@code ~/.ssh}.
 *   <li><b>A paused holder.</b> The lock holder keeps a lease in the lock file and renews it; a
 *       process that holds the OS lock but stopped (SIGSTOP, a debugger, a frozen container) loses
 *       the lock to the next client when its lease ends after the lock TTL.
 * </ul>
 *
 * <p>Use a local file system: network file systems do not all honour file locks and atomic renames.
 * Thread-safe. I/O failures are thrown as {@link UncheckedIOException}s, which the client treats as
 * a store outage (it logs one WARN and fetches on its own).
 */
public final class FileTokenStore implements TokenStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileTokenStore.class);

  /** Files larger than this are not ours: a sealed token is a few kilobytes. */
  private static final int MAX_FILE_BYTES = 1 << 20;

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
    byte[] sealed = readBounded(file);
    if (sealed == null) {
      return null;
    }
    try {
      return envelope.open(key, new String(sealed, StandardCharsets.ISO_8859_1));
    } catch (TokenEnvelope.UnreadableEntryException e) {
      reportUnreadable(file, e.getMessage());
      return null;
    }
  }

  /**
   * The bytes of {@code file}, or null when it is missing, or (with one WARN) not a regular file,
   * larger than {@link #MAX_FILE_BYTES} or unreadable. Never follows a link, never opens a device,
   * pipe or directory (a pipe would block the thread in open(2) for good), and reads at most the
   * bound plus one byte whatever the file claims its size is.
   */
  private byte[] readBounded(Path file) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      reportUnreadable(file, "cannot be examined: " + e.getClass().getSimpleName());
      return null;
    }
    if (!attributes.isRegularFile()) {
      reportUnreadable(file, kind(attributes) + ", not a regular file");
      return null;
    }
    if (attributes.size() > MAX_FILE_BYTES) {
      reportUnreadable(file, "larger than " + MAX_FILE_BYTES + " bytes");
      return null;
    }
    byte[] bytes;
    try (InputStream in =
        Channels.newInputStream(Files.newByteChannel(file, Set.of(READ, NOFOLLOW_LINKS)))) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      reportUnreadable(file, "cannot be read: " + e.getClass().getSimpleName());
      return null;
    }
    if (bytes.length > MAX_FILE_BYTES) {
      reportUnreadable(file, "larger than " + MAX_FILE_BYTES + " bytes");
      return null;
    }
    return bytes;
  }

  /** What a file that is not a regular one is, for a message. */
  private static String kind(BasicFileAttributes attributes) {
    if (attributes.isRegularFile()) {
      return "a file";
    }
    if (attributes.isSymbolicLink()) {
      return "a symbolic link";
    }
    if (attributes.isDirectory()) {
      return "a directory";
    }
    return "a device, pipe or socket";
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
      try {
        if (!slot.holds(owner, System.nanoTime()) || !owner.equals(readLease(slot).owner)) {
          return false;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read token store lock " + slot.path, e);
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
   * {@link #unlock}, the death of this process, or {@code ttl} without a {@link #renewLock}.
   *
   * <p>The holder writes its lease (owner and end, on this host's wall clock) into the lock file
   * and renews it. A process that holds the OS lock but stops renewing (paused by SIGSTOP, a
   * debugger, a frozen container) loses the lock when its lease ends: the next client takes it over
   * by a lease in the file instead of waiting for the OS lock, and the paused holder, once it runs
   * again, can neither save nor renew.
   *
   * @param key the client's store key
   * @param ttl how long the lock holds without a renewal
   * @return an owner id, or empty when another client or process holds the lock
   * @throws UncheckedIOException when the lock file cannot be opened, or is not a regular file (a
   *     link, pipe or device planted in its place is never opened through; one WARN)
   */
  @Override
  public Optional<String> tryLock(String key, Duration ttl) {
    LockSlot slot = lockSlot(lockFile(key));
    String owner = UUID.randomUUID().toString();
    long now = System.nanoTime();
    long ttlMillis = Math.max(1, ttl.toMillis());
    slot.guard.lock();
    try {
      if (slot.owner != null) {
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
      try {
        Lease lease = readLease(slot);
        if (lock != null) {
          if (lease.takenOver && lease.liveAt(System.currentTimeMillis())) {
            // A client that took over from a paused holder still works: the OS lock alone is not
            // the lock while its lease lasts.
            lock.release();
            return Optional.empty();
          }
          writeLease(slot, new Lease(owner, System.currentTimeMillis() + ttlMillis, false));
          slot.take(owner, lock, now + TimeUnit.MILLISECONDS.toNanos(ttlMillis));
          return Optional.of(owner);
        }
        // Another process holds the OS lock: it is the lock only while that process renews it.
        if (!pausedHolder(slot, lease, now, ttlMillis)) {
          return Optional.empty();
        }
        writeLease(slot, new Lease(owner, System.currentTimeMillis() + ttlMillis, true));
        slot.take(owner, null, now + TimeUnit.MILLISECONDS.toNanos(ttlMillis));
        LOG.warn(
            "Token store lock {} is held by a process that has not renewed it for {} ms (paused"
                + " or frozen?): taking the lock over",
            slot.path,
            ttlMillis);
        return Optional.of(owner);
      } catch (IOException e) {
        if (lock != null && lock.isValid()) {
          try {
            lock.release();
          } catch (IOException ignored) {
            // closing the slot below drops it anyway
          }
        }
        throw new UncheckedIOException("Cannot use token store lock file " + slot.path, e);
      }
    } finally {
      slot.guard.unlock();
    }
  }

  /**
   * Whether the other process holding the OS lock has stopped renewing it: its lease ended, or no
   * lease could be read from the file for a whole {@code ttl} of looking (a holder paused between
   * taking the OS lock and writing its lease, or an older version that writes none).
   */
  private static boolean pausedHolder(LockSlot slot, Lease lease, long nowNanos, long ttlMillis) {
    if (lease.owner != null) {
      slot.unknownSinceNanos = 0;
      return !lease.liveAt(System.currentTimeMillis());
    }
    if (slot.unknownSinceNanos == 0) {
      slot.unknownSinceNanos = nowNanos;
      return false;
    }
    return nowNanos - slot.unknownSinceNanos >= TimeUnit.MILLISECONDS.toNanos(ttlMillis);
  }

  /**
   * Extends the refresh lock for {@code key} to {@code ttl} from now if {@code owner} still holds
   * it, in this JVM and in the lease the lock file carries for the other processes.
   *
   * @param key the client's store key
   * @param owner the owner id {@link #tryLock} returned
   * @param ttl the new time to live
   * @return true when extended, false when {@code owner} no longer holds the lock
   * @throws UncheckedIOException when the lock file cannot be written
   */
  @Override
  public boolean renewLock(String key, String owner, Duration ttl) {
    LockSlot slot = LOCK_SLOTS.get(lockFile(key));
    if (slot == null) {
      return false;
    }
    long now = System.nanoTime();
    long ttlMillis = Math.max(1, ttl.toMillis());
    slot.guard.lock();
    try {
      if (!slot.holds(owner, now)) {
        return false;
      }
      try {
        Lease lease = readLease(slot);
        if (!owner.equals(lease.owner)) {
          return false; // taken over by another process while this one was paused
        }
        writeLease(slot, new Lease(owner, System.currentTimeMillis() + ttlMillis, lease.takenOver));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot renew token store lock " + slot.path, e);
      }
      slot.expiresAtNanos = now + TimeUnit.MILLISECONDS.toNanos(ttlMillis);
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
      if (owner.equals(slot.owner)) {
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
              return new LockSlot(p, openLockFile(p));
            } catch (IOException e) {
              throw new UncheckedIOException("Cannot open token store lock file " + p, e);
            }
          });
    } catch (UnsupportedOperationException e) {
      throw new IllegalStateException("file system cannot set owner-only permissions", e);
    }
  }

  /**
   * Opens (or creates) a lock file read-write without following a link, refusing anything but a
   * regular file with one WARN: a planted link must not make this user create or lock a file
   * elsewhere, and read-write never blocks in open(2) on a pipe swapped in after the check.
   */
  private FileChannel openLockFile(Path path) throws IOException {
    refuseUnlessRegular(path);
    FileChannel channel =
        FileChannel.open(path, Set.of(CREATE, READ, WRITE, NOFOLLOW_LINKS), ownerOnly(false));
    try {
      refuseUnlessRegular(path);
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private void refuseUnlessRegular(Path path) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return;
    }
    if (!attributes.isRegularFile()) {
      String what = kind(attributes);
      report(
          path,
          what,
          "Token store lock file {} is {}, not a regular file: refusing to open it (fetching"
              + " without the store's lock); remove it, someone may have planted it");
      throw new FileSystemException(path.toString(), null, what + ", not a regular file");
    }
  }

  /** Releases the slot's lock, first clearing the file's lease when it is still this holder's. */
  private static void release(LockSlot slot) {
    try {
      Lease lease = readLease(slot);
      if (slot.owner != null && slot.owner.equals(lease.owner)) {
        // A lease taken over from a paused holder ends now (the next client takes it at once); an
        // OS lock's lease is cleared before the OS lock goes, so no one reads it as ended.
        writeLease(slot, slot.osLock == null ? new Lease(slot.owner, 0, true) : Lease.NONE);
      }
    } catch (IOException e) {
      LOG.debug("Cannot clear the token store lease {} ({})", slot.path, e.getClass().getName());
    }
    try {
      if (slot.osLock != null) {
        slot.osLock.release();
      }
    } catch (ClosedChannelException e) {
      // The channel was closed (an interrupted I/O call): its locks went with it.
      LOCK_SLOTS.remove(slot.path, slot);
    } catch (IOException e) {
      LOG.debug("Releasing the token store lock {} failed ({})", slot.path, e.getClass().getName());
    } finally {
      slot.osLock = null;
      slot.owner = null;
    }
  }

  /** The lease the lock file carries; {@link Lease#NONE} when it carries none or garbage. */
  private static Lease readLease(LockSlot slot) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(Lease.LENGTH);
    while (buffer.hasRemaining()) {
      if (slot.channel.read(buffer, buffer.position()) < 0) {
        break;
      }
    }
    return Lease.parse(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
  }

  private static void writeLease(LockSlot slot, Lease lease) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(lease.format().getBytes(StandardCharsets.US_ASCII));
    while (buffer.hasRemaining()) {
      slot.channel.write(buffer, buffer.position());
    }
    if (slot.channel.size() > Lease.LENGTH) {
      slot.channel.truncate(Lease.LENGTH); // whatever was there before (an older file, garbage)
    }
  }

  private void reportUnreadable(Path file, String reason) {
    report(
        file,
        reason,
        "Token store file {} is not a token this store can read ({}): treating it as absent;"
            + " the next token replaces it");
  }

  /** Logs {@code warning} (two {} for file and reason) once per file and state, DEBUG after. */
  private void report(Path file, String reason, String warning) {
    String fingerprint;
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW_LINKS);
      fingerprint =
          kind(attributes) + attributes.size() + "@" + attributes.lastModifiedTime() + reason;
    } catch (IOException e) {
      fingerprint = reason;
    }
    String previous = reported.put(file.getFileName().toString(), fingerprint);
    if (fingerprint.equals(previous)) {
      LOG.debug("Token store file {} is still unusable ({})", file, reason);
    } else {
      // The reason only: never the content, which may be a token sealed under another key.
      LOG.warn(warning, file, reason);
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
     * Guards the fields below, and is held across a save's file write and fsync and the lease's
     * reads and writes. A j.u.c. lock, not a monitor: a virtual thread waiting for it unmounts,
     * where on JDK 21 to 23 one blocked on a monitor would pin its carrier for the length of the
     * disk I/O.
     */
    final ReentrantLock guard = new ReentrantLock();

    final Path path;
    final FileChannel channel;

    /** The holder in this JVM, or null; under the guard, as the fields below. */
    String owner;

    /** The holder's OS lock; null for a lease taken over from a paused process. */
    FileLock osLock;

    long expiresAtNanos;

    /** Since when this JVM has seen another process hold the OS lock with no lease; 0 if not. */
    long unknownSinceNanos;

    LockSlot(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    void take(String owner, FileLock osLock, long expiresAtNanos) {
      this.owner = owner;
      this.osLock = osLock;
      this.expiresAtNanos = expiresAtNanos;
      this.unknownSinceNanos = 0;
    }

    /**
     * Whether {@code owner} holds the lock and its time to live has not passed; under the guard.
     */
    boolean holds(String owner, long nowNanos) {
      return owner.equals(this.owner) && expiresAtNanos - nowNanos > 0;
    }
  }

  /**
   * The lease a lock file carries at its start, so that other processes can tell a live holder from
   * a paused one: the owner id, when the lease ends (this host's wall clock, epoch milliseconds),
   * and whether it was taken over from a paused holder (then it is the lock even where the OS lock
   * is free).
   */
  private static final class Lease {
    static final Lease NONE = new Lease(null, 0, false);
    private static final String MAGIC = "tokenapi-lease-1 ";
    static final int LENGTH = MAGIC.length() + 2 + 36 + 1 + 19 + 1;

    final String owner;
    final long endsAtMillis;
    final boolean takenOver;

    Lease(String owner, long endsAtMillis, boolean takenOver) {
      this.owner = owner;
      this.endsAtMillis = endsAtMillis;
      this.takenOver = takenOver;
    }

    boolean liveAt(long nowMillis) {
      return owner != null && endsAtMillis > nowMillis;
    }

    String format() {
      if (owner == null) {
        return " ".repeat(LENGTH - 1) + "\n";
      }
      return MAGIC
          + (takenOver ? "T " : "L ")
          + owner
          + " "
          + String.format(Locale.ROOT, "%019d", endsAtMillis)
          + "\n";
    }

    static Lease parse(String text) {
      if (text.length() != LENGTH || !text.startsWith(MAGIC) || text.charAt(LENGTH - 1) != '\n') {
        return NONE;
      }
      char kind = text.charAt(MAGIC.length());
      String owner = text.substring(MAGIC.length() + 2, MAGIC.length() + 2 + 36);
      String end = text.substring(LENGTH - 20, LENGTH - 1);
      if ((kind != 'T' && kind != 'L') || !end.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return NONE;
      }
      try {
        UUID.fromString(owner);
        return new Lease(owner, Long.parseLong(end), kind == 'T');
      } catch (IllegalArgumentException e) {
        return NONE; // not a UUID, or 19 digits past Long.MAX_VALUE
      }
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
     * <p>Like OpenSSH's {@code StrictModes}, it refuses a directory that another local user could
     * plant files in: on POSIX the directory must be owned by this process's user and writable by
     * no one else, and each directory above it owned by this user or root and writable by no one
     * else unless sticky (as {@code /tmp} is). The message names the command that fixes it ({@code
     * chmod 700 DIR}, {@code chown USER DIR}).
     *
     * @return the store
     * @throws IllegalStateException if no encryption key was set, a key cannot be used for AES-GCM
     *     in this JVM, the directory cannot be created or written, or others can write it or a
     *     directory above it
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
      if (posix) {
        StrictModes.check(real);
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
