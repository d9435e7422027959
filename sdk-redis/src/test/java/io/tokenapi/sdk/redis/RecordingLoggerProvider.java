package io.tokenapi.sdk.redis;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An SLF4J backend for the tests: records what the SDK logs (DEBUG and up for {@code io.tokenapi}, INFO and up for
 * the rest) so tests can assert a WARN was logged and that no log line carries a secret. INFO and up also go to
 * stderr, which the worker JVMs write to a file. Public only because {@link java.util.ServiceLoader} needs it.
 */
public final class RecordingLoggerProvider implements SLF4JServiceProvider {
  /** One logged line. */
  static final class Event {
    final Level level;
    final String logger;
    final String message;

    Event(Level level, String logger, String message) {
      this.level = level;
      this.logger = logger;
      this.message = message;
    }

    @Override
    public String toString() {
      return level + " " + logger + " " + message;
    }
  }

  private static final List<Event> EVENTS = new CopyOnWriteArrayList<>();
  private static final ConcurrentMap<String, Logger> LOGGERS = new ConcurrentHashMap<>();

  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();
  private final ILoggerFactory loggers = name -> LOGGERS.computeIfAbsent(name, RecordingLogger::new);

  /** Creates the provider; SLF4J calls this through {@link java.util.ServiceLoader}. */
  public RecordingLoggerProvider() {}

  static List<Event> events() {
    return List.copyOf(EVENTS);
  }

  static List<String> messages(Level level) {
    return EVENTS.stream().filter(e -> e.level == level).map(e -> e.message).collect(Collectors.toList());
  }

  static void clear() {
    EVENTS.clear();
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  private static final class RecordingLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private final boolean debug;

    RecordingLogger(String name) {
      this.name = name;
      this.debug = name.startsWith("io.tokenapi");
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return debug;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
      String message = MessageFormatter.basicArrayFormat(pattern, arguments)
          + (throwable == null ? "" : " [" + throwable + "]");
      EVENTS.add(new Event(level, name, message));
      if (level.toInt() >= Level.INFO.toInt()) {
        System.err.println(level + " " + name + " " + message);
      }
    }
  }
}
