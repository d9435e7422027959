package io.tokenapi.sdk.spring;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import okhttp3.HttpUrl;

/** The hosts a bearer token may go to, in canonical form, and the plain-http rule for them. */
final class AllowedHosts {
  private final Set<String> hosts;
  private final boolean allowInsecureHttp;

  AllowedHosts(Set<String> hosts, boolean allowInsecureHttp) {
    this.hosts = Collections.unmodifiableSet(new LinkedHashSet<>(hosts));
    this.allowInsecureHttp = allowInsecureHttp;
  }

  /**
   * {@code host} in the form requests are compared in: lower case, IDN as punycode, IPv6 without
   * brackets.
   *
   * @throws IllegalArgumentException if it is not a host name or IP address
   */
  static String canonical(String host) {
    if (host == null) {
      throw new IllegalArgumentException("host == null");
    }
    String bare = host.trim();
    if (bare.indexOf('*') >= 0) {
      // OkHttp takes '*' as a host character: "*.example.com" would match no request, silently.
      throw new IllegalArgumentException(
          "not a host name: \""
              + host
              + "\" (wildcards are not supported: list each host, for example \"api.example.com\")");
    }
    if (bare.startsWith("[") && bare.endsWith("]")) {
      bare = bare.substring(1, bare.length() - 1);
    }
    try {
      return new HttpUrl.Builder().scheme("https").host(bare).build().host();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not a host name: \""
              + host
              + "\" (expected something like \"api.example.com\", without scheme, port or path)",
          e);
    }
  }

  Set<String> hosts() {
    return hosts;
  }

  /** Whether a request to {@code host} (as a URI gives it, possibly null) gets the token. */
  boolean allows(String host) {
    if (host == null) {
      return false;
    }
    try {
      return hosts.contains(canonical(host));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Null when the token may go to {@code scheme://host}; otherwise why not, as an exception
   * message.
   */
  String refusal(String scheme, String host) {
    if ("https".equalsIgnoreCase(scheme) || allowInsecureHttp || isLoopback(canonical(host))) {
      return null;
    }
    return "Refusing to send a bearer token over "
        + scheme
        + ":// to "
        + host
        + ": use https://, or build the interceptor with allowInsecureHttp() if this network is"
        + " trusted.";
  }

  /** {@code localhost}, 127.0.0.0/8 or ::1, by text only (no DNS lookup), as sdk-core decides. */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
      return true;
    }
    String[] parts = h.split("\\.", -1);
    if (parts.length != 4 || !parts[0].equals("127")) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty()
          || part.length() > 3
          || !part.chars().allMatch(Character::isDigit)
          || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return hosts + (allowInsecureHttp ? ", allowInsecureHttp" : "");
  }
}
