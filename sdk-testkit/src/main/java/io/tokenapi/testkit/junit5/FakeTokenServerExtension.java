package io.tokenapi.testkit.junit5;

import io.tokenapi.testkit.FakeTokenServer;
import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a {@link FakeTokenServer} for JUnit Jupiter tests and closes it afterwards.
 *
 * <p>Three ways to use it:
 *
 * <pre>{@code
 * // 1. One server per test: an instance field.
 * @RegisterExtension
 * final FakeTokenServerExtension tokens = new FakeTokenServerExtension();
 *
 * // 2. One server for the whole class, reset before each test: a static field.
 * @RegisterExtension
 * static final FakeTokenServerExtension tokens = new FakeTokenServerExtension();
 *
 * // 3. Declaratively, with the server injected into test (and lifecycle) methods.
 * @ExtendWith(FakeTokenServerExtension.class)
 * class MyTest {
 *     @Test
 *     void getsToken(FakeTokenServer server) { ... }
 * }
 * }</pre>
 *
 * <p>When the extension is registered for a whole class (a static field, or {@code @ExtendWith} on
 * the class), one server serves every test in the class and its {@code @Nested} classes; before
 * each test it is {@linkplain FakeTokenServer#reset() reset} and the setup given to the constructor
 * runs again, so tests do not see each other's scripts, settings or recordings. Otherwise each test
 * gets a new server on a new port.
 *
 * <p>Test methods, {@code @BeforeEach}/{@code @AfterEach} methods and, with a class-wide
 * registration, {@code @BeforeAll} methods can declare a {@link FakeTokenServer} parameter to
 * receive the current server. The extension keeps the current server in a field, so it does not
 * support tests of one class running concurrently.
 */
public final class FakeTokenServerExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {

  private final Consumer<FakeTokenServer> setup;
  private volatile FakeTokenServer classServer;
  private volatile String classServerOwner;
  private volatile FakeTokenServer testServer;

  /** Creates an extension whose servers have the default settings. */
  public FakeTokenServerExtension() {
    this(server -> {});
  }

  /**
   * Creates an extension that applies {@code setup} to each server it starts, and again after each
   * {@linkplain FakeTokenServer#reset() reset} of a class-wide server.
   *
   * @param setup configures the server, for example {@code server -> server.credentials("id",
   *     "secret")}
   * @throws NullPointerException if {@code setup} is null
   */
  public FakeTokenServerExtension(Consumer<FakeTokenServer> setup) {
    this.setup = Objects.requireNonNull(setup, "setup == null");
  }

  /**
   * Returns the server of the running test: its own server, or the class-wide one.
   *
   * @return the started server
   * @throws IllegalStateException if no test or test class is running
   */
  public FakeTokenServer server() {
    FakeTokenServer server = testServer != null ? testServer : classServer;
    if (server == null) {
      throw new IllegalStateException(
          "No FakeTokenServer: the extension starts one only around tests");
    }
    return server;
  }

  /**
   * Starts the class-wide server when the extension is registered for the class. Nested classes
   * share it.
   *
   * @param context the class's extension context
   */
  @Override
  public void beforeAll(ExtensionContext context) {
    if (classServer == null) {
      classServer = startServer();
      classServerOwner = context.getUniqueId();
    }
  }

  /**
   * Closes the class-wide server after the class that started it.
   *
   * @param context the class's extension context
   */
  @Override
  public void afterAll(ExtensionContext context) {
    if (classServer != null && context.getUniqueId().equals(classServerOwner)) {
      classServer.close();
      classServer = null;
      classServerOwner = null;
    }
  }

  /**
   * Resets the class-wide server, or starts a server for this test when there is none.
   *
   * @param context the test's extension context
   */
  @Override
  public void beforeEach(ExtensionContext context) {
    FakeTokenServer shared = classServer;
    if (shared != null) {
      shared.reset();
      setup.accept(shared);
    } else {
      testServer = startServer();
    }
  }

  /**
   * Closes the server started for this test, if any.
   *
   * @param context the test's extension context
   */
  @Override
  public void afterEach(ExtensionContext context) {
    FakeTokenServer own = testServer;
    testServer = null;
    if (own != null) {
      own.close();
    }
  }

  /**
   * Tells JUnit that this extension supplies {@link FakeTokenServer} parameters.
   *
   * @param parameterContext the parameter
   * @param extensionContext the current context
   * @return true for a parameter of type {@link FakeTokenServer}
   */
  @Override
  public boolean supportsParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == FakeTokenServer.class;
  }

  /**
   * Supplies the current server.
   *
   * @param parameterContext the parameter
   * @param extensionContext the current context
   * @return the {@linkplain #server() current server}
   * @throws IllegalStateException if no server is running, such as for a constructor parameter when
   *     each test has its own server
   */
  @Override
  public Object resolveParameter(
      ParameterContext parameterContext, ExtensionContext extensionContext) {
    return server();
  }

  private FakeTokenServer startServer() {
    FakeTokenServer server = new FakeTokenServer().start();
    try {
      setup.accept(server);
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
    return server;
  }
}
