package io.tokenapi.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.AccessToken;
import io.tokenapi.sdk.StoredToken;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class TokenEnvelopeTest {
  private static final SecretKey OLD = key(1);
  private static final SecretKey NEW = key(2);
  private static final AccessToken TOKEN =
      new AccessToken(
          "secret-token-value", "Bearer", Instant.EPOCH, "read", Map.of("tenant", "acme"));

  static SecretKey key(int seed) {
    byte[] bytes = new byte[32];
    bytes[0] = (byte) seed;
    return new SecretKeySpec(bytes, "AES");
  }

  private static TokenEnvelope envelope(Keyring.Builder keys) {
    return new TokenEnvelope(keys.build());
  }

  @Test
  void open_returnsWhatWasSealed_withStoreTimesConvertedToTheReadersClock() throws Exception {
    TokenEnvelope envelope = envelope(Keyring.builder().encryptionKey("a", OLD));
    String sealed = envelope.seal("k", TOKEN, 1_000_000, 1_060_000, 7);

    TokenEnvelope.Entry entry = envelope.open("k", sealed);
    // The store's clock reads 1_010_000: 50 s left, 10 s old, whatever the reader's clock says.
    StoredToken stored =
        entry.toStoredToken(1_010_000, Instant.parse("2030-01-01T00:00:00Z")).get();

    assertThat(entry.keyId()).isEqualTo("a");
    assertThat(stored.token().value()).isEqualTo("secret-token-value");
    assertThat(stored.token().scope()).contains("read");
    assertThat(stored.token().additionalFields()).containsEntry("tenant", "acme");
    assertThat(stored.token().expiresAt()).isEqualTo(Instant.parse("2030-01-01T00:00:50Z"));
    assertThat(stored.issuedAt()).contains(Instant.parse("2029-12-31T23:59:50Z"));
    assertThat(stored.fence()).isEqualTo(7);
    assertThat(entry.toStoredToken(1_060_000, Instant.EPOCH)).isEmpty();
  }

  @Test
  void open_duringRotation_readsEntriesOfEitherKey_andWritesWithTheNewOne() throws Exception {
    TokenEnvelope before = envelope(Keyring.builder().encryptionKey("2026-06", OLD));
    TokenEnvelope during =
        envelope(Keyring.builder().encryptionKey("2026-12", NEW).decryptionKey("2026-06", OLD));
    TokenEnvelope oldWithNewAdded =
        envelope(Keyring.builder().encryptionKey("2026-06", OLD).decryptionKey("2026-12", NEW));

    assertThat(during.open("k", before.seal("k", TOKEN, 0, 1, 1)).keyId()).isEqualTo("2026-06");
    assertThat(oldWithNewAdded.open("k", during.seal("k", TOKEN, 0, 1, 2)).keyId())
        .isEqualTo("2026-12");
    assertThatThrownBy(() -> before.open("k", during.seal("k", TOKEN, 0, 1, 3)))
        .isInstanceOf(TokenEnvelope.UnreadableEntryException.class)
        .hasMessageContaining("key id");
  }

  @Test
  void open_refusesAnEntryCopiedUnderAnotherStoreKey() {
    TokenEnvelope envelope = envelope(Keyring.builder().encryptionKey(OLD));
    String sealed = envelope.seal("client-a", TOKEN, 0, 1, 1);

    assertThatThrownBy(() -> envelope.open("client-b", sealed))
        .isInstanceOf(TokenEnvelope.UnreadableEntryException.class)
        .hasMessageNotContaining("secret-token-value");
  }

  @Test
  void open_refusesAnEntryRelabelledWithAnotherKeyId() {
    TokenEnvelope envelope =
        envelope(Keyring.builder().encryptionKey("aa", OLD).decryptionKey("bb", OLD));
    byte[] bytes = Base64.getDecoder().decode(envelope.seal("k", TOKEN, 0, 1, 1));
    byte[] relabelled = "bb".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(relabelled, 0, bytes, 2, 2);

    assertThatThrownBy(() -> envelope.open("k", Base64.getEncoder().encodeToString(bytes)))
        .isInstanceOf(TokenEnvelope.UnreadableEntryException.class);
  }

  @Test
  void open_refusesGarbageAndTheOldVersion1Format() {
    TokenEnvelope envelope = envelope(Keyring.builder().encryptionKey(OLD));

    for (String garbage :
        new String[] {"", "%%%", "AQ==", "AgA=", "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRo="}) {
      assertThatThrownBy(() -> envelope.open("k", garbage))
          .isInstanceOf(TokenEnvelope.UnreadableEntryException.class);
    }
  }

  @Test
  void keyring_derivesTheSameIdForTheSameKey_andDescribesItselfWithoutKeyMaterial() {
    Keyring a = Keyring.builder().encryptionKey(OLD).decryptionKey("next", NEW).build();
    Keyring b = Keyring.builder().encryptionKey(key(1)).build();

    assertThat(a.encryptionKeyId()).isEqualTo(b.encryptionKeyId()).matches("k-[0-9a-f]{8}");
    assertThat(a.toString())
        .isEqualTo("AES-256-GCM, keys=[" + a.encryptionKeyId() + " (encrypts), next]");
  }

  @Test
  void keyring_rejectsBadKeysWithTheSetterName() {
    assertThatThrownBy(() -> Keyring.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("encryptionKey is required");
    assertThatThrownBy(() -> Keyring.builder().encryptionKey(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("encryptionKey == null");
    assertThatThrownBy(() -> Keyring.builder().decryptionKey("bad id!", OLD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("decryptionKey keyId");
    assertThatThrownBy(
            () -> Keyring.builder().encryptionKey(new SecretKeySpec(new byte[10], "AES")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("80 bits");
    assertThatThrownBy(
            () -> Keyring.builder().encryptionKey(new SecretKeySpec(new byte[32], "HmacSHA256")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AES");
    assertThatThrownBy(() -> Keyring.builder().encryptionKey("a", OLD).decryptionKey("a", NEW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already used by a different key");
  }
}
