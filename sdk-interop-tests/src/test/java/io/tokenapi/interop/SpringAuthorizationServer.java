package io.tokenapi.interop;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.util.modeler.Registry;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.security.core.SpringSecurityCoreVersion;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * An embedded Spring Authorization Server on {@code 127.0.0.1} and a random port: a plain Spring
 * application context (no Spring Boot) whose security filter chain is mounted in an embedded
 * Tomcat. Start one per test class; it takes about a second.
 */
final class SpringAuthorizationServer implements AutoCloseable {

  /** Spring Authorization Server's default token endpoint. */
  static final String TOKEN_PATH = "/oauth2/token";

  // Held strongly: java.util.logging forgets the level of a logger nobody references.
  private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");
  private static final org.slf4j.Logger LOG =
      LoggerFactory.getLogger(SpringAuthorizationServer.class);

  private final Path baseDir;
  private final AnnotationConfigApplicationContext spring;
  private final Tomcat tomcat;
  private final Connector connector;
  private final TokenRequestRecorder recorder;
  private final boolean https;

  /**
   * TLS for the connector: the server's key entry (alias {@code server}) and the certificate
   * authorities whose client certificates it accepts. Client certificates are requested but
   * optional, as Spring Authorization Server expects for {@code tls_client_auth}: a client without
   * one can still authenticate another way.
   */
  record Tls(KeyStore keyStore, String password, KeyStore trustStore) {}

  private SpringAuthorizationServer(
      Path baseDir,
      AnnotationConfigApplicationContext spring,
      Tomcat tomcat,
      Connector connector,
      TokenRequestRecorder recorder,
      boolean https) {
    this.https = https;
    this.baseDir = baseDir;
    this.spring = spring;
    this.tomcat = tomcat;
    this.connector = connector;
    this.recorder = recorder;
  }

  static SpringAuthorizationServer start(List<RegisteredClient> clients) {
    return start(clients, null);
  }

  /** A server on {@code https://127.0.0.1} when {@code tls} is given, else on {@code http://}. */
  static SpringAuthorizationServer start(List<RegisteredClient> clients, Tls tls) {
    long started = System.nanoTime();
    TOMCAT_LOG.setLevel(Level.WARNING);
    Registry.disableRegistry(); // no JMX beans: faster, and several servers in one JVM do not clash
    AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext();
    Path baseDir = null;
    Tomcat tomcat = null;
    try {
      spring.registerBean(
          RegisteredClientRepository.class, () -> new InMemoryRegisteredClientRepository(clients));
      spring.register(AuthorizationServerSecurityConfig.class);
      spring.refresh();
      Filter securityFilterChain = spring.getBean("springSecurityFilterChain", Filter.class);

      baseDir = Files.createTempDirectory("spring-authorization-server");
      tomcat = new Tomcat();
      tomcat.setBaseDir(baseDir.toString());
      Connector connector = new Connector("HTTP/1.1");
      connector.setPort(0);
      connector.setProperty("address", "127.0.0.1");
      if (tls != null) {
        useTls(connector, tls);
      }
      tomcat.setConnector(connector);

      Context context = tomcat.addContext("", baseDir.toString());
      // Spring Boot decodes request bodies as UTF-8 (server.servlet.encoding); plain Tomcat would
      // use ISO-8859-1 for a form without a charset parameter. Match what a deployed server does.
      context.setRequestCharacterEncoding("UTF-8");
      if (context instanceof StandardContext standard) {
        // Leak detection for redeployed web apps; it needs --add-opens and only warns here.
        standard.setClearReferencesThreadLocals(false);
        standard.setClearReferencesRmiTargets(false);
      }
      TokenRequestRecorder recorder = new TokenRequestRecorder(TOKEN_PATH);
      addFilter(context, "tokenRequestRecorder", recorder);
      addFilter(context, "springSecurityFilterChain", securityFilterChain);
      // Filters only run for a mapped servlet; every endpoint is answered by the security filters.
      Tomcat.addServlet(context, "notFound", new NotFoundServlet());
      context.addServletMappingDecoded("/", "notFound");

      tomcat.start();
      SpringAuthorizationServer server =
          new SpringAuthorizationServer(baseDir, spring, tomcat, connector, recorder, tls != null);
      LOG.info(
          "Spring Authorization Server (Spring Security {}) started at {} in {} ms",
          SpringSecurityCoreVersion.getVersion(),
          server.baseUrl(),
          (System.nanoTime() - started) / 1_000_000);
      return server;
    } catch (IOException | LifecycleException | RuntimeException e) {
      stopQuietly(tomcat);
      spring.close();
      deleteQuietly(baseDir);
      throw new IllegalStateException("Spring Authorization Server did not start", e);
    }
  }

  private static void useTls(Connector connector, Tls tls) {
    connector.setScheme("https");
    connector.setSecure(true);
    connector.setProperty("SSLEnabled", "true");
    SSLHostConfig ssl = new SSLHostConfig();
    ssl.setProtocols("TLSv1.3");
    // "optional": ask for a client certificate, verify it against the trust store when one comes.
    ssl.setCertificateVerification("optional");
    ssl.setTrustStore(tls.trustStore());
    SSLHostConfigCertificate certificate =
        new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.UNDEFINED);
    certificate.setCertificateKeystore(tls.keyStore());
    certificate.setCertificateKeystorePassword(tls.password());
    certificate.setCertificateKeyAlias("server");
    ssl.addCertificate(certificate);
    connector.addSslHostConfig(ssl);
  }

  private static void addFilter(Context context, String name, Filter filter) {
    FilterDef definition = new FilterDef();
    definition.setFilterName(name);
    definition.setFilter(filter);
    context.addFilterDef(definition);
    FilterMap mapping = new FilterMap();
    mapping.setFilterName(name);
    mapping.addURLPattern("/*");
    context.addFilterMap(mapping);
  }

  /** {@code http://127.0.0.1:<port>} (or {@code https://}), without a trailing slash. */
  String baseUrl() {
    return (https ? "https" : "http") + "://127.0.0.1:" + connector.getLocalPort();
  }

  /** The token endpoint's full URL. */
  String tokenUrl() {
    return baseUrl() + TOKEN_PATH;
  }

  /** Requests to the token endpoint since start or the last {@link #clearRecordedRequests()}. */
  int tokenRequestCount() {
    return recorder.count();
  }

  TokenRequestRecorder.RecordedTokenRequest lastTokenRequest() {
    return recorder.last();
  }

  void clearRecordedRequests() {
    recorder.clear();
  }

  @Override
  public void close() {
    stopQuietly(tomcat);
    spring.close();
    deleteQuietly(baseDir);
  }

  private static void stopQuietly(Tomcat tomcat) {
    if (tomcat == null) {
      return;
    }
    try {
      tomcat.stop();
      tomcat.destroy();
    } catch (LifecycleException e) {
      // Shutting down after the tests: nothing useful to do with it.
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A leftover temp directory is harmless.
    }
  }

  /**
   * Answers 404 to anything the security filter chain let through: there is no application behind
   * it.
   */
  private static final class NotFoundServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
    }
  }
}
