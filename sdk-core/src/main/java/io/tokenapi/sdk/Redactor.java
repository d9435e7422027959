package io.tokenapi.sdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces the client secret wherever a server echoed it, before the text can reach an exception or
 * a log.
 */
final class Redactor {
  static final String REDACTED = "[REDACTED]";

  private final String secret;

  Redactor(String secret) {
    this.secret = secret;
  }

  String redact(String text) {
    if (text == null || secret.isEmpty() || !text.contains(secret)) {
      return text;
    }
    return text.replace(secret, REDACTED);
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
