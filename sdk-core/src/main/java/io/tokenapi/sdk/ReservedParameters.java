package io.tokenapi.sdk;

import io.tokenapi.sdk.internal.SafeText;

/**
 * The token request fields the SDK writes itself, which a {@code tokenParameter} must not repeat.
 * Compared case-insensitively: servers such as ASP.NET read form fields that way, so {@code
 * GRANT_TYPE} beside the SDK's {@code grant_type} would be a second grant type, in any of the
 * client-authentication modes. Spaces around the name, and the '.', ' ' and '[' that PHP reads as
 * '_', are folded first for the same reason.
 */
final class ReservedParameters {
  private ReservedParameters() {}

  /**
   * Refuses {@code name} when it is one of the SDK's own fields in any case.
   *
   * @throws IllegalArgumentException naming the setter to use instead
   */
  static void check(String name) {
    String instead = setterFor(name);
    if (instead != null) {
      throw new IllegalArgumentException(
          "tokenParameter(\""
              + SafeText.of(name, 60)
              + "\", ...) uses a name the SDK sets itself (names are compared in any letter case):"
              + " "
              + instead
              + ", and remove that tokenParameter(...)");
    }
  }

  /** What to do instead for {@code name}, or null when the name is free. */
  private static String setterFor(String given) {
    // PHP rewrites '.', ' ' and an unclosed '[' in form field names to '_' (and others trim), so
    // "grant.type" or "client secret" would reach such a server as grant_type or client_secret.
    String name = given.strip().replace('.', '_').replace(' ', '_').replace('[', '_');
    if (name.equalsIgnoreCase("scope")) {
      return "use scope(...) instead";
    }
    if (name.equalsIgnoreCase("grant_type")) {
      return "the SDK always sends grant_type=client_credentials";
    }
    if (name.equalsIgnoreCase("client_id")) {
      return "use clientId(...) instead";
    }
    if (name.equalsIgnoreCase("client_secret")) {
      return "use clientSecret(...) instead";
    }
    if (name.regionMatches(true, 0, "client_assertion", 0, "client_assertion".length())) {
      return "use clientAssertion(...) or privateKeyJwt(...) instead";
    }
    return null;
  }
}
