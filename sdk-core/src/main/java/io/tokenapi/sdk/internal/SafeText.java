package io.tokenapi.sdk.internal;

/**
 * Makes a string the SDK does not control (a server's token type, scope, field name, error code or
 * text; a caller's exception message) safe to put on one log line: control characters and invisible
 * format characters escaped, length bounded. Not part of the API: the package is not exported by
 * the module and may change without notice.
 */
public final class SafeText {
  private SafeText() {}

  /**
   * {@code text} with CR, LF and tab written as {@code \r}, {@code \n}, {@code \t}, and every other
   * C0 or C1 control character, DEL, format character (bidi overrides, zero-width characters), line
   * or paragraph separator (U+2028, U+2029) and unpaired surrogate written as {@code \}{@code
   * uXXXX}; cut after {@code maxChars} characters of {@code text}, marked with {@code "..."} and
   * the full length. So a hostile value can neither forge a log line nor flood one.
   *
   * @param text the text, or null
   * @param maxChars how many characters of {@code text} to keep, at least 1
   * @return the safe text, or null when {@code text} is null
   */
  public static String of(String text, int maxChars) {
    if (text == null) {
      return null;
    }
    int keep = Math.min(text.length(), Math.max(1, maxChars));
    if (keep < text.length() && Character.isHighSurrogate(text.charAt(keep - 1))) {
      keep--; // never cut a pair in half
    }
    StringBuilder sb = null;
    for (int i = 0; i < keep; i++) {
      char c = text.charAt(i);
      String escape = escape(text, i, c);
      if (escape != null && sb == null) {
        sb = new StringBuilder(keep + 16).append(text, 0, i);
      }
      if (sb != null) {
        if (escape != null) {
          sb.append(escape);
        } else {
          sb.append(c);
        }
      }
    }
    String out = sb != null ? sb.toString() : text.substring(0, keep);
    return keep < text.length() ? out + "...(" + text.length() + " chars)" : out;
  }

  private static String escape(String text, int i, char c) {
    switch (c) {
      case '\r':
        return "\\r";
      case '\n':
        return "\\n";
      case '\t':
        return "\\t";
      default:
        break;
    }
    int type = Character.getType(c);
    boolean unsafe =
        Character.isISOControl(c)
            || type == Character.FORMAT
            || type == Character.LINE_SEPARATOR
            || type == Character.PARAGRAPH_SEPARATOR
            || type == Character.PRIVATE_USE
            || (Character.isHighSurrogate(c)
                && (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))))
            || (Character.isLowSurrogate(c)
                && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1))));
    return unsafe ? String.format(java.util.Locale.ROOT, "\\u%04x", (int) c) : null;
  }
}
