package io.tokenapi.sdk;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators for what a hostile or broken token server can send: JSON documents with the
 * token fields in every wrong type, numbers at the edges of what {@code BigDecimal} and {@code
 * Duration} hold, nesting past the parser's limit, invalid UTF-8, and {@code Retry-After} values in
 * every malformed shape. Shared by the parser-level and the HTTP-level property tests.
 */
final class HostileInputs {
  /** Planted in generated strings: no exception message may ever contain it. */
  static final String SECRET = "hostile-s3cret-4b1f";

  private static final List<String> TOKEN_FIELDS =
      List.of(
          "access_token",
          "accessToken",
          "token_type",
          "tokenType",
          "expires_in",
          "expiresIn",
          "scope");
  private static final List<String> ERROR_FIELDS =
      List.of(
          "errorId",
          "error_id",
          "code",
          "error",
          "text",
          "error_description",
          "parameter_name",
          "parameterName",
          "parameter_value",
          "parameterValue");

  /**
   * Numbers where arithmetic breaks: huge and tiny exponents, zero with a huge exponent, past the
   * length limit.
   */
  private static final List<String> EDGE_NUMBERS =
      List.of(
          "0",
          "-0",
          "0.0",
          "-0.0",
          "1",
          "-1",
          "3600",
          "3600.999",
          "0.0005",
          "1.5",
          "1E+3",
          "1e3",
          "315360000",
          "315360001",
          "9223372036854775807",
          "9223372036854775808",
          "-9223372036854775809",
          "1e-999999999",
          "5e-2147483647",
          "0e2147483647",
          "0E-2147483647",
          "1e2147483647",
          "-1e2147483647",
          "1e999999999",
          "1.7976931348623157e309",
          "4.9e-325",
          "123456789012345678901234567890e-999999990",
          "9".repeat(99),
          "9".repeat(101),
          "0." + "0".repeat(97) + "1");

  /**
   * What {@code expires_in} looks like as a string: numbers, then things BigDecimal may or may not
   * take.
   */
  private static final List<String> EDGE_NUMERIC_STRINGS =
      List.of(
          "42",
          " 42 ",
          "+42",
          "-42",
          "042",
          "4.2e1",
          "0x2A",
          "NaN",
          "Infinity",
          "-Infinity",
          "1_000",
          "4 2",
          "",
          " ",
          "\u0661\u0662",
          "\uff11\uff12\uff13",
          "1e-999999999",
          "0e2147483647",
          "1e2147483647",
          "9".repeat(29),
          "9".repeat(31));

  /**
   * JSON values by nesting depth 0 to 3, built once (after the constants above, which they use):
   * rebuilding the nested arbitraries on every try cost most of the run time.
   */
  private static final List<Arbitrary<String>> JSON_VALUES = jsonValuesUpTo(3);

  private HostileInputs() {}

  // ---------------------------------------------------------------- JSON

  /**
   * A JSON scalar as text: strings (escapes, lone surrogates, the planted secret), numbers,
   * booleans, null.
   */
  static Arbitrary<String> jsonScalars() {
    Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(12).map(HostileInputs::quote);
    Arbitrary<String> special =
        Arbitraries.of(
            "\"\"",
            "\" \"",
            "\"\\u0000\"",
            "\"\\ud800\"",
            "\"\\udfff\\ud800\"",
            "\"a\\nb\"",
            "\"tok\\r\\nX-Evil: 1\"",
            "\"\u00e9t\u00e9\"",
            "\"\u202e\"",
            quote(SECRET),
            quote("Bearer " + SECRET));
    Arbitrary<String> numbers =
        Arbitraries.oneOf(
            List.of(
                Arbitraries.of(EDGE_NUMBERS),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles()
                    .map(String::valueOf)
                    .filter(s -> !s.contains("N") && !s.contains("I"))));
    return Arbitraries.frequencyOf(
        List.of(
            Tuple.of(3, text),
            Tuple.of(2, special),
            Tuple.of(4, numbers),
            Tuple.of(1, Arbitraries.of("true", "false", "null"))));
  }

  /** Any JSON value up to {@code depth} (at most 3) levels of arrays and objects. */
  static Arbitrary<String> jsonValues(int depth) {
    return JSON_VALUES.get(Math.min(depth, JSON_VALUES.size() - 1));
  }

  private static List<Arbitrary<String>> jsonValuesUpTo(int maxDepth) {
    List<Arbitrary<String>> byDepth = new ArrayList<>();
    byDepth.add(jsonScalars());
    for (int depth = 1; depth <= maxDepth; depth++) {
      byDepth.add(nested(byDepth.get(depth - 1)));
    }
    return List.copyOf(byDepth);
  }

