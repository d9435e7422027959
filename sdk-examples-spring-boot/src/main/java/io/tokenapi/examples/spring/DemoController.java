package io.tokenapi.examples.spring;

import io.tokenapi.testkit.FakeTokenServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /demo} calls the resource through {@link ResourceService}; {@code /fake-resource} fakes
 * one.
 */
@RestController
class DemoController {
  private static final Logger LOG = LoggerFactory.getLogger(DemoController.class);

  private final ResourceService resource;
  private final ObjectProvider<FakeTokenServer> fakeTokens;
  private final Environment environment;

  DemoController(
      ResourceService resource,
      ObjectProvider<FakeTokenServer> fakeTokens,
      Environment environment) {
    this.resource = resource;
    this.fakeTokens = fakeTokens;
    this.environment = environment;
  }

  @GetMapping("/demo")
  String demo() {
    return "The resource answered: " + resource.fetch(resourceUrl()) + "\n";
  }

  /** A resource server: 200 for a token the demo's FakeTokenServer issued, otherwise 401. */
  @GetMapping("/fake-resource")
  ResponseEntity<String> fakeResource(
      @RequestHeader(value = "Authorization", required = false) String authorization) {
    FakeTokenServer tokens = fakeTokens.getIfAvailable();
    if (tokens == null) {
      return ResponseEntity.notFound().build();
    }
    if (authorization == null
        || !authorization.startsWith("Bearer ")
        || !tokens.isValid(authorization.substring("Bearer ".length()))) {
      return ResponseEntity.status(401).header("WWW-Authenticate", "Bearer").build();
    }
    return ResponseEntity.ok("hello, bearer of a valid token");
  }

  @EventListener(ApplicationReadyEvent.class)
  void callOnceAtStartup() {
    LOG.info("GET {}: {}", resourceUrl(), resource.fetch(resourceUrl()));
  }

  private String resourceUrl() {
    return environment.getRequiredProperty("example.resource-url");
  }
}
