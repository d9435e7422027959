package io.tokenapi.sdk.internal;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import okhttp3.HttpUrl;

/**
 * The hosts a bearer token may go to, in canonical form, and the plain-http rule for them: one rule
 * for {@code BearerTokenInterceptor} and {@code BearerTokens}. Not part of the API: the package is
 * not exported by the module and may change without notice.
 */
public final class AllowedHosts {
  private final Set<String> hosts;
  private final boolean allowInsecureHttp;

  /**
   * The rule for {@code hosts}.
   *
   * @param hosts canonical hosts ({@link #canonical})
   * @param allowInsecureHttp whether plain {@code http://} may carry the token to a host that is
   *     not loopback
   */
  public AllowedHosts(Set<String> hosts, boolean allowInsecureHttp) {
    this.hosts = Collections.unmodifiableSet(new LinkedHashSet<>(hosts));
    this.allowInsecureHttp = allowInsecureHttp;
  }

  /**
   * {@code host} in the form requests are compared in: lower case, IDN as punycode, IPv6 without
   * brackets.
   *
   * @param host a host name or IP address, without scheme, port or path
   * @return the canonical host
   * @throws IllegalArgumentException if null or not a host name or IP address
   */
  public static String canonical(String host) {
    if (host == null) {
      throw new IllegalArgumentException("host == null");
    }
    String bare = host.trim();
    if (bare.indexOf('*') >= 0) {
      // OkHttp takes '*' as a host character: "*.example.com" would match no request, silently.
      throw new IllegalArgumentException(
          "not a host name: \""
              + SafeText.of(host, 100)
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
              + SafeText.of(host, 100)
              + "\" (expected something like \"api.example.com\", without scheme, port or path)",
          e);
    }
  }

  /**
   * The allowed hosts.
   *
   * @return an unmodifiable set of canonical hosts
   */
  public Set<String> hosts() {
    return hosts;
  }

  /**
   * Whether a request to {@code host} gets the token.
   *
   * @param host as a URI or URL gives it, possibly null
   * @return true when it is allowed
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
   * Why the token may not go to {@code scheme://host} (an allowed host), or null when it may.
   *
   * @param scheme the request's scheme
   * @param host the request's host, allowed
   * @return null, or an exception message
   */
  public String refusal(String scheme, String host) {
    if ("https".equalsIgnoreCase(scheme)
        || allowInsecureHttp
        || Loopback.isLoopback(canonical(host))) {
      return null;
    }
    return "Refusing to send a bearer token over "
        + SafeText.of(scheme, 20)
        + ":// to "
        + host
        + ": use https://, or build with allowInsecureHttp() if this network is trusted.";
  }

  /**
   * The hosts, and the plain-http setting when on.
   *
   * @return for example {@code [api.example.com]}
   */
  @Override
  public String toString() {
    return hosts + (allowInsecureHttp ? ", allowInsecureHttp" : "");
  }
}
