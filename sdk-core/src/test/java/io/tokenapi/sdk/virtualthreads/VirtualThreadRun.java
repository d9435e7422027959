package io.tokenapi.sdk.virtualthreads;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Runs many callers at once, one virtual thread each, under a JFR recording of {@code
 * jdk.VirtualThreadPinned} (threshold 0, with stack traces): what the virtual-thread tests of every
 * module share. Shared with the store modules' tests through sdk-core's test-jar.
 *
 * <p>Compiles with {@code --release 17}: the virtual-thread executor is reached through a method
 * handle, and the tests that use it are enabled on JDK 21 and later only.
 *
 * <p>A run also records {@code jdk.JavaMonitorEnter} (threshold 0): a virtual thread that had to
 * wait to enter a {@code synchronized} block. From JDK 24 on (JEP 491) that wait unmounts the
 * virtual thread; on JDK 21 to 23 it pins the carrier, so these events say what would pin there.
 */
public final class VirtualThreadRun {
  /** The JFR event of a virtual thread that blocked while it could not unmount. */
  public static final String PINNED = "jdk.VirtualThreadPinned";

  /** The JFR event of a thread that waited to enter a monitor. */
  public static final String MONITOR_ENTER = "jdk.JavaMonitorEnter";

  /** How long a run may take before it fails: far above the few seconds a run takes. */
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  private static final int TOP_FRAMES = 8;

  /**
   * Pins the JDK causes by itself at the first use of a class, once per class and JVM, whatever the
   * application does: a virtual thread that waits while another thread initializes a class (on JDK
   * 25 this includes the JDK's own socket pollers, virtual threads too, started by the first socket
   * read on a virtual thread), or loads one under the class loader's per-class lock (the VM's frame
   * below {@code loadClass} keeps it on its carrier). Gone once the classes are loaded; see
   * docs/virtual-threads.md.
   */
  private static boolean explained(String event) {
    int top = event.indexOf(" at ");
    return event.contains(" reason=\"Waited for initialization of ")
        || top >= 0
            && event.startsWith(" at jdk.internal.loader.BuiltinClassLoader.loadClassOrNull:", top);
  }

  private VirtualThreadRun() {}

