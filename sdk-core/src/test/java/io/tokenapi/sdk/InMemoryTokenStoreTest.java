package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The store SPI's lock, renewal, fenced save and metadata, on the in-memory store. */
class InMemoryTokenStoreTest {
  private final AtomicLong millis = new AtomicLong(1_000_000);
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return Instant.ofEpochMilli(millis.get());
        }
      };
  private final InMemoryTokenStore store = new InMemoryTokenStore(clock);

  @Test
  void renewLock_extendsTheOwnersLock_onlyWhileItHoldsIt() {
    String owner = store.tryLock("k", Duration.ofSeconds(1)).orElseThrow();
    millis.addAndGet(900);

    assertThat(store.renewLock("k", owner, Duration.ofSeconds(1))).isTrue();
    millis.addAndGet(900); // 1.8 s after the lock was taken: held thanks to the renewal
    assertThat(store.tryLock("k", Duration.ofSeconds(1))).isEmpty();
    assertThat(store.renewLock("k", "someone-else", Duration.ofSeconds(1))).isFalse();

    millis.addAndGet(200); // lapsed
    assertThat(store.renewLock("k", owner, Duration.ofSeconds(1))).isFalse();
  }

  @Test
  void saveIfLocked_savesOnlyForTheCurrentHolder() {
    AccessToken older = AccessToken.of("older", Instant.ofEpochMilli(millis.get() + 60_000));
    AccessToken newer = AccessToken.of("newer", Instant.ofEpochMilli(millis.get() + 60_000));
    String lapsed = store.tryLock("k", Duration.ofMillis(100)).orElseThrow();
    millis.addAndGet(200);
    String current = store.tryLock("k", Duration.ofSeconds(1)).orElseThrow();

    assertThat(store.saveIfLocked("k", current, newer)).isTrue();
    assertThat(store.saveIfLocked("k", lapsed, older)).isFalse();
    assertThat(store.load("k")).contains(newer);
  }

  @Test
  void read_givesTheSaveTimeAndAFenceThatGrowsWithEverySave() {
    store.save("k", AccessToken.of("a", Instant.ofEpochMilli(millis.get() + 60_000)));
    StoredToken first = store.read("k").orElseThrow();
    millis.addAndGet(10);
    store.save("k", AccessToken.of("b", Instant.ofEpochMilli(millis.get() + 60_000)));
    StoredToken second = store.read("k").orElseThrow();

    assertThat(first.issuedAt()).contains(Instant.ofEpochMilli(1_000_000));
    assertThat(second.fence()).isGreaterThan(first.fence());
    assertThat(second.toString()).doesNotContain("value=b").contains("fence=");
  }
}
