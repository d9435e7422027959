package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.sdk.storecontract.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** What the contract suite does not cover: files at rest, permissions, unreadable files. */
class FileTokenStoreTest {
  private static final String KEY = "tokenapi:token:0123456789abcdef";
  @TempDir Path tmp;
  private Path dir;
  private FileTokenStore store;
  private CapturingLogs logs;

  @BeforeEach
  void setUp() {
    dir = tmp.resolve("tokens");
    store = FileTokenStore.builder(dir).encryptionKey("k1", TestKeys.aes256(1)).build();
    logs = CapturingLogs.start();
  }

  @AfterEach
  void stopCapturingLogs() {
    logs.close();
  }

  /**
   * A caller that waits for another one's save parks on a lock (thread state WAITING) instead of
   * blocking on a monitor (BLOCKED): on JDK 21 to 23 a virtual thread blocked on a monitor pins its
   * carrier for as long as the holder writes and forces the file to disk. The SDK calls the store
   * on its own threads; an application may call it from virtual threads.
   */
  @Test
  void aCallerWaitingForAnotherOnesSave_parks_insteadOfBlockingOnAMonitor() throws Exception {
    CountDownLatch saving = new CountDownLatch(1);
    CountDownLatch diskDone = new CountDownLatch(1);
    AtomicBoolean holdNextRead = new AtomicBoolean();
    // A disk that stalls mid-save: the save reads the store's clock while it holds the lock file.
    Clock stallingClock =
        new Clock() {
          @Override
          public Instant instant() {
            if (holdNextRead.getAndSet(false)) {
              saving.countDown();
              try {
                diskDone.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return Instant.now();
          }

          @Override
          public ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
          }
        };
    FileTokenStore stalling =
        FileTokenStore.builder(dir)
            .encryptionKey("k1", TestKeys.aes256(1))
            .clock(stallingClock)
            .build();
    String owner = stalling.tryLock(KEY, Duration.ofSeconds(30)).orElseThrow();
    AccessToken token = AccessToken.of("tok-stall", Instant.now().plusSeconds(600));
    AtomicBoolean saved = new AtomicBoolean();
    AtomicBoolean renewed = new AtomicBoolean();
    holdNextRead.set(true);
    Thread saver = new Thread(() -> saved.set(stalling.saveIfLocked(KEY, owner, token)));
    saver.start();
    assertThat(saving.await(10, TimeUnit.SECONDS)).isTrue();
    Thread renewer =
        new Thread(() -> renewed.set(stalling.renewLock(KEY, owner, Duration.ofSeconds(30))));
    renewer.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (renewer.getState() != Thread.State.WAITING
        && renewer.getState() != Thread.State.BLOCKED
        && System.nanoTime() < deadline) {
      renewer.join(1);
    }
    Thread.State waiting = renewer.getState();
    diskDone.countDown();
    saver.join(10_000);
    renewer.join(10_000);

    assertThat(waiting).isEqualTo(Thread.State.WAITING);
    assertThat(saved).isTrue();
    assertThat(renewed).isTrue();
  }

  @Test
  void save_writesOwnerOnlyFilesInAnOwnerOnlyDirectory() throws Exception {
    store.save(KEY, AccessToken.of("tok-perm", Instant.now().plusSeconds(600)));
    store.tryLock(KEY, java.time.Duration.ofSeconds(1)).orElseThrow();

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files)
          .hasSize(2)
          .allSatisfy(
              f ->
                  assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                      .isEqualTo("rw-------"));
    }
  }

  @Test
  void save_encryptsTheTokenAtRest() throws Exception {
    store.save(
        KEY,
        new AccessToken(
            "tok-secret-value", "Bearer", Instant.now().plusSeconds(600), "payments", null));

    String raw = Files.readString(store.tokenFile(KEY), StandardCharsets.ISO_8859_1);

    assertThat(raw).doesNotContain("tok-secret-value").doesNotContain("payments");
  }

  @Test
  void aCorruptFile_readsAsAbsentWithOneWarn_andTheNextSaveReplacesIt() throws Exception {
    store.save(KEY, AccessToken.of("tok-before", Instant.now().plusSeconds(600)));
    Path file = store.tokenFile(KEY);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(file, bytes);

    assertThat(store.load(KEY)).isEmpty();
    assertThat(store.load(KEY)).isEmpty();
    assertThat(logs.messages(Level.WARN)).hasSize(1);
    assertThat(logs.messages(Level.WARN).get(0)).contains(file.getFileName().toString());

    store.save(KEY, AccessToken.of("tok-after", Instant.now().plusSeconds(600)));
    assertThat(store.load(KEY).map(AccessToken::value)).contains("tok-after");
  }

  @Test
  void aForeignFile_readsAsAbsent_andNeverReachesTheLog() throws Exception {
    Files.writeString(store.tokenFile(KEY), "{\"access_token\":\"tok-planted\"}");

    assertThat(store.load(KEY)).isEmpty();
    assertThat(logs.messages(Level.WARN)).hasSize(1);
    assertThat(logs.allText()).doesNotContain("tok-planted");
  }

  @Test
  void aFileCopiedToAnotherKey_readsAsAbsent() throws Exception {
    store.save(KEY, AccessToken.of("tok-bound", Instant.now().plusSeconds(600)));
    String other = "tokenapi:token:ffffffffffffffff";
    Files.copy(store.tokenFile(KEY), store.tokenFile(other));

    assertThat(store.load(other)).isEmpty();
  }

  @Test
  void aNewStoreOnTheSameDirectory_readsTheToken() {
    store.save(KEY, AccessToken.of("tok-restart", Instant.now().plusSeconds(600)));

    FileTokenStore restarted =
        FileTokenStore.builder(dir).encryptionKey("k1", TestKeys.aes256(1)).build();

    assertThat(restarted.load(KEY).map(AccessToken::value)).contains("tok-restart");
  }

  @Test
  void build_onAFile_namesTheProblem() throws Exception {
    Path file = Files.createFile(tmp.resolve("not-a-directory"));

    assertThatThrownBy(() -> FileTokenStore.builder(file).encryptionKey(TestKeys.aes256(1)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("FileTokenStore.builder");
  }

  @Test
  void build_withoutAKey_namesTheSetter() {
    assertThatThrownBy(() -> FileTokenStore.builder(dir).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("encryptionKey");
    assertThatThrownBy(() -> FileTokenStore.builder(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("directory == null");
  }
}