  /**
   * Starts {@code callers} virtual threads that each wait at a gate, opens the gate once all are
   * waiting, runs {@code whileRunning} on this thread, then collects every caller's result.
   *
   * @param <T> what a caller returns
   * @param callers how many virtual threads
   * @param call what each one does after the gate opens
   * @param whileRunning what this thread does once the gate is open (release a held answer, say)
   * @return the results, failures and the JFR events of the run
   * @throws Exception when the recording fails, or the run outlives its timeout
   */
  public static <T> Result<T> run(int callers, Callable<T> call, Callable<Void> whileRunning)
      throws Exception {
    Path jfr = Files.createTempFile("virtual-thread-run-", ".jfr");
    try (Recording recording = new Recording()) {
      recording.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
      recording.enable(MONITOR_ENTER).withThreshold(Duration.ZERO).withStackTrace();
      recording.start();
      long started = System.nanoTime();
      List<T> values = new ArrayList<>();
      List<Throwable> failures = new ArrayList<>();
      ExecutorService executor = newVirtualThreadPerTaskExecutor();
      try {
        CountDownLatch ready = new CountDownLatch(callers);
        CountDownLatch gate = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>(callers);
        for (int i = 0; i < callers; i++) {
          futures.add(
              executor.submit(
                  () -> {
                    ready.countDown();
                    gate.await();
                    return call.call();
                  }));
        }
        if (!ready.await(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new TimeoutException("the virtual threads did not all start");
        }
        gate.countDown();
        whileRunning.call();
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        for (Future<T> future : futures) {
          try {
            values.add(future.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS));
          } catch (ExecutionException e) {
            failures.add(e.getCause());
          }
        }
      } finally {
        executor.shutdownNow();
        executor.awaitTermination(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      recording.stop();
      recording.dump(jfr);
      List<String> pinned = new ArrayList<>();
      List<String> monitorWaits = new ArrayList<>();
      for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
        String name = event.getEventType().getName();
        if (name.equals(PINNED)) {
          pinned.add(describe(event));
        } else if (name.equals(MONITOR_ENTER) && isVirtual(event)) {
          monitorWaits.add(describe(event));
        }
      }
      return new Result<>(callers, values, failures, pinned, monitorWaits, millis);
    } finally {
      Files.deleteIfExists(jfr);
    }
  }

  /**
   * {@code Executors.newVirtualThreadPerTaskExecutor()}, which a {@code --release 17} compile
   * cannot name.
   */
  private static ExecutorService newVirtualThreadPerTaskExecutor() {
    try {
      MethodHandle factory =
          MethodHandles.publicLookup()
              .findStatic(
                  Executors.class,
                  "newVirtualThreadPerTaskExecutor",
                  MethodType.methodType(ExecutorService.class));
      return (ExecutorService) factory.invoke();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("virtual threads need JDK 21 or later", e);
    }
  }

  /** {@code RecordedThread.isVirtual()} (JDK 21), likewise out of a release-17 compile's reach. */
  private static boolean isVirtual(RecordedEvent event) {
    if (event.getThread() == null) {
      return false;
    }
    try {
      return (Boolean)
          event.getThread().getClass().getMethod("isVirtual").invoke(event.getThread());
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  /** The event's reason (JDK 24+ says why a thread was pinned), duration and top frames. */
  private static String describe(RecordedEvent event) {
    StringBuilder out = new StringBuilder(event.getEventType().getName());
    if (event.hasField("pinnedReason")) {
      out.append(" reason=\"").append(event.getString("pinnedReason")).append('"');
    }
    if (event.hasField("monitorClass") && event.getClass("monitorClass") != null) {
      out.append(" monitor=").append(event.getClass("monitorClass").getName());
    }
    out.append(" duration=").append(event.getDuration().toNanos() / 1000).append("us");
    RecordedStackTrace stack = event.getStackTrace();
    if (stack != null) {
      out.append(" at ")
          .append(
              stack.getFrames().stream()
                  .limit(TOP_FRAMES)
                  .map(VirtualThreadRun::frame)
                  .collect(Collectors.joining(" <- ")));
    }
    return out.toString();
  }

  private static String frame(RecordedFrame frame) {
    return frame.getMethod().getType().getName()
        + "."
        + frame.getMethod().getName()
        + ":"
        + frame.getLineNumber();
  }

  /**
   * What a run produced.
   *
   * @param <T> what a caller returned
   */
  public static final class Result<T> {
    private final int callers;
    private final List<T> values;
    private final List<Throwable> failures;
    private final List<String> pinned;
    private final List<String> monitorWaits;
    private final long millis;

    Result(
        int callers,
        List<T> values,
        List<Throwable> failures,
        List<String> pinned,
        List<String> monitorWaits,
        long millis) {
      this.callers = callers;
      this.values = List.copyOf(values);
      this.failures = List.copyOf(failures);
      this.pinned = List.copyOf(pinned);
      this.monitorWaits = List.copyOf(monitorWaits);
      this.millis = millis;
    }

    /**
     * The callers' results, one per caller that returned.
     *
     * @return the results
     */
    public List<T> values() {
      return values;
    }

    /**
     * What callers threw.
     *
     * @return the failures, empty when every caller returned
     */
    public List<Throwable> failures() {
      return failures;
    }

    /**
     * The {@code jdk.VirtualThreadPinned} events of the run, each with its top frames.
     *
     * @return the pinned events, described
     */
    public List<String> pinned() {
      return pinned;
    }

    /**
     * The pinned events not explained by the JDK's own start-up (class loading and initialization
     * at first use): what the SDK and the libraries on the caller's path cause.
     *
     * @return the unexplained pinned events, described
     */
    public List<String> unexplainedPinned() {
      return pinned.stream().filter(event -> !explained(event)).collect(Collectors.toList());
    }

    /**
     * The {@code jdk.JavaMonitorEnter} events of virtual threads: waits that pin on JDK 21 to 23.
     *
     * @return the monitor waits, described
     */
    public List<String> monitorWaits() {
      return monitorWaits;
    }

    /**
     * One line with the run's figures, for the test log and RELIABILITY.md.
     *
     * @param name what ran
     * @param tokenRequests the token requests the server counted
     * @return the summary
     */
    public String summary(String name, int tokenRequests) {
      return String.format(
          "VIRTUAL THREADS %s: callers=%d returned=%d failed=%d tokenRequests=%d pinned=%d"
              + " (unexplained %d) virtualMonitorWaits=%d millis=%d jdk=%s",
          name,
          callers,
          values.size(),
          failures.size(),
          tokenRequests,
          pinned.size(),
          unexplainedPinned().size(),
          monitorWaits.size(),
          millis,
          Runtime.version());
    }
  }
}
