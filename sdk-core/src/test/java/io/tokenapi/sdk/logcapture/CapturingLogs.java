package io.tokenapi.sdk.logcapture;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.slf4j.event.Level;

/**
 * Records the SLF4J events logged while it is open, from every thread and logger, at every level
 * (the test binding {@link CapturingLogsProvider} enables all of them). Open one per test in
 * try-with-resources:
 *
 * <pre>{@code
 * try (CapturingLogs logs = CapturingLogs.start()) {
 *   ... exercise the client ...
 *   assertThat(logs.messages(Level.WARN)).singleElement().asString().contains("HTTP 503");
 * }
 * }</pre>
 *
 * Events logged by a client of an earlier test that is still running are recorded too: close
 * clients at the end of each test, or filter with {@link #messages(Level, String)}. Public for the
 * other modules' tests, which get it from this module's test-jar.
 */
// "exports": as for CapturingLogsProvider, the test classes are compiled into the SDK's module,
// where a public class showing SLF4J's Level would need "requires transitive org.slf4j"; other
// modules' tests use it from the class path.
@SuppressWarnings("exports")
public final class CapturingLogs implements AutoCloseable {
  private static final List<CapturingLogs> OPEN = new CopyOnWriteArrayList<>();

  private final List<Event> events = new CopyOnWriteArrayList<>();

  private CapturingLogs() {}

  /** Starts recording every event logged from now on, until {@link #close()}. */
  public static CapturingLogs start() {
    CapturingLogs logs = new CapturingLogs();
    OPEN.add(logs);
    return logs;
  }

  static void record(Event event) {
    for (CapturingLogs logs : OPEN) {
      logs.events.add(event);
    }
  }

  /** Every event recorded so far, in logging order. */
  public List<Event> events() {
    return List.copyOf(events);
  }

  /** The events at exactly {@code level}. */
  public List<Event> events(Level level) {
    return events.stream().filter(e -> e.level() == level).collect(Collectors.toList());
  }

  /** The formatted messages at exactly {@code level}, in logging order. */
  public List<String> messages(Level level) {
    return events(level).stream().map(Event::message).collect(Collectors.toList());
  }

  /** The formatted messages at exactly {@code level} that contain {@code fragment}. */
  public List<String> messages(Level level, String fragment) {
    return messages(level).stream().filter(m -> m.contains(fragment)).collect(Collectors.toList());
  }

  /** Every formatted message and the text of every thrown exception, for "never logs X" checks. */
  public String allText() {
    StringBuilder sb = new StringBuilder();
    for (Event e : events) {
      sb.append(e.level()).append(' ').append(e.message()).append('\n');
      for (Throwable t = e.thrown(); t != null; t = t.getCause()) {
        sb.append("  ").append(t).append('\n');
      }
    }
    return sb.toString();
  }

  /** Forgets what was recorded so far and keeps recording. */
  public void clear() {
    events.clear();
  }

  /** Stops recording. */
  @Override
  public void close() {
    OPEN.remove(this);
  }

  /**
   * One logging call: level, logger name, message with its arguments filled in, throwable or null,
   * thread.
   */
  public record Event(Level level, String logger, String message, Throwable thrown, String thread) {
    @Override
    public String toString() {
      return level + " [" + thread + "] " + logger + " - " + message;
    }
  }
}
