package io.tokenapi.sdk;

import java.time.Duration;
import java.util.Objects;

/**
 * How the client retries a failed token request. Immutable and thread-safe.
 *
 * <ul>
 *   <li>Transient failures (500, 502, 504, 408, 429, a 503 that does not say when to come back, and
 *       transport errors) are retried up to {@link #maxAttempts()} attempts in all. Before retry
 *       {@code n} the client waits a random time between zero and {@code min(maxBackoff,
 *       initialBackoff * 2^(n-1))} ("full jitter"); a 429's {@code Retry-After} is a lower bound on
 *       that wait.
 *   <li>A 503 that says when the provider reopens (its {@code Retry-After}, or else the next
 *       opening of the configured {@link WorkingHours}) is waited out until then, plus a random
 *       spread of up to a tenth of the wait (at most 30 s) so that a fleet of clients does not
 *       arrive in the same millisecond. These waits do not count against {@link #maxAttempts()}:
 *       only {@link #maxWait()} bounds them.
 *   <li>409 and every other 4xx are never retried.
 *   <li>{@link #maxWait()} bounds the whole call, waits and attempts included: when the next wait
 *       would pass it, the call fails at once with the last exception (a {@link
 *       ServiceUnavailableException} carries {@link ServiceUnavailableException#retryAt()}), and
 *       each attempt's call timeout is cut to what is left.
 * </ul>
 *
 * <p>Defaults ({@link #defaults()}): 4 attempts, 500 ms initial backoff, 30 s maximum backoff, 60 s
 * maximum wait. A job that should wait all night for the provider to open sets a longer {@code
 * maxWait}:
 *
 * <pre>{@code
 * RetryPolicy overnight = RetryPolicy.builder().maxWait(Duration.ofHours(16)).build();
 * }</pre>
 */
public final class RetryPolicy {
  /** Default number of attempts for transient failures, the first one included: {@value}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 4;

  /** Default first backoff: 500 ms. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);

  /** Default longest backoff between two attempts: 30 s. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  /** Default bound on a whole call, waits included: 60 s. */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(60);

  private static final RetryPolicy DEFAULTS = new Builder().build();
  private static final RetryPolicy NONE =
      new RetryPolicy(1, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, Duration.ZERO);

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxWait;

  private RetryPolicy(
      int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxWait) {
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.maxWait = maxWait;
  }

  /**
   * The default policy: 4 attempts, 500 ms initial backoff, 30 s maximum backoff, 60 s maximum
   * wait.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * A policy that never retries and never waits: every failure reaches the caller at once.
   *
   * @return the no-retry policy
   */
  public static RetryPolicy none() {
    return NONE;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Attempts in all for transient failures, the first one included.
   *
   * @return the attempt limit, at least 1
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * The upper bound of the first backoff; each later bound doubles, up to {@link #maxBackoff()}.
   *
   * @return the initial backoff
   */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /**
   * The largest backoff between two attempts after a transient failure.
   *
   * @return the maximum backoff
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * The bound on one call, waits included; {@link Duration#ZERO} for {@link #none()}.
   *
   * @return the maximum wait
   */
  public Duration maxWait() {
    return maxWait;
  }

  /** Whether the client retries at all: false only for {@link #none()}. */
  boolean retries() {
    return maxWait.compareTo(Duration.ZERO) > 0;
  }

  /**
   * Policies are equal when all their settings are.
   *
   * @param o the other object
   * @return whether {@code o} is an equal policy
   */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RetryPolicy)) {
      return false;
    }
    RetryPolicy other = (RetryPolicy) o;
    return maxAttempts == other.maxAttempts
        && initialBackoff.equals(other.initialBackoff)
        && maxBackoff.equals(other.maxBackoff)
        && maxWait.equals(other.maxWait);
  }

  /**
   * A hash of all settings.
   *
   * @return the hash code
   */
  @Override
  public int hashCode() {
    return Objects.hash(maxAttempts, initialBackoff, maxBackoff, maxWait);
  }

  /**
   * Describes the settings.
   *
   * @return for example {@code RetryPolicy[maxAttempts=4, initialBackoff=PT0.5S, maxBackoff=PT30S,
   *     maxWait=PT1M]}
   */
  @Override
  public String toString() {
    return "RetryPolicy[maxAttempts="
        + maxAttempts
        + ", initialBackoff="
        + initialBackoff
        + ", maxBackoff="
        + maxBackoff
        + ", maxWait="
        + maxWait
        + "]";
  }

  /** Builds a {@link RetryPolicy}; starts from the defaults. Not thread-safe. */
  public static final class Builder {
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration maxWait = DEFAULT_MAX_WAIT;

    private Builder() {}

    /**
     * Attempts in all for transient failures, the first one included. Default 4.
     *
     * @param maxAttempts at least 1 (1 means transient failures are not retried)
     * @return this builder
     * @throws IllegalArgumentException if {@code maxAttempts} is less than 1
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException(
            "maxAttempts < 1: " + maxAttempts + " (1 means one attempt, no retry)");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The upper bound of the first backoff. Default 500 ms.
     *
     * @param initialBackoff positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero or negative
     */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = positive(initialBackoff, "initialBackoff");
      return this;
    }

    /**
     * The largest backoff between two attempts. Default 30 s.
     *
     * @param maxBackoff positive
     * @return this builder
     * @throws IllegalArgumentException if null, zero or negative
     */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = positive(maxBackoff, "maxBackoff");
      return this;
    }

    /**
     * The bound on one call, waits included; also bounds waiting for the provider to reopen.
     * Default 60 s.
     *
     * @param maxWait positive; a job that should wait overnight passes for example {@code
     *     Duration.ofHours(14)}
     * @return this builder
     * @throws IllegalArgumentException if null, zero or negative
     */
    public Builder maxWait(Duration maxWait) {
      this.maxWait = positive(maxWait, "maxWait");
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     * @throws IllegalStateException if {@code initialBackoff} is larger than {@code maxBackoff}
     */
    public RetryPolicy build() {
      if (initialBackoff.compareTo(maxBackoff) > 0) {
        throw new IllegalStateException(
            "initialBackoff "
                + initialBackoff
                + " is larger than maxBackoff "
                + maxBackoff
                + ": raise maxBackoff");
      }
      return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, maxWait);
    }

    private static Duration positive(Duration d, String name) {
      if (d == null) {
        throw new IllegalArgumentException(name + " == null");
      }
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
