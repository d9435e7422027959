package io.tokenapi.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot service on the tokenapi starter. With no {@code tokenapi.client.client-id}
 * configured it starts a {@code FakeTokenServer} and a fake resource of its own (see {@link
 * DemoTokenServer}); with real credentials it calls {@code example.resource-url} at the provider.
 *
 * <pre>
 * ./mvnw -pl sdk-examples-spring-boot -am spring-boot:run
 * curl localhost:8080/demo
 * curl localhost:8080/actuator/health
 * curl localhost:8080/actuator/prometheus
 * </pre>
 */
@SpringBootApplication
public class ExampleApplication {
  /**
   * Starts the service.
   *
   * @param args Spring Boot arguments, for example {@code --server.port=9090}
   */
  public static void main(String[] args) {
    SpringApplication.run(ExampleApplication.class, args);
  }
}
