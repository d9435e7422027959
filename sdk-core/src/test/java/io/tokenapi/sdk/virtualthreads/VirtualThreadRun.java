package io.tokenapi.sdk.virtualthreads;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
   * Pins the JDK causes by itself at the first use of a class or call site, once per JVM, whatever
   * the application does: a virtual thread that waits while another thread initializes a class (on
   * JDK 25 this includes the JDK's own socket pollers, virtual threads too, started by the first
   * socket read on a virtual thread; HotSpot's class-initialization lock is an {@code int[]}),
   * loads one under the class loader's per-class lock, or links a call site (the VM calls back into
   * {@code MethodHandleNatives}). A VM frame below keeps the virtual thread on its carrier. Gone
   * once the classes are loaded and the call sites linked; see docs/virtual-threads.md.
   */
  private static boolean firstUse(RecordedEvent pinned, Set<String> classInitWaits) {
    if (pinned.hasField("pinnedReason")
        && String.valueOf(pinned.getString("pinnedReason"))
            .startsWith("Waited for initialization")) {
      return true;
    }
    if (classInitWaits.contains(threadAndStack(pinned))) {
      return true;
    }
    RecordedStackTrace stack = pinned.getStackTrace();
    if (stack == null) {
      return false;
    }
    for (RecordedFrame frame : stack.getFrames()) {
      String type = frame.getMethod().getType().getName();
      String method = frame.getMethod().getName();
      if (type.equals("java.lang.invoke.MethodHandleNatives")
          || type.equals("java.lang.ClassLoader") && method.equals("loadClass")
          || type.equals("jdk.internal.loader.BuiltinClassLoader")
              && method.equals("loadClassOrNull")) {
        return true;
      }
    }
    return false;
  }

  private static String threadAndStack(RecordedEvent event) {
    StringBuilder key =
        new StringBuilder(
            String.valueOf(event.getThread() == null ? -1 : event.getThread().getJavaThreadId()));
    if (event.getStackTrace() != null) {
      for (RecordedFrame frame : event.getStackTrace().getFrames()) {
        key.append(' ').append(frame(frame));
      }
    }
    return key.toString();
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
      List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
      Set<String> classInitWaits = new HashSet<>();
      for (RecordedEvent event : events) {
        if (event.getEventType().getName().equals(MONITOR_ENTER)
            && event.getClass("monitorClass") != null
            && event.getClass("monitorClass").getName().equals("[I")) {
          classInitWaits.add(threadAndStack(event));
        }
      }
      List<String> unexplained = new ArrayList<>();
      for (RecordedEvent event : events) {
        String name = event.getEventType().getName();
        if (name.equals(PINNED)) {
          pinned.add(describe(event));
          if (!firstUse(event, classInitWaits)) {
            unexplained.add(describe(event));
          }
        } else if (name.equals(MONITOR_ENTER) && isVirtual(event)) {
          monitorWaits.add(describe(event));
        }
      }
      return new Result<>(callers, values, failures, pinned, unexplained, monitorWaits, millis);
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
    private final List<String> unexplained;
    private final List<String> monitorWaits;
    private final long millis;

    Result(
        int callers,
        List<T> values,
        List<Throwable> failures,
        List<String> pinned,
        List<String> unexplained,
        List<String> monitorWaits,
        long millis) {
      this.callers = callers;
      this.values = List.copyOf(values);
      this.failures = List.copyOf(failures);
      this.pinned = List.copyOf(pinned);
      this.unexplained = List.copyOf(unexplained);
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
      return unexplained;
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
