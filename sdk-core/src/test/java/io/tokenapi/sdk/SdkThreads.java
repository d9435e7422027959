package io.tokenapi.sdk;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Finds threads the SDK left behind: the client's own {@code tokenapi-...} threads, and threads
 * still running an OkHttp call (OkHttp renames a thread to {@code "OkHttp http://..."} while it
 * runs one). OkHttp's shared {@code OkHttp TaskRunner} threads belong to the OkHttp library, not to
 * one client, and are not counted.
 */
final class SdkThreads {
  private final Set<Thread> before;

  private SdkThreads(Set<Thread> before) {
    this.before = before;
  }

  /** Remembers the threads alive now, so that only threads started later are checked. */
  static SdkThreads snapshot() {
    Set<Thread> threads = Collections.newSetFromMap(new IdentityHashMap<>());
    threads.addAll(Thread.getAllStackTraces().keySet());
    return new SdkThreads(threads);
  }

  /**
   * Waits up to {@code timeout} for every SDK thread started since the snapshot to end.
   *
   * @return the names of those still alive after the wait; empty when none leaked
   */
  List<String> aliveAfter(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (; ; ) {
      List<String> alive = new ArrayList<>();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (!before.contains(t) && t.isAlive() && isSdkThread(t.getName())) {
          alive.add(t.getName());
        }
      }
      if (alive.isEmpty() || System.nanoTime() > deadline) {
        return alive;
      }
      Thread.sleep(10);
    }
  }

  static boolean isSdkThread(String name) {
    return name.startsWith("tokenapi-") || name.startsWith("OkHttp http");
  }
}
