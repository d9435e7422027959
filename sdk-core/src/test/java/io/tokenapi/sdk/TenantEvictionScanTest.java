package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.testkit.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Where the least-recently-used scan runs: on the admitting caller for a small map, on the
 * scheduler thread for a large one (at 100,000 tenants it takes milliseconds), with the caller
 * scanning after all when the scheduler falls an eighth of maxTenants behind.
 */
class TenantEvictionScanTest {
  private static final int MAX = TenantTokens.INLINE_SCAN_MAX + 1;
  private static final int BATCH = MAX / 64;

  /** A real scheduler (timers run) whose {@code execute} holds the task until the test runs it. */
  private static final class HoldingScheduler extends ScheduledThreadPoolExecutor {
    final List<Runnable> held = new ArrayList<>();

    HoldingScheduler() {
      super(1);
    }

    @Override
    public synchronized void execute(Runnable task) {
      held.add(task);
    }

    synchronized void runHeld() {
      List<Runnable> now = new ArrayList<>(held);
      held.clear();
      now.forEach(Runnable::run);
    }
  }

  @Test
  void aboveTheInlineBound_theScanRunsOnTheScheduler_andTheCallerNeverWaitsForIt() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
    HoldingScheduler scheduler = new HoldingScheduler();
    try (TenantTokens tokens =
        TenantTokens.builder()
            .baseUrl("http://127.0.0.1:9")
            .clock(clock)
            .scheduler(scheduler)
            .maxTenants(MAX)
            .credentials(
                t -> {
                  throw new IllegalStateException("no lookups here");
                })
            .build()) {
      for (int i = 0; i <= MAX; i++) {
        tokens.getTokenAsync("t" + i).exceptionally(e -> null);
      }
      // One past the bound: the caller went on, the scan waits on the scheduler.
      assertThat(tokens.size()).isEqualTo(MAX + 1);

      assertThat(scheduler.held).hasSize(1);
      scheduler.runHeld();

      assertThat(tokens.size()).isLessThanOrEqualTo(MAX);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void aSchedulerEightBatchesBehind_theAdmittingCallerScans_soTheBoundHolds() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-05T10:00:00Z"));
    HoldingScheduler scheduler = new HoldingScheduler();
    try (TenantTokens tokens =
        TenantTokens.builder()
            .baseUrl("http://127.0.0.1:9")
            .clock(clock)
            .scheduler(scheduler)
            .maxTenants(MAX)
            .credentials(
                t -> {
                  throw new IllegalStateException("no lookups here");
                })
            .build()) {
      int limit = MAX + (int) TenantTokens.BEHIND_BATCHES * BATCH;
      List<CompletableFuture<?>> asked = new ArrayList<>();
      for (int i = 0; i < limit; i++) {
        asked.add(tokens.getTokenAsync("t" + i).exceptionally(e -> null));
      }
      // Every caller told (the lookup fails at once): no tenant is in use any more, and a tenant in
      // use (its hand-off still queued) is never dropped, so the scan below may take them all.
      CompletableFuture.allOf(asked.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
      assertThat(tokens.size()).isEqualTo(limit); // the scheduler has not run

      tokens.getTokenAsync("one-more").exceptionally(e -> null);

      assertThat(tokens.size()).isLessThanOrEqualTo(MAX);
    } finally {
      scheduler.shutdownNow();
    }
  }
}
