package io.tokenapi.sdk;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import okhttp3.FormBody;

/**
 * Replaces secrets wherever a server echoed them, before the text can reach an exception or a log.
 * A server may echo what it received rather than what was meant: so each secret is redacted in
 * every form in which the SDK sends it (raw, form-encoded, JSON-escaped, inside HTTP Basic
 * credentials), not only as configured. Client assertions too: the current attempt's, and anything
 * shaped like a compact JWS. Immutable and thread-safe.
 */
final class Redactor {
  static final String REDACTED = "[REDACTED]";

  /** A compact JWS or JWT: a JSON header and payload ({@code {"} encodes as {@code eyJ}). */
  private static final Pattern COMPACT_JWS =
      Pattern.compile("eyJ[A-Za-z0-9_-]*\\.eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+");

  /** Every form of every secret, longest first, so a longer form is never half-replaced. */
  private final String[] forms;

  /** The current attempt's client assertion, or null for a secret client. */
  private final Supplier<String> assertion;

  /** The secret (null for a client without one) in every form it travels in. */
  Redactor(String secret) {
    this(secret, null);
  }

  /**
   * The secret (null for a client without one) in every form it travels in, and the current
   * attempt's client assertion.
   */
  Redactor(String secret, Supplier<String> assertion) {
    this(builder().secret(secret).forms, assertion);
  }

  private Redactor(Set<String> forms, Supplier<String> assertion) {
    List<String> sorted = new ArrayList<>(forms);
    sorted.removeIf(String::isEmpty);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    this.forms = sorted.toArray(new String[0]);
    this.assertion = assertion;
  }

  /** The client secret in every form the three client authentication modes send it. */
  static Redactor forClientSecret(String clientId, String clientSecret) {
    return forClient(clientId, clientSecret, null);
  }

  /**
   * A client's credentials: the secret (null for a client without one) in every form the three
   * client authentication modes send it, and the current attempt's client assertion.
   */
  static Redactor forClient(String clientId, String clientSecret, Supplier<String> assertion) {
    return new Redactor(
        builder().secret(clientSecret).basicCredentials(clientId, clientSecret).forms, assertion);
  }

  static Builder builder() {
    return new Builder();
  }

  String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String form : forms) {
      if (out.contains(form)) {
        out = out.replace(form, REDACTED);
      }
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

  /** Collects secrets; each one added is expanded into the forms it travels in. */
  static final class Builder {
    private final Set<String> forms = new LinkedHashSet<>();

    private Builder() {}

    /**
     * A secret sent in a JSON body, a form body or a header: raw, form-encoded (as OkHttp and
     * {@link URLEncoder} write it, and with {@code %20} for a space), percent-encoded with
     * lower-case hex, and JSON-escaped (as Jackson writes it, with {@code \/}, and with non-ASCII
     * as {@code \\uXXXX}).
     */
    Builder secret(String secret) {
      if (secret == null || secret.isEmpty()) {
        return this;
      }
      forms.add(secret);
      for (String encoded : percentEncodings(secret)) {
        forms.add(encoded);
        forms.add(lowerCaseHex(encoded));
      }
      String json = new String(JsonStringEncoder.getInstance().quoteAsString(secret));
      for (String escaped : List.of(json, json.replace("/", "\\/"))) {
        forms.add(escaped);
        forms.add(asciiJson(escaped));
        forms.add(lowerCaseUnicode(asciiJson(escaped)));
      }
      return this;
    }

    /**
     * HTTP Basic credentials for {@code id:secret}: the Base64 of the pair form-encoded first (RFC
     * 6749 2.3.1, what the SDK sends) and of the raw pair (what other clients send), without
     * padding so that padded and unpadded echoes both match.
     */
    Builder basicCredentials(String id, String secret) {
      if (secret == null || secret.isEmpty()) {
        return this;
      }
      forms.add(base64(ClientAuthentication.basicPair(id, secret)));
      forms.add(base64(id + ":" + secret));
      return this;
    }

    Redactor build() {
      return new Redactor(forms, null);
    }

    private static Set<String> percentEncodings(String secret) {
      Set<String> out = new LinkedHashSet<>();
      out.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
      out.add(
          new FormBody.Builder(StandardCharsets.UTF_8).add("s", secret).build().encodedValue(0));
      out.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
      return out;
    }

    private static String lowerCaseHex(String encoded) {
      StringBuilder sb = new StringBuilder(encoded);
      for (int i = sb.indexOf("%"); i >= 0 && i + 2 < sb.length(); i = sb.indexOf("%", i + 1)) {
        sb.setCharAt(i + 1, Character.toLowerCase(sb.charAt(i + 1)));
        sb.setCharAt(i + 2, Character.toLowerCase(sb.charAt(i + 2)));
      }
      return sb.toString();
    }

    /** JSON text with every non-ASCII character as an upper-case {@code \\uXXXX} escape. */
    private static String asciiJson(String json) {
      StringBuilder sb = new StringBuilder(json.length());
      for (int i = 0; i < json.length(); i++) {
        char c = json.charAt(i);
        if (c < 0x80) {
          sb.append(c);
        } else {
          sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
        }
      }
      return sb.toString();
    }

    private static String lowerCaseUnicode(String ascii) {
      StringBuilder sb = new StringBuilder(ascii);
      for (int i = sb.indexOf("\\u"); i >= 0 && i + 5 < sb.length(); i = sb.indexOf("\\u", i + 1)) {
        for (int j = i + 2; j < i + 6; j++) {
          sb.setCharAt(j, Character.toLowerCase(sb.charAt(j)));
        }
      }
      return sb.toString();
    }

    private static String base64(String pair) {
      return Base64.getEncoder()
          .withoutPadding()
          .encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }
  }
}
