package io.tokenapi.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The tokens the fake endpoint issued: values, expiry, revocation. */
final class TokenLedger {
  private final int capacity;
  private final AtomicInteger sequence = new AtomicInteger();

  /**
   * Token value to expiry ({@link Instant#MIN} once revoked), in issue order. Guarded by itself.
   */
  private final LinkedHashMap<String, Instant> issued = new LinkedHashMap<>();

  TokenLedger(int capacity) {
    this.capacity = capacity;
  }

  /** A new value, {@code fake-token-1}, {@code fake-token-2}, ...: unique for the server's life. */
  String issue(Instant now, Duration lifetime) {
    String token = "fake-token-" + sequence.incrementAndGet();
    synchronized (issued) {
      issued.put(token, now.plus(lifetime));
      Iterator<String> oldest = issued.keySet().iterator();
      while (issued.size() > capacity) {
        oldest.next();
        oldest.remove();
      }
    }
    return token;
  }

  List<String> issued() {
    synchronized (issued) {
      return List.copyOf(issued.keySet());
    }
  }

  String last() {
    synchronized (issued) {
      String last = null;
      for (String token : issued.keySet()) {
        last = token;
      }
      if (last == null) {
        throw new IllegalStateException("No token has been issued");
      }
      return last;
    }
  }

  boolean contains(String token) {
    synchronized (issued) {
      return issued.containsKey(token);
    }
  }

  boolean isValid(String token, Instant now) {
    Instant expiresAt;
    synchronized (issued) {
      expiresAt = issued.get(token);
    }
    return expiresAt != null && now.isBefore(expiresAt);
  }

  void revoke(String token) {
    synchronized (issued) {
      issued.replace(token, Instant.MIN);
    }
  }

  void clear() {
    synchronized (issued) {
      issued.clear();
    }
  }
}
