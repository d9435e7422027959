package io.tokenapi.sdk.internal;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * The hosts a bearer token may go to, compared exactly (after canonical form), and the plain-http
 * rule for them: the one rule of the SDK's resource-call integrations (Apache HttpClient 5, Feign,
 * Jakarta REST, gRPC). Immutable. Not part of the API: the package is exported only to the SDK's
 * own modules and may change without notice.
 */
public final class HostAllowList {
  private final Set<String> hosts;
  private final boolean allowInsecureHttp;

  /**
   * An allow-list of already {@linkplain #canonical(String) canonical} hosts.
   *
   * @param hosts the hosts, canonical; copied
   * @param allowInsecureHttp whether plain {@code http://} may carry the token to hosts that are
   *     not loopback
   * @throws IllegalStateException if {@code hosts} is empty, naming the setter to call
   */
  public HostAllowList(Collection<String> hosts, boolean allowInsecureHttp) {
    if (hosts.isEmpty()) {
      throw new IllegalStateException(
          "no host allowed: call allowHost(\"api.example.com\") for each host the token is meant"
              + " for");
    }
    this.hosts = Collections.unmodifiableSet(new LinkedHashSet<>(hosts));
    this.allowInsecureHttp = allowInsecureHttp;
  }

  /**
   * {@code host} in the form requests are compared in: lower case, IDN as punycode, IPv6 without
   * brackets.
   *
   * @param host a host name or IP address, without scheme, port or path
   * @return the canonical form
   * @throws IllegalArgumentException if null or not a host name or IP address
   */
  public static String canonical(String host) {
    if (host == null) {
      throw new IllegalArgumentException("host == null");
    }
    String bare = host.trim();
    if (bare.startsWith("[") && bare.endsWith("]")) {
      bare = bare.substring(1, bare.length() - 1);
    }
    try {
      return new HttpUrl.Builder().scheme("https").host(bare).build().host();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not a host name: \""
              + Redaction.printable(host)
              + "\" (expected something like \"api.example.com\", without scheme, port or path)",
          e);
    }
  }

  /**
   * The allowed hosts, canonical.
   *
   * @return an unmodifiable set, never empty
   */
  public Set<String> hosts() {
    return hosts;
  }

  /**
   * Whether a request to {@code host} gets the token.
   *
   * @param host the request's host as the library gives it; null or malformed is never allowed
   * @return true if it is on the list
   */
  public boolean allows(String host) {
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
   *
   * @param scheme the request's scheme, such as {@code https}
   * @param host an allowed host
   * @return null, or the reason to refuse
   */
  public String refusal(String scheme, String host) {
    if ("https".equalsIgnoreCase(scheme)
        || allowInsecureHttp
        || Loopback.isLoopback(canonical(host))) {
      return null;
    }
    return "Refusing to send a bearer token over "
        + Redaction.printable(String.valueOf(scheme))
        + ":// to "
        + Redaction.printable(host)
        + ": use https://, or build with allowInsecureHttp() if this network is trusted.";
  }

  /**
   * The hosts, and {@code allowInsecureHttp} when set.
   *
   * @return for example {@code [api.example.com]}
   */
  @Override
  public String toString() {
    return hosts + (allowInsecureHttp ? ", allowInsecureHttp" : "");
  }

  /** Keeps control characters of hostile input out of messages and logs. */
  private static final class Redaction {
    private static final int MAX = 256;

    static String printable(String s) {
      StringBuilder out = new StringBuilder(Math.min(s.length(), MAX));
      for (int i = 0; i < s.length() && i < MAX; i++) {
        char c = s.charAt(i);
        out.append(Character.isISOControl(c) ? '?' : c);
      }
      return s.length() > MAX ? out.append("...").toString() : out.toString();
    }
  }
}
