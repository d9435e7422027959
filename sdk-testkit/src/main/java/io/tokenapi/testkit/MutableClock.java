package io.tokenapi.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that a test moves by hand, so expiry, refresh-ahead windows and closed hours are tested
 * without sleeping. Give the same instance to the SDK ({@code OAuthClient.Builder.clock}) and to a
 * {@link FakeTokenServer#clock(Clock) FakeTokenServer}.
 *
 * <pre>{@code
 * MutableClock clock = MutableClock.at("2025-06-02T08:00:00Z");
 * OAuthClient client = OAuthClient.builder()...clock(clock).build();
 * clock.advance(Duration.ofMinutes(56));   // the cached token is now inside its refresh window
 * }</pre>
 *
 * <p>Time stands still until the test moves it. {@link #advance(Duration)} and {@link
 * #set(Instant)} are atomic: concurrent advances all count. All methods are thread-safe. The zone
 * is UTC unless {@link #withZone(ZoneId)} gives a view in another zone, which shares this clock's
 * time and read hook.
 */
public final class MutableClock extends Clock {
  private final State state;
  private final ZoneId zone;

  /**
   * Creates a clock showing {@code start} in UTC.
   *
   * @param start the first instant the clock shows
   * @throws NullPointerException if {@code start} is null
   */
  public MutableClock(Instant start) {
    this(new State(Objects.requireNonNull(start, "start == null")), ZoneOffset.UTC);
  }

  private MutableClock(State state, ZoneId zone) {
    this.state = state;
    this.zone = zone;
  }

  /**
   * Creates a clock showing {@code instant} in UTC.
   *
   * @param instant an ISO-8601 instant such as {@code "2025-06-02T08:00:00Z"}
   * @return the clock
   * @throws java.time.format.DateTimeParseException if {@code instant} does not parse
   * @throws NullPointerException if {@code instant} is null
   */
  public static MutableClock at(String instant) {
    return new MutableClock(Instant.parse(Objects.requireNonNull(instant, "instant == null")));
  }

  /**
   * Moves the clock forward (or back, for a negative duration), atomically.
   *
   * @param duration how far to move
   * @return the instant the clock shows afterwards
   * @throws NullPointerException if {@code duration} is null
   */
  public Instant advance(Duration duration) {
    Objects.requireNonNull(duration, "duration == null");
    return state.now.updateAndGet(now -> now.plus(duration));
  }

  /**
   * Sets the clock to {@code instant}.
   *
   * @param instant the instant the clock shows from now on
   * @throws NullPointerException if {@code instant} is null
   */
  public void set(Instant instant) {
    state.now.set(Objects.requireNonNull(instant, "instant == null"));
  }

  /**
   * Runs {@code action} once, inside the next read of this clock and before that read answers (it
   * sees the instant as {@code action} left it). Lets a test make something happen between two
   * reads of the code under test, such as a token arriving just after the cache looked at it.
   * Replaces a hook that has not run yet.
   *
   * @param action what to run; it runs on the thread that reads the clock
   * @throws NullPointerException if {@code action} is null
   */
  public void beforeRead(Runnable action) {
    beforeRead(0, action);
  }

  /**
   * Runs {@code action} once, inside the read that comes after {@code readsToSkip} further reads,
   * before that read answers. Replaces a hook that has not run yet.
   *
   * @param readsToSkip how many reads pass first; 0 for the next read
   * @param action what to run; it runs on the thread that reads the clock
   * @throws IllegalArgumentException if {@code readsToSkip} is negative
   * @throws NullPointerException if {@code action} is null
   */
  public void beforeRead(int readsToSkip, Runnable action) {
    if (readsToSkip < 0) {
      throw new IllegalArgumentException("readsToSkip < 0: " + readsToSkip);
    }
    state.hook.set(Objects.requireNonNull(action, "action == null"));
    state.readsUntilHook.set(readsToSkip);
  }

  /**
   * Returns the instant the clock shows, after running a {@linkplain #beforeRead(Runnable) read
   * hook} that is due.
   *
   * @return the current instant of this clock
   */
  @Override
  public Instant instant() {
    // One volatile read when no hook is armed: cheap enough for benchmarks of the cache-hit path.
    if (state.readsUntilHook.get() >= 0 && state.readsUntilHook.getAndDecrement() == 0) {
      Runnable action = state.hook.getAndSet(null);
      if (action != null) {
        action.run();
      }
    }
    return state.now.get();
  }

  /**
   * Returns {@link #instant()} in epoch milliseconds.
   *
   * @return the current millisecond instant of this clock
   */
  @Override
  public long millis() {
    return instant().toEpochMilli();
  }

  /**
   * Returns the zone: UTC unless this is a {@link #withZone(ZoneId)} view.
   *
   * @return the zone
   */
  @Override
  public ZoneId getZone() {
    return zone;
  }

  /**
   * Returns a view of this clock in another zone: it shares the time, advances and read hook.
   *
   * @param zone the zone of the view
   * @return a clock in {@code zone}
   * @throws NullPointerException if {@code zone} is null
   */
  @Override
  public MutableClock withZone(ZoneId zone) {
    Objects.requireNonNull(zone, "zone == null");
    return zone.equals(this.zone) ? this : new MutableClock(state, zone);
  }

  /**
   * Describes the clock by the instant it shows, without running the read hook.
   *
   * @return a description such as {@code MutableClock[2025-06-02T08:00:00Z, Z]}
   */
  @Override
  public String toString() {
    return "MutableClock[" + state.now.get() + ", " + zone + "]";
  }

  /** Time and read hook, shared by a clock and its zone views. */
  private static final class State {
    final AtomicReference<Instant> now;
    final AtomicInteger readsUntilHook = new AtomicInteger(-1);
    final AtomicReference<Runnable> hook = new AtomicReference<>();

    State(Instant start) {
      this.now = new AtomicReference<>(start);
    }
  }
}
