package io.tokenapi.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and times-scheduled of every thread of this process, summed from {@code
 * /proc/self/task/}*{@code /schedstat} (run time in ns, wait time in ns, number of timeslices).
 * Nanosecond resolution, where the JDK's process CPU time here ticks in 10 ms steps; and "times
 * scheduled" counts the thread hand-offs a request costs. Zero where /proc has no schedstat.
 */
record ProcessSchedStats(long cpuNanos, long runQueueWaitNanos, long timesScheduled) {

  static ProcessSchedStats now() {
    long cpu = 0;
    long wait = 0;
    long slices = 0;
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          String[] fields = Files.readString(task.resolve("schedstat")).trim().split("\\s+");
          cpu += Long.parseLong(fields[0]);
          wait += Long.parseLong(fields[1]);
          slices += Long.parseLong(fields[2]);
        } catch (IOException | RuntimeException e) {
          // A thread that ended while we read: its share is lost, which a block of hundreds of
          // requests absorbs.
        }
      }
    } catch (IOException e) {
      return new ProcessSchedStats(0, 0, 0);
    }
    return new ProcessSchedStats(cpu, wait, slices);
  }

  ProcessSchedStats minus(ProcessSchedStats earlier) {
    return new ProcessSchedStats(
        cpuNanos - earlier.cpuNanos,
        runQueueWaitNanos - earlier.runQueueWaitNanos,
        timesScheduled - earlier.timesScheduled);
  }
}
