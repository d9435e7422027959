package io.tokenapi.sdk;

import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Thread helpers for the cache tests: callers on their own threads, and waiting until they are
 * parked.
 */
final class Threads {
  private Threads() {}

  /** A caller running on its own thread. */
  static final class Caller<T> {
    final Thread thread;
    final CompletableFuture<T> result = new CompletableFuture<>();

    private Caller(String name, Callable<T> body) {
      this.thread =
          new Thread(
              () -> {
                try {
                  result.complete(body.call());
                } catch (Throwable t) {
                  result.completeExceptionally(t);
                }
              },
              name);
      thread.setDaemon(true);
    }
  }

  /** Starts {@code body} on a new daemon thread named {@code name}. */
  static <T> Caller<T> start(String name, Callable<T> body) {
    Caller<T> caller = new Caller<>(name, body);
    caller.thread.start();
    return caller;
  }

  /**
   * Starts a {@code getToken()} caller that expects to be interrupted. Its result is whether the
   * interrupt flag was still set after {@code getToken()} threw the {@link OAuthException} caused
   * by the interrupt; {@code false} if it returned a token instead.
   *
   * @param interruptFirst interrupt the thread before it calls {@code getToken()}
   */
  static Caller<Boolean> startInterruptedCaller(
      String name, OAuthClient client, boolean interruptFirst) {
    return start(
        name,
        () -> {
          if (interruptFirst) {
            Thread.currentThread().interrupt();
          }
          try {
            client.getToken();
            return false;
          } catch (OAuthException e) {
            if (!(e.getCause() instanceof InterruptedException)) {
              throw new AssertionError("expected an OAuthException caused by the interrupt", e);
            }
            return Thread.currentThread().isInterrupted();
          }
        });
  }

  /**
   * Waits until {@code t} is parked (waiting, for example for a token), blocked reading the token
   * response (a blocking caller that started the refresh makes the request itself) or has ended.
   */
  static void awaitParked(Thread t) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (; ; ) {
      Thread.State state = t.getState();
      if (state == Thread.State.WAITING
          || state == Thread.State.TIMED_WAITING
          || state == Thread.State.TERMINATED
          || isReadingSocket(t)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(t.getName() + " did not park: " + state);
      }
      Thread.sleep(1);
    }
  }

  /**
   * Whether {@code t} sits in a socket channel's blocking read, which the JVM reports as RUNNABLE.
   */
  static boolean isReadingSocket(Thread t) {
    StackTraceElement[] stack = t.getStackTrace();
    if (stack.length == 0 || !stack[0].isNativeMethod()) {
      return false;
    }
    for (StackTraceElement frame : stack) {
      if (frame.getClassName().equals("sun.nio.ch.SocketChannelImpl")
          && frame.getMethodName().contains("Read")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Waits until {@code t} is named {@code prefix...} or has ended. OkHttp renames its dispatcher
   * thread to {@code "OkHttp <url>"} while it runs a call and restores the name afterwards.
   */
  static void awaitNamed(Thread t, String prefix) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (t.isAlive() && !t.getName().startsWith(prefix)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(t.getName() + " was not renamed " + prefix + "...");
      }
      Thread.sleep(1);
    }
  }

  /**
   * The live threads whose name starts with {@code prefix}, per {@link Thread#getAllStackTraces()}.
   */
  static Set<Thread> named(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
        .collect(Collectors.toSet());
  }
}
