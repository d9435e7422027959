package io.tokenapi.sdk;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A copy of an exception thrown by the caller's code (an assertion supplier), attached as the cause
 * of the SDK's exception in place of the original: the original's type name and stack trace, and
 * the same for its causes, but never a message. A supplier's message can hold the assertion itself
 * (a compact JWS, an opaque token), and {@code log.error("...", e)} prints every cause's message.
 */
final class RedactedFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Causes copied at most this deep; a longer (or cyclic) chain is cut. */
  static final int MAX_DEPTH = 8;

  private RedactedFailure(Throwable original, RedactedFailure cause) {
    super(
        original.getClass().getName() + " (message left out: it may hold a credential)",
        cause,
        false,
        true);
    setStackTrace(original.getStackTrace());
  }

  /**
   * A redacted copy of {@code original} and its causes.
   *
   * @param original what the caller's code threw, not null
   */
  static RedactedFailure of(Throwable original) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = original; t != null && chain.size() < MAX_DEPTH; t = t.getCause()) {
      if (seen.put(t, Boolean.TRUE) != null) {
        break;
      }
      chain.add(t);
    }
    RedactedFailure copy = null;
    for (int i = chain.size() - 1; i >= 0; i--) {
      copy = new RedactedFailure(chain.get(i), copy);
    }
    return copy;
  }
}
