package io.tokenapi.sdk.spring;

import io.tokenapi.sdk.TenantTokens;
import java.util.Map;
import java.util.function.Function;

/**
 * Tells a request's tenant, through the application's resolver or a request attribute, and refuses
 * anything that is not a usable tenant id with a {@link TenantResolutionException}: the request is
 * then not sent, so it can never go out with another tenant's token.
 *
 * @param <R> the request type: Spring's {@code HttpRequest} or WebClient's {@code ClientRequest}
 */
final class TenantResolution<R> {
  private final Function<? super R, ?> source;

  /** What the tenant comes from, for messages: "tenantFrom(...)" or "the request attribute 'x'". */
  private final String what;

  /** What to do when there is no tenant. */
  private final String hint;

  private TenantResolution(Function<? super R, ?> source, String what, String hint) {
    this.source = source;
    this.what = what;
    this.hint = hint;
  }

  static <R> TenantResolution<R> from(Function<? super R, String> resolver) {
    if (resolver == null) {
      throw new IllegalArgumentException("tenantFrom == null");
    }
    return new TenantResolution<R>(
        resolver, "tenantFrom(...)", "it must give the tenant of every request to this host");
  }

  static <R> TenantResolution<R> fromAttribute(
      String name, Function<? super R, Map<String, Object>> attributes) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("attribute name is null or blank");
    }
    String shown = TokenApiConfigurationException.printable(name);
    Function<R, Object> source = request -> attributes.apply(request).get(name);
    return new TenantResolution<R>(
        source,
        "the request attribute '" + shown + "'",
        "set it on every request to this host, for example .attribute(\""
            + shown
            + "\", \"merchant-42\")");
  }

  /**
   * The tenant of {@code request}, valid for {@link TenantTokens#getToken(String)}.
   *
   * @throws TenantResolutionException if there is none
   */
  String tenant(R request, String host) throws TenantResolutionException {
    Object value;
    try {
      value = source.apply(request);
    } catch (RuntimeException | Error e) {
      if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
        throw e; // Out of memory or broken: the JVM's trouble, not this request's.
      }
      // The application's code: its message may quote anything, so only the type is named.
      throw refused(host, what + " threw " + e.getClass().getName());
    }
    if (value == null) {
      throw refused(host, what + " gave no tenant (null): " + hint);
    }
    if (!(value instanceof String tenant)) {
      throw refused(host, what + " gave a " + value.getClass().getName() + ", not a String");
    }
    if (tenant.isBlank()) {
      throw refused(host, what + " gave a blank tenant");
    }
    if (tenant.length() > TenantTokens.MAX_TENANT_LENGTH) {
      throw refused(
          host,
          what
              + " gave a tenant of "
              + tenant.length()
              + " characters, over "
              + TenantTokens.MAX_TENANT_LENGTH);
    }
    for (int i = 0; i < tenant.length(); i++) {
      char c = tenant.charAt(i);
      int type = Character.getType(c);
      if (Character.isISOControl(c)
          || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR) {
        throw refused(
            host,
            what + " gave a tenant with a control character (U+" + hex(c) + ") at index " + i);
      }
    }
    return tenant;
  }

  private static String hex(char c) {
    String h = Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT);
    return "0".repeat(4 - h.length()) + h;
  }

  private static TenantResolutionException refused(String host, String why) {
    return new TenantResolutionException(
        "No tenant for the request to " + host + ": " + why + "; the request was not sent");
  }

  @Override
  public String toString() {
    return what;
  }
}
