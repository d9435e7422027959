package io.tokenapi.sdk.internal;

/**
 * Which hosts count as loopback, where plain {@code http://} is allowed. Not part of the API: the
 * package is not exported by the module and may change without notice.
 */
public final class Loopback {
  private Loopback() {}

  /**
   * Whether {@code host} names this machine: {@code localhost}, an IPv4 literal in 127.0.0.0/8, or
   * {@code ::1}. A textual check only: no DNS lookup, and lookalikes such as {@code
   * 127.0.0.1.example.com} are not loopback.
   *
   * @param host a host as {@link okhttp3.HttpUrl#host()} returns it
   * @return true for a loopback host
   */
  public static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")
        || host.equals("::1")
        || host.equals("0:0:0:0:0:0:0:1")) {
      return true;
    }
    if (!host.startsWith("127.")) {
      return false;
    }
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
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
}
