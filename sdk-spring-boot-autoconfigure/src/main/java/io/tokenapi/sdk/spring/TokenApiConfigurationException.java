package io.tokenapi.sdk.spring;

import java.util.List;

/**
 * Thrown at startup when {@code tokenapi.*} properties cannot make a working client. Boot's failure
 * analysis prints each problem with the property it concerns and the fix. Messages name properties,
 * never a secret's value.
 */
public final class TokenApiConfigurationException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  // Arrays, not List: a serializable exception keeps serializable field types (JDK 25's
  // -Xlint:serial reports a List field), and transient fields would come back null after
  // deserialization.

  /** Each problem, one line: the property, what is wrong with it. */
  private final String[] problems;

  /** Each fix, one line, in the order of the problems. */
  private final String[] fixes;

  /** Longer problem or fix lines are cut: a property value must not flood the startup report. */
  static final int MAX_LINE = 1024;

  TokenApiConfigurationException(List<String> problems, List<String> fixes) {
    super("Invalid tokenapi configuration: " + String.join("; ", printable(problems)));
    this.problems = printable(problems).toArray(String[]::new);
    this.fixes = printable(fixes).toArray(String[]::new);
  }

  private static List<String> printable(List<String> lines) {
    return lines.stream().map(TokenApiConfigurationException::printable).toList();
  }

  /**
   * A base URL as a problem may quote it: in quotes, or not at all when it has an {@code '@'},
   * which may follow user info holding a password ({@code ftp://user:secret@host} is no http(s)
   * URL, so no parser took the user info apart).
   */
  static String quotedUrl(String url) {
    return url.indexOf('@') >= 0
        ? "(the value is not shown: it has an '@', and what comes before one may be a password)"
        : "\"" + url + "\"";
  }

  /**
   * {@code text} made safe for one line of the startup report: at most {@value #MAX_LINE}
   * characters, and line breaks (CR, LF, NEL, U+2028, U+2029), other control characters and
   * invisible format characters (bidi overrides) replaced by {@code '?'}. Problems quote the
   * offending property names and values (a client name, a host), and a value must not forge log
   * lines.
   */
  static String printable(String text) {
    if (text == null) {
      return "";
    }
    int length = Math.min(text.length(), MAX_LINE);
    StringBuilder sb = new StringBuilder(length + 3);
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      int type = Character.getType(c);
      boolean unsafe =
          Character.isISOControl(c)
              || type == Character.FORMAT
              || type == Character.LINE_SEPARATOR
              || type == Character.PARAGRAPH_SEPARATOR;
      sb.append(unsafe ? '?' : c);
    }
    return text.length() > MAX_LINE ? sb.append("...").toString() : sb.toString();
  }

  /**
   * What is wrong, one entry per problem, each naming its property.
   *
   * @return the problems, never empty
   */
  public List<String> problems() {
    return List.of(problems);
  }

  /**
   * How to fix each problem, in the same order as {@link #problems()}.
   *
   * @return the fixes
   */
  public List<String> fixes() {
    return List.of(fixes);
  }
}
