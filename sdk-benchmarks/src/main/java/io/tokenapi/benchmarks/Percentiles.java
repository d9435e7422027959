package io.tokenapi.benchmarks;

import java.util.Arrays;

/**
 * Nearest-rank percentiles of a sample, computed by sorting a copy (no histogram library needed).
 */
final class Percentiles {

  private final long[] sorted;

  Percentiles(long[] samples, int count) {
    if (count <= 0) {
      throw new IllegalArgumentException("no samples");
    }
    this.sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
  }

  /**
   * The smallest sample that at least {@code percent}% of the samples are less than or equal to.
   */
  long at(double percent) {
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  long min() {
    return sorted[0];
  }

  long max() {
    return sorted[sorted.length - 1];
  }

  int count() {
    return sorted.length;
  }
}
