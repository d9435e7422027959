package io.tokenapi.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * CPU time per operation through JMH's {@code perfnorm} profiler and perf's {@code task-clock}
 * software event.
 *
 * <p>On this shared 2-core VM, wall time per operation mostly measures how often other agents'
 * builds take the CPU away: the load average is often above 10. task-clock counts only the time the
 * forked JVM's threads were on a CPU, so a ratio of task-clock per operation is stable where a
 * ratio of wall time is not. The VM exposes no hardware counters (cycles, instructions), only
 * software events. task-clock covers every thread of the fork (JIT and GC threads, and in the
 * cold-fetch benchmark the loopback server too), so it is a ratio tool, not an absolute figure.
 */
final class PerfTaskClock {

  static final String EVENT = "task-clock";

  /** JMH reports task-clock in milliseconds per operation. */
  static final double NANOS_PER_UNIT = 1e6;

  private PerfTaskClock() {}

  /** True when {@code perf stat -e task-clock} runs here. */
  static boolean available() {
    try {
      Process perf =
          new ProcessBuilder("perf", "stat", "-x,", "-e", EVENT, "true")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return perf.waitFor(10, TimeUnit.SECONDS) && perf.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
