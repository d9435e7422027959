package io.tokenapi.benchmarks;

/**
 * A log-linear histogram of nanosecond latencies: exact below 1 µs in 8 ns steps, then 64
 * sub-buckets per power of two (at most 1.6% too high). Holds billions of samples in a few KB, so
 * callers in a tight loop can record every call. Single-writer; merge per-thread histograms
 * afterwards.
 */
final class LatencyHistogram {

  private static final int LINEAR_LIMIT = 1024;
  private static final int LINEAR_STEP_SHIFT = 3;
  private static final int SUB_BUCKET_BITS = 6;
  private static final int LINEAR_BUCKETS = LINEAR_LIMIT >> LINEAR_STEP_SHIFT;
  private static final int FIRST_EXPONENT = 10;

  private final long[] counts =
      new long[LINEAR_BUCKETS + (63 - FIRST_EXPONENT) * (1 << SUB_BUCKET_BITS)];
  private long total;
  private long max;

  void record(long nanos) {
    long value = Math.max(0, nanos);
    counts[index(value)]++;
    total++;
    if (value > max) {
      max = value;
    }
  }

  void add(LatencyHistogram other) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    max = Math.max(max, other.max);
  }

  long count() {
    return total;
  }

  /** Samples in buckets at or above the one holding {@code nanos} (exact to the bucket width). */
  long countAtLeast(long nanos) {
    long count = 0;
    for (int i = index(nanos); i < counts.length; i++) {
      count += counts[i];
    }
    return count;
  }

  long max() {
    return max;
  }

  /**
   * Upper bound of the bucket holding the {@code percent}th percentile (nearest rank), capped at
   * the max.
   */
  long percentile(double percent) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(percent / 100.0 * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(max, upperBound(i));
      }
    }
    return max;
  }

  private static int index(long value) {
    if (value < LINEAR_LIMIT) {
      return (int) (value >> LINEAR_STEP_SHIFT);
    }
    int exponent = 63 - Long.numberOfLeadingZeros(value);
    int subBucket = (int) ((value >> (exponent - SUB_BUCKET_BITS)) & ((1 << SUB_BUCKET_BITS) - 1));
    return LINEAR_BUCKETS + (exponent - FIRST_EXPONENT) * (1 << SUB_BUCKET_BITS) + subBucket;
  }

  private static long upperBound(int index) {
    if (index < LINEAR_BUCKETS) {
      return ((long) (index + 1) << LINEAR_STEP_SHIFT) - 1;
    }
    int offset = index - LINEAR_BUCKETS;
    int exponent = FIRST_EXPONENT + offset / (1 << SUB_BUCKET_BITS);
    long subBucket = offset % (1 << SUB_BUCKET_BITS);
    long width = 1L << (exponent - SUB_BUCKET_BITS);
    return (1L << exponent) + (subBucket + 1) * width - 1;
  }
}
