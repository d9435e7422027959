package io.tokenapi.sdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Replaces the client secret wherever a server echoed it, before the text can reach an exception or
 * a log. Client assertions too: the current attempt's, and anything shaped like a compact JWS.
 */
final class Redactor {
  static final String REDACTED = "[REDACTED]";

  /** A compact JWS or JWT: a JSON header and payload ({@code {"} encodes as {@code eyJ}). */
  private static final Pattern COMPACT_JWS =
      Pattern.compile("eyJ[A-Za-z0-9_-]*\\.eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+");

  /** Null for a client without a secret. */
  private final String secret;

  /** The current attempt's client assertion, or null for a secret client. */
  private final Supplier<String> assertion;

  Redactor(String secret) {
    this(secret, null);
  }

  Redactor(String secret, Supplier<String> assertion) {
    this.secret = secret;
    this.assertion = assertion;
  }

  String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    if (secret != null && !secret.isEmpty() && out.contains(secret)) {
      out = out.replace(secret, REDACTED);
    }
    String current = assertion == null ? null : assertion.get();
    if (current != null && !current.isEmpty() && out.contains(current)) {
      out = out.replace(current, REDACTED);
    }
    return redactCompactJws(out);
  }

  /** {@code text} with every compact JWS replaced: a signed assertion is a bearer credential. */
  static String redactCompactJws(String text) {
    if (text == null || !text.contains("eyJ")) {
      return text;
    }
    return COMPACT_JWS.matcher(text).replaceAll(REDACTED);
  }

  /** Redacts strings inside plain Java JSON values (String, List, Map keys and values) too. */
  Object redactValue(Object value) {
    if (value instanceof String) {
      return redact((String) value);
    }
    if (value instanceof List) {
      List<Object> out = new ArrayList<>();
      for (Object item : (List<?>) value) {
        out.add(redactValue(item));
      }
      return out;
    }
    if (value instanceof Map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        // Keys too: a server can echo the secret as a field name as easily as a value.
        out.put(redactValue(e.getKey()), redactValue(e.getValue()));
      }
      return out;
    }
    return value;
  }
}
