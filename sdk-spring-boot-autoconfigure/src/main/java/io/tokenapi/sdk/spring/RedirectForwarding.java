package io.tokenapi.sdk.spring;

import java.util.Arrays;

/**
 * Whether the HTTP library under Boot's {@code RestClient} and {@code RestTemplate} sends the
 * {@code Authorization} header on when it follows a redirect to another host. The interceptor adds
 * the header once and never sees the library's redirect hop, so that library decides where the
 * token goes. Measured for each library Boot can run on in {@code RedirectForwardingTest}, against
 * real servers on two loopback addresses.
 *
 * @param library the library, as a person would name it
 * @param forwards true when it sends the header on to another host, or when that is not known
 * @param known false for a library the starter does not know
 */
record RedirectForwarding(String library, boolean forwards, boolean known) {

  /**
   * The verdict for the library a Boot {@code ClientHttpRequestFactoryBuilder} builds on. By class
   * name, so that no optional library's class is loaded here.
   */
  static RedirectForwarding of(Object requestFactoryBuilder) {
    String type = requestFactoryBuilder.getClass().getName();
    return switch (type) {
      case "org.springframework.boot.http.client.JdkClientHttpRequestFactoryBuilder" ->
          new RedirectForwarding(
              "the JDK's HttpClient (java.net.http, Java " + Runtime.version() + ")",
              jdkHttpClientForwards(),
              true);
      case "org.springframework.boot.http.client.ReactorClientHttpRequestFactoryBuilder" ->
          new RedirectForwarding("Reactor Netty", false, true);
      case "org.springframework.boot.http.client.JettyClientHttpRequestFactoryBuilder" ->
          new RedirectForwarding("Jetty's HttpClient", false, true);
      case "org.springframework.boot.http.client.SimpleClientHttpRequestFactoryBuilder" ->
          new RedirectForwarding("the JDK's HttpURLConnection", false, true);
      case "org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder" ->
          new RedirectForwarding("Apache HttpClient 5", !httpComponentsRefuses(), true);
      default -> new RedirectForwarding(type, true, false);
    };
  }

  /**
   * The JDK's HttpClient drops {@code Authorization} (and {@code Cookie}) on a redirect to another
   * origin since a 2025 security update (Java 25, and the updates of 17 and 21 since): 17.0.15
   * forwards it, 25.0.3 does not. Which update a JVM carries shows in its implementation, which
   * filters the headers through {@code Utils.ALLOWED_REDIRECT_HEADERS}; the field is only looked
   * up, never read. Without it (or if it cannot be looked up) the header is taken to be forwarded.
   */
  static boolean jdkHttpClientForwards() {
    try {
      Class.forName(
              "jdk.internal.net.http.common.Utils",
              false,
              java.net.http.HttpClient.class.getClassLoader())
          .getDeclaredField("ALLOWED_REDIRECT_HEADERS");
      return false;
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return true;
    }
  }

  /**
   * Apache HttpClient 5.5 and later refuse to follow a redirect to another host with an {@code
   * Authorization} header (RedirectStrategy.isRedirectAllowed): the caller gets the 3xx. Older
   * versions copy the header onto the redirected request.
   */
  static boolean httpComponentsRefuses() {
    try {
      return Arrays.stream(
              Class.forName(
                      "org.apache.hc.client5.http.protocol.RedirectStrategy",
                      false,
                      RedirectForwarding.class.getClassLoader())
                  .getMethods())
          .anyMatch(m -> m.getName().equals("isRedirectAllowed"));
    } catch (ReflectiveOperationException | LinkageError e) {
      return false;
    }
  }
}
