package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.sdk.storecontract.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
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
