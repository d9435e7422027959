package io.tokenapi.sdk.spring;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code management.health.tokenapi.*} properties (beside Boot's own {@code
 * management.health.tokenapi.enabled}).
 *
 * @param closedStatus The health status of a client while the provider is closed until a time it
 *     announced (state CLOSED_UNTIL): up by default, so that a scheduled closure does not take the
 *     application out of service; down, out-of-service or a status of your own for a stricter
 *     check. A client that cannot get a token otherwise (FAILING) is always down.
 */
@ConfigurationProperties("management.health.tokenapi")
public record TokenApiHealthProperties(@DefaultValue("up") String closedStatus) {
  private static final Pattern STATUS = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

  /**
   * Binds the properties.
   *
   * @param closedStatus see the record description
   */
  public TokenApiHealthProperties {}

  /**
   * The status code for {@code closed-status}: upper case, dashes as underscores ({@code
   * out-of-service} is Boot's {@code OUT_OF_SERVICE}).
   *
   * @return the code, for example {@code UP}
   * @throws TokenApiConfigurationException if the value is not a status code
   */
  String closedStatusCode() {
    String code =
        closedStatus == null ? "" : closedStatus.trim().replace('-', '_').toUpperCase(Locale.ROOT);
    if (!STATUS.matcher(code).matches()) {
      throw new TokenApiConfigurationException(
          List.of(
              "management.health.tokenapi.closed-status: \""
                  + printable(closedStatus)
                  + "\" is not a health status"),
          List.of(
              "set management.health.tokenapi.closed-status to up (the default), down,"
                  + " out-of-service or a status of your own (letters, digits, dashes)"));
    }
    return code;
  }

  private static String printable(String s) {
    if (s == null) {
      return "";
    }
    return TokenApiConfigurationException.printable(
        s.length() > 64 ? s.substring(0, 64) + "..." : s);
  }
}
