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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.FormBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  /**
   * Replaces the provider's free text when the secret is too short or common to cut out of it (see
   * {@link #isGuessable}): cutting "s" out of "in progress" would show where the secret is.
   */
  static final String WITHHELD =
      "[text left out: the client's credential is too short or common to redact it safely]";

  /** A secret form shorter than this is redacted only where it is a whole value. */
  static final int MIN_SUBSTRING_FORM = 8;

  /**
   * A guessable secret at least this long that occurs inside a value in any letter case (a code,
   * errorId, parameter name or value) makes the whole value redacted. Shorter ones (1 to 3
   * characters) would blank most codes by chance, and are found by trying anyway.
   */
  static final int MIN_WHOLE_FIELD_FORM = 4;

  private static final Logger LOG = LoggerFactory.getLogger(Redactor.class);

  /** Spelled-out secrets that occur in ordinary text although they have digits or symbols. */
  private static final Set<String> COMMON_SECRETS =
      Set.of(
          "password1",
          "password123",
          "passw0rd",
          "p@ssw0rd",
          "secret123",
          "secret1234",
          "test1234",
          "test12345",
          "changeme1",
          "changeme123",
          "client_secret",
          "client-secret",
          "clientsecret1",
          "my-secret",
          "my_secret",
          "not-a-secret",
          "top-secret");

  /** Every form of every secret, longest first, so a longer form is never half-replaced. */
  private final String[] forms;

  /** Per form: replaced only where it is the whole value, never cut out of a longer one. */
  private final boolean[] wholeOnly;

  /** Per form: the form in any letter case, literally; null for a whole-only form. */
  private final Pattern[] patterns;

  private static final String REDACTED_REPLACEMENT = Matcher.quoteReplacement(REDACTED);

  /** Whether the provider's free text is left out instead of redacted. */
  private final boolean withholdText;

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
    this(forms, Set.of(), assertion, null);
  }

  /**
   * @param guessable the secret when it is too short or common to cut out of text (see {@link
   *     #isGuessable}), else null
   */
  private Redactor(
      Set<String> forms, Set<String> basicForms, Supplier<String> assertion, String guessable) {
    List<String> sorted = new ArrayList<>(forms);
    sorted.removeIf(String::isEmpty);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    this.forms = sorted.toArray(new String[0]);
    this.wholeOnly = new boolean[this.forms.length];
    for (int i = 0; i < this.forms.length; i++) {
      String form = this.forms[i];
      // Short forms, and the forms in which a guessable secret is still readable (raw, encoded):
      // cutting them out of a longer value would show where the secret is. Its Base64 forms do
      // not read as words, so they are cut out as usual.
      boolean readable =
          guessable != null
              && form.toLowerCase(Locale.ROOT).contains(guessable.toLowerCase(Locale.ROOT));
      wholeOnly[i] = !basicForms.contains(form) && (form.length() < MIN_SUBSTRING_FORM || readable);
    }
    this.patterns = new Pattern[this.forms.length];
    for (int i = 0; i < this.forms.length; i++) {
      if (!wholeOnly[i]) {
        patterns[i] =
            Pattern.compile(
                Pattern.quote(this.forms[i]), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
      }
    }
    this.assertion = assertion;
    this.withholdText = guessable != null;
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
    boolean guessable = clientSecret != null && isGuessable(clientSecret);
    if (guessable) {
      // Once per client, at build(); never the secret, nor its length.
      LOG.warn(
          "clientSecret is shorter than {} characters, a plain word or number, or a common"
              + " password: the provider's error texts could contain it by chance, so they are left"
              + " out of exception messages and ApiError.text() (status, code and errorId stay)."
              + " Use the secret the provider issued.",
          MIN_SUBSTRING_FORM);
    }
    Builder credentials = builder().secret(clientSecret).basicCredentials(clientId, clientSecret);
    return new Redactor(
        credentials.forms, credentials.basicForms, assertion, guessable ? clientSecret : null);
  }

  /**
   * Whether {@code secret} could occur in ordinary text by chance, so that cutting it out of a
   * server's sentence would show where it is: fewer than {@value #MIN_SUBSTRING_FORM} characters,
   * letters only or digits only (a word or a number) up to 16 characters, or a common password.
   */
  static boolean isGuessable(String secret) {
    if (secret.length() < MIN_SUBSTRING_FORM) {
      return true;
    }
    if (secret.length() <= 16
        && (secret.chars().allMatch(Character::isLetter)
            || secret.chars().allMatch(Character::isDigit))) {
      return true;
    }
    return COMMON_SECRETS.contains(secret.toLowerCase(Locale.ROOT));
  }

  static Builder builder() {
    return new Builder();
  }

  /**
   * The provider's free text (an error description): redacted, or {@link #WITHHELD} as a whole when
   * the secret is too short or common to be cut out of a sentence without showing where it was.
   */
  String redactText(String text) {
    if (text == null) {
      return null;
    }
    return withholdText ? WITHHELD : redact(text);
  }

  /**
   * {@code text} with every form of the secret and the current assertion replaced. A form shorter
   * than {@value #MIN_SUBSTRING_FORM} characters, or one in which a guessable secret reads as
   * itself, is replaced only where it is the whole value (an error code or id that echoes it),
   * never cut out of a longer one.
   */
  String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (int i = 0; i < forms.length; i++) {
      String form = forms[i];
      if (wholeOnly[i]) {
        if (out.equalsIgnoreCase(form)
            || (withholdText
                && form.length() >= MIN_WHOLE_FIELD_FORM
                && out.toLowerCase(Locale.ROOT).contains(form.toLowerCase(Locale.ROOT)))) {
          // A guessable secret inside a code or id ("bad_hunter2"): cutting it out would show
          // where it is, and leaving the value would show it, so the whole value goes.
          return REDACTED;
        }
      } else if (containsIgnoreCase(out, form)) {
        // In any letter case: a provider that upper-cases what it echoes must not print it.
        out = patterns[i].matcher(out).replaceAll(REDACTED_REPLACEMENT);
      }
    }
    String current = assertion == null ? null : assertion.get();
    if (current != null && !current.isEmpty() && out.contains(current)) {
      out = out.replace(current, REDACTED);
    }
    return redactCompactJws(out);
  }

  private static boolean containsIgnoreCase(String text, String form) {
    for (int i = 0; i + form.length() <= text.length(); i++) {
      if (text.regionMatches(true, i, form, 0, form.length())) {
        return true;
      }
    }
    return false;
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

    /** The Base64 forms: never words, so cut out of any text however short they are. */
    private final Set<String> basicForms = new LinkedHashSet<>();

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
      for (String encoded :
          List.of(base64(ClientAuthentication.basicPair(id, secret)), base64(id + ":" + secret))) {
        forms.add(encoded);
        basicForms.add(encoded);
      }
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
