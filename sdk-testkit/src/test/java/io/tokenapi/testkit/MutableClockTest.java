package io.tokenapi.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MutableClockTest {
  private static final Instant T0 = Instant.parse("2025-06-02T08:00:00Z");

  @Test
  void standsStill_untilAdvancedOrSet() {
    MutableClock clock = new MutableClock(T0);

    assertThat(clock.instant()).isEqualTo(T0);
    assertThat(clock.millis()).isEqualTo(T0.toEpochMilli());
    assertThat(clock.advance(Duration.ofMinutes(5))).isEqualTo(T0.plusSeconds(300));
    assertThat(clock.instant()).isEqualTo(T0.plusSeconds(300));
    clock.set(T0);
    assertThat(clock.instant()).isEqualTo(T0);
    assertThat(MutableClock.at("2025-06-02T08:00:00Z").instant()).isEqualTo(T0);
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
  }

  @Test
  void advance_isAtomic_underConcurrentCallers() throws Exception {
    MutableClock clock = new MutableClock(T0);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < 1000; i++) {
                  clock.advance(Duration.ofMillis(1));
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join(10_000);
    }

    assertThat(clock.instant()).isEqualTo(T0.plusMillis(8000));
  }

  @Test
  void beforeRead_runsOnce_insideTheChosenRead_beforeItAnswers() {
    MutableClock clock = new MutableClock(T0);
    AtomicInteger runs = new AtomicInteger();
    clock.beforeRead(
        1,
        () -> {
          runs.incrementAndGet();
          clock.advance(Duration.ofSeconds(1));
        });

    assertThat(clock.instant()).isEqualTo(T0); // skipped
    assertThat(clock.instant()).isEqualTo(T0.plusSeconds(1)); // the hook ran first
    assertThat(clock.instant()).isEqualTo(T0.plusSeconds(1));
    assertThat(runs).hasValue(1);

    clock.beforeRead(() -> runs.incrementAndGet());
    clock.millis();
    assertThat(runs).hasValue(2);
  }

  @Test
  void withZone_sharesTimeAndHook() {
    MutableClock clock = new MutableClock(T0);
    MutableClock oslo = clock.withZone(ZoneId.of("Europe/Oslo"));

    clock.advance(Duration.ofHours(1));

    assertThat(oslo.instant()).isEqualTo(T0.plusSeconds(3600));
    assertThat(oslo.getZone()).isEqualTo(ZoneId.of("Europe/Oslo"));
    assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
    assertThat(oslo.toString()).contains("2025-06-02T09:00:00Z", "Europe/Oslo");
  }

  @Test
  void rejectsNullsAndNegativeSkips() {
    MutableClock clock = new MutableClock(T0);

    assertThatThrownBy(() -> new MutableClock(null)).hasMessage("start == null");
    assertThatThrownBy(() -> clock.advance(null)).hasMessage("duration == null");
    assertThatThrownBy(() -> clock.set(null)).hasMessage("instant == null");
    assertThatThrownBy(() -> clock.beforeRead(-1, () -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