  private static Arbitrary<String> nested(Arbitrary<String> inner) {
    Arbitrary<String> array =
        inner.list().ofMaxSize(3).map(items -> "[" + String.join(",", items) + "]");
    Arbitrary<String> object =
        Combinators.combine(anyKeys(), inner)
            .as((k, v) -> quote(k) + ":" + v)
            .list()
            .ofMaxSize(3)
            .map(entries -> "{" + String.join(",", entries) + "}");
    return Arbitraries.frequencyOf(
        List.of(
            Tuple.of(6, jsonScalars()),
            Tuple.of(1, array),
            Tuple.of(1, object),
            Tuple.of(1, deepNesting())));
  }

  /**
   * Arrays or objects nested 1 to 200 deep: past the parser's limit of {@value
   * Json#MAX_NESTING_DEPTH}.
   */
  static Arbitrary<String> deepNesting() {
    return Combinators.combine(Arbitraries.integers().between(1, 200), Arbitraries.of(true, false))
        .as(
            (depth, arrays) ->
                arrays
                    ? "[".repeat(depth) + "1" + "]".repeat(depth)
                    : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
  }

  /** A value for {@code expires_in}: any JSON value, edge numbers, and edge numbers as strings. */
  static Arbitrary<String> expiresInValues() {
    return Arbitraries.frequencyOf(
        List.of(
            Tuple.of(2, jsonValues(2)),
            Tuple.of(3, Arbitraries.of(EDGE_NUMBERS)),
            Tuple.of(3, Arbitraries.of(EDGE_NUMERIC_STRINGS).map(HostileInputs::quote)),
            Tuple.of(1, Arbitraries.integers().between(0, 100_000).map(String::valueOf))));
  }

  /** A value for {@code access_token}: usually a plausible string, often anything else. */
  static Arbitrary<String> accessTokenValues() {
    Arbitrary<String> plausible =
        Arbitraries.strings()
            .withCharRange('!', '~')
            .ofMinLength(1)
            .ofMaxLength(40)
            .map(HostileInputs::quote);
    return Arbitraries.frequencyOf(List.of(Tuple.of(4, plausible), Tuple.of(3, jsonValues(2))));
  }

  /**
   * A JSON object shaped like a token response: each token field present or not, each with a
   * hostile value, plus random extra fields, in random order, sometimes twice.
   */
  static Arbitrary<String> tokenDocuments() {
    Arbitrary<String> known =
        Combinators.combine(Arbitraries.of(TOKEN_FIELDS), jsonValues(2))
            .as((k, v) -> quote(k) + ":" + v);
    Arbitrary<String> token = accessTokenValues().map(v -> "\"access_token\":" + v);
    Arbitrary<String> expires =
        Combinators.combine(Arbitraries.of("expires_in", "expiresIn"), expiresInValues())
            .as((k, v) -> quote(k) + ":" + v);
    Arbitrary<String> extra =
        Combinators.combine(anyKeys(), jsonValues(2)).as((k, v) -> quote(k) + ":" + v);
    Arbitrary<String> entry =
        Arbitraries.frequencyOf(
            List.of(
                Tuple.of(3, token), Tuple.of(3, expires), Tuple.of(2, known), Tuple.of(2, extra)));
    return entry.list().ofMaxSize(6).map(entries -> "{" + String.join(",", entries) + "}");
  }

  /**
   * A JSON object shaped like an error body (the provider's envelope or RFC 6749), fields of any
   * type.
   */
  static Arbitrary<String> errorDocuments() {
    Arbitrary<String> known =
        Combinators.combine(Arbitraries.of(ERROR_FIELDS), jsonValues(2))
            .as((k, v) -> quote(k) + ":" + v);
    Arbitrary<String> extra =
        Combinators.combine(anyKeys(), jsonValues(1)).as((k, v) -> quote(k) + ":" + v);
    return Arbitraries.frequencyOf(List.of(Tuple.of(4, known), Tuple.of(1, extra)))
        .list()
        .ofMaxSize(6)
        .map(entries -> "{" + String.join(",", entries) + "}");
  }

  /**
   * Bodies as bytes: token and error documents, any JSON value, documents cut short or with garbage
   * appended, invalid UTF-8 spliced in, and plain random bytes.
   */
  static Arbitrary<byte[]> bodies() {
    Arbitrary<String> documents =
        Arbitraries.oneOf(List.of(tokenDocuments(), errorDocuments(), jsonValues(3)));
    Arbitrary<byte[]> utf8 = documents.map(s -> s.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> truncated =
        Combinators.combine(utf8, Arbitraries.doubles().between(0, 1))
            .as((b, share) -> Arrays.copyOf(b, (int) (b.length * share)));
    Arbitrary<byte[]> spliced =
        Combinators.combine(utf8, invalidUtf8(), Arbitraries.doubles().between(0, 1))
            .as(HostileInputs::splice);
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
    return Arbitraries.frequencyOf(
        List.of(
            Tuple.of(5, utf8), Tuple.of(1, truncated), Tuple.of(2, spliced), Tuple.of(1, random)));
  }

  /**
   * Byte sequences that are not UTF-8: stray continuation bytes, overlong forms, surrogates, cut
   * sequences.
   */
  static Arbitrary<byte[]> invalidUtf8() {
    return Arbitraries.of(
        new byte[] {(byte) 0x80},
        new byte[] {(byte) 0xC3, (byte) 0x28},
        new byte[] {(byte) 0xC0, (byte) 0xAF},
        new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
        new byte[] {(byte) 0xF0, (byte) 0x9F},
        new byte[] {(byte) 0xFE, (byte) 0xFF},
        new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0},
        new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
        new byte[] {0});
  }

  // ---------------------------------------------------------------- HTTP

  /**
   * Any final three-digit status (200 to 999), weighted towards the ones the provider documents and
   * their neighbours. 1xx answers are not final: they are tried on their own, since each costs a
   * read timeout.
   */
  static Arbitrary<Integer> statuses() {
    return Arbitraries.frequencyOf(
        List.of(
            Tuple.of(4, Arbitraries.of(200, 201, 204, 409, 500, 503)),
            Tuple.of(
                2,
                Arbitraries.of(
                    301, 302, 307, 308, 400, 401, 403, 404, 407, 408, 421, 429, 502, 504)),
            Tuple.of(3, Arbitraries.integers().between(200, 999))));
  }

  /**
   * {@code Retry-After} values: valid, negative, huge, fractional, dates in odd formats, non-ASCII,
   * garbage.
   */
  static Arbitrary<String> retryAfterValues() {
    Arbitrary<String> fixed =
        Arbitraries.of(
            "0",
            "1",
            "120",
            "-1",
            "-0",
            "+5",
            " 7 ",
            "1.5",
            "0.0",
            "1e3",
            "0x10",
            "",
            " ",
            "99999999999999999999999999",
            "9223372036854775807",
            "9223372036854775808",
            "604801",
            "31536000",
            "Wed, 25 Nov 2026 10:00:00 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Mon, 25 Nov 2026 10:00:00 GMT",
            "Wed, 25 Nov 2026 10:00:00 +0100",
            "Wed, 25 Nov 2026 10:00:00 PST",
            "wed, 25 nov 2026 10:00:00 gmt",
            "Wed, 25 Nov 26 10:00:00 GMT",
            "Wed,25 Nov 2026 10:00:00 GMT",
            "Wed, 31 Feb 2026 10:00:00 GMT",
            "Wed, 25 Nov 2026 25:61:61 GMT",
            "Wednesday, 25-Nov-26 10:00:00 GMT",
            "Wed Nov 25 10:00:00 2026",
            "Wed Nov 25 10:00:00 +999999999",
            "2026-11-25T10:00:00Z",
            "2026-11-25 10:00:00",
            "1764064800",
            "Tomorrow",
            "\u0661\u0662",
            "\uff11\uff12",
            "5\u00a0",
            "Mi, 25 Nov 2026 10:00:00 GMT",
            "\u6c34, 25 Nov 2026 10:00:00 GMT",
            "\u0000",
            "5, 6",
            "5;q=1",
            "x".repeat(100));
    Arbitrary<String> numbers =
        Arbitraries.oneOf(
            List.of(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.integers().between(0, 1_000_000).map(String::valueOf)));
    Arbitrary<String> junk = Arbitraries.strings().all().ofMaxLength(40);
    return Arbitraries.frequencyOf(
        List.of(Tuple.of(4, fixed), Tuple.of(3, numbers), Tuple.of(2, junk)));
  }

  /** Content types, including absurd ones; null means no header. */
  static Arbitrary<String> contentTypes() {
    return Arbitraries.of(
            "application/json",
            "application/json; charset=utf-8",
            "application/json; charset=utf-16",
            "text/html",
            "text/plain; charset=iso-8859-1",
            "application/x-www-form-urlencoded",
            "",
            "*/*",
            "application/json; " + "x".repeat(200),
            "application/\u00e9")
        .injectNull(0.1);
  }

  // ---------------------------------------------------------------- helpers

  private static Arbitrary<String> anyKeys() {
    return Arbitraries.oneOf(
        List.of(
            Arbitraries.of(TOKEN_FIELDS),
            Arbitraries.of(ERROR_FIELDS),
            Arbitraries.of(SECRET, "echo " + SECRET),
            Arbitraries.strings().all().ofMaxLength(8)));
  }

  /**
   * {@code s} as a JSON string literal: control characters and lone surrogates escaped, so the text
   * is JSON.
   */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        String hex = Integer.toHexString(c);
        sb.append("\\u").append("0000", hex.length(), 4).append(hex);
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static byte[] splice(byte[] body, byte[] insert, double share) {
    int at = (int) (body.length * share);
    byte[] out = new byte[body.length + insert.length];
    System.arraycopy(body, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(body, at, out, at + insert.length, body.length - at);
    return out;
  }
}
