package io.tokenapi.sdk;

import io.tokenapi.sdk.storecontract.TestKeys;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Another process holding a {@link FileTokenStore}'s refresh lock, for {@link
 * FileTokenStoreFrozenHolderTest}: {@code main(dir, key, ttlMillis)} takes the lock, prints {@code
 * LOCKED} and renews it every tenth of the TTL, as a live client's watchdog does, until it is
 * killed (or a minute passes, so an orphan never outlives its test by long).
 */
final class FileLockHolder {
  private static final long MAX_LIFE_MILLIS = 60_000;

  private FileLockHolder() {}

  public static void main(String[] args) throws Exception {
    FileTokenStore store =
        FileTokenStore.builder(Path.of(args[0])).encryptionKey("k1", TestKeys.aes256(1)).build();
    String key = args[1];
    Duration ttl = Duration.ofMillis(Long.parseLong(args[2]));
    String owner = store.tryLock(key, ttl).orElseThrow();
    System.out.println("LOCKED");
    System.out.flush();
    long end = System.nanoTime() + Duration.ofMillis(MAX_LIFE_MILLIS).toNanos();
    while (System.nanoTime() - end < 0) {
      Thread.sleep(Math.max(1, ttl.toMillis() / 10));
      if (!store.renewLock(key, owner, ttl)) {
        System.out.println("LOST");
        System.out.flush();
      }
    }
  }
}
