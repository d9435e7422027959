package io.tokenapi.sdk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.event.Level;
import org.slf4j.helpers.MessageFormatter;

/**
 * Every SLF4J event logged in this test JVM, at every level down to TRACE, kept in memory so that tests can assert
 * on what was (and was not) logged. Installed by {@link CapturingLogsProvider} through
 * {@code META-INF/services/org.slf4j.spi.SLF4JServiceProvider} in the test resources.
 *
 * <p>Events are global to the JVM: a test calls {@link #clear()} first and reads {@link #events()} after. The
 * buffer keeps the newest {@value #MAX_EVENTS} events, so a long test cannot exhaust the heap.
 */
final class CapturingLogs {
  static final int MAX_EVENTS = 100_000;

  private static final ConcurrentLinkedQueue<Event> EVENTS = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger SIZE = new AtomicInteger();

  private CapturingLogs() {}

  /** One logging call, as the logger received it and as a log line would show it. */
  record Event(String logger, Level level, String pattern, List<Object> arguments, Throwable throwable,
      String thread) {

    /** The message with its arguments filled in, as an appender would print it. */
    String message() {
      return MessageFormatter.basicArrayFormat(pattern, arguments.toArray());
    }

    /**
     * Everything of this event a log file could show: the formatted message, each argument's {@code toString()},
     * and the class and message of the throwable and of each of its causes and suppressed exceptions.
     */
    String fullText() {
      StringBuilder sb = new StringBuilder(message());
      for (Object argument : arguments) {
        sb.append('\n').append(argument);
      }
      appendThrowable(sb, throwable, 0);
      return sb.toString();
    }

    private static void appendThrowable(StringBuilder sb, Throwable t, int depth) {
      if (t == null || depth > 10) {
        return;
      }
      sb.append('\n').append(t);
      for (Throwable suppressed : t.getSuppressed()) {
        appendThrowable(sb, suppressed, depth + 1);
      }
      appendThrowable(sb, t.getCause(), depth + 1);
    }

    @Override
    public String toString() {
      return level + " " + logger + " [" + thread + "] " + message();
    }
  }

  static void record(String logger, Level level, String pattern, Object[] arguments, Throwable throwable) {
    List<Object> args = arguments == null ? List.of() : Arrays.asList(arguments.clone());
    EVENTS.add(new Event(logger, level, pattern, args, throwable, Thread.currentThread().getName()));
    if (SIZE.incrementAndGet() > MAX_EVENTS && EVENTS.poll() != null) {
      SIZE.decrementAndGet();
    }
  }

  /** The events recorded since the last {@link #clear()}, oldest first. */
  static List<Event> events() {
    return new ArrayList<>(EVENTS);
  }

  /** The events at {@code level} or more severe. */
  static List<Event> events(Level atLeast) {
    List<Event> out = new ArrayList<>();
    for (Event e : EVENTS) {
      if (e.level().toInt() >= atLeast.toInt()) {
        out.add(e);
      }
    }
    return out;
  }

  static void clear() {
    Event e;
    while ((e = EVENTS.poll()) != null) {
      SIZE.decrementAndGet();
    }
  }
}
