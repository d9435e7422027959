package io.tokenapi.sdk.spring;

import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;

/**
 * Whether the HTTP library under Boot's {@code RestClient}, {@code RestTemplate} or {@code
 * WebClient} sends the {@code Authorization} header on when it follows a redirect to another host.
 * The interceptor adds the header once and never sees the library's redirect hop, so that library
 * decides where the token goes. Measured for each library Boot can run on in {@code
 * RedirectForwardingTest}, against real servers on two loopback addresses.
 *
 * @param library the library, as a person would name it
 * @param forwards true when it sends the header on to another host, or when that is not known
 * @param known false for a library the starter does not know
 */
record RedirectForwarding(String library, boolean forwards, boolean known) {

  /**
   * The verdict for the library a Boot {@code ClientHttpRequestFactoryBuilder} (RestClient,
   * RestTemplate) or {@code ClientHttpConnectorBuilder} (WebClient) builds on. By class name, so
   * that no optional library's class is loaded here.
   */
  static RedirectForwarding of(Object builder) {
    String type = builder.getClass().getName();
    String simple = type.substring(type.lastIndexOf('.') + 1);
    boolean boots =
        type.equals("org.springframework.boot.http.client." + simple)
            || type.equals("org.springframework.boot.http.client.reactive." + simple);
    if (!boots) {
      return new RedirectForwarding(type, true, false);
    }
    return switch (simple) {
      case "JdkClientHttpRequestFactoryBuilder", "JdkClientHttpConnectorBuilder" ->
          new RedirectForwarding(
              "the JDK's HttpClient (java.net.http, Java " + Runtime.version() + ")",
              jdkHttpClientForwards(),
              true);
      case "ReactorClientHttpRequestFactoryBuilder", "ReactorClientHttpConnectorBuilder" ->
          new RedirectForwarding("Reactor Netty", false, true);
      case "JettyClientHttpRequestFactoryBuilder", "JettyClientHttpConnectorBuilder" ->
          new RedirectForwarding("Jetty's HttpClient", false, true);
      case "SimpleClientHttpRequestFactoryBuilder" ->
          new RedirectForwarding("the JDK's HttpURLConnection", false, true);
      case "HttpComponentsClientHttpRequestFactoryBuilder",
          "HttpComponentsClientHttpConnectorBuilder" ->
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

  /**
   * Warns when Boot follows redirects on an HTTP library that sends the Authorization header on to
   * another host: the interceptor adds the header once and never sees the library's redirect hop.
   *
   * @param log where to warn: the caller's logger
   * @param what the clients concerned, for example "RestClient and RestTemplate"
   * @param hosts the hosts whose token could leave
   * @param builder Boot's request factory or connector builder in use
   * @param settings Boot's HTTP client settings
   * @param factoryProperty the property that picks another library
   */
  static void warnIfTheTokenCanBeRedirected(
      Logger log,
      String what,
      List<String> hosts,
      Object builder,
      HttpClientSettings settings,
      String factoryProperty) {
    if (hosts.isEmpty() || settings.redirects() == HttpRedirects.DONT_FOLLOW) {
      return;
    }
    RedirectForwarding library = RedirectForwarding.of(builder);
    if (!library.known()) {
      log.warn(
          "tokenapi: {} run on {}, and the starter cannot tell whether it sends the Authorization"
              + " header on when it follows a redirect to another host. Set"
              + " spring.http.clients.redirects=dont-follow so that a bearer token for {} never"
              + " leaves them.",
          what,
          library.library(),
          hosts);
    } else if (library.forwards()) {
      log.warn(
          "tokenapi: {} run on {}, which sends the Authorization header on when it follows a"
              + " redirect to another host, and redirects are followed: a bearer token for {}"
              + " would reach any host a redirect names. Set"
              + " spring.http.clients.redirects=dont-follow, or run on a library that drops the"
              + " header ({}=reactor, jetty or http-components, or a newer JDK).",
          what,
          library.library(),
          hosts,
          factoryProperty);
    }
  }
}
