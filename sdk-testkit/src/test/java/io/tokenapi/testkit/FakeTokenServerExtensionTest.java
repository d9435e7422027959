package io.tokenapi.testkit;

import static io.tokenapi.testkit.FakeTokenServer.DEFAULT_CLIENT_ID;
import static io.tokenapi.testkit.FakeTokenServer.DEFAULT_CLIENT_SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.tokenapi.testkit.junit5.FakeTokenServerExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs small sample test classes through the JUnit launcher and checks, from the outside, when the
 * extension started, shared, reset and closed their servers. (Surefire skips the nested samples:
 * they are not top-level classes.)
 */
class FakeTokenServerExtensionTest {

  /** Servers the samples saw, in test order; a server's toString() tells whether it was closed. */
  static final List<FakeTokenServer> SEEN = new CopyOnWriteArrayList<>();

  /** Request counts the samples saw at the start of each test. */
  static final List<Integer> COUNTS_AT_START = new CopyOnWriteArrayList<>();

  @BeforeEach
  void clear() {
    SEEN.clear();
    COUNTS_AT_START.clear();
  }

  private static TestExecutionSummary run(Class<?> testClass) {
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(),
        listener);
    TestExecutionSummary summary = listener.getSummary();
    assertThat(summary.getFailures()).as("failures in %s", testClass.getSimpleName()).isEmpty();
    return summary;
  }

  private static void useServer(FakeTokenServer server) {
    SEEN.add(server);
    COUNTS_AT_START.add(server.requestCount());
    assertThat(
            TestHttp.postJson(server.tokenUrl(), DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET).status())
        .isEqualTo(200);
  }

  @Test
  void instanceField_startsAServerPerTestAndClosesIt() {
    TestExecutionSummary summary = run(PerTestSample.class);

    assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
    assertThat(SEEN).hasSize(2).doesNotHaveDuplicates();
    assertThat(SEEN)
        .allSatisfy(server -> assertThat(server).hasToString("FakeTokenServer{closed}"));
    assertThat(COUNTS_AT_START).containsExactly(0, 0);
  }

  @Test
  void staticField_sharesOneServerResetBeforeEachTestAndClosesItAfterTheClass() {
    TestExecutionSummary summary = run(ClassWideSample.class);

    assertThat(summary.getTestsSucceededCount()).isEqualTo(3);
    assertThat(SEEN).hasSize(3);
    assertThat(SEEN.stream().distinct()).hasSize(1);
    assertThat(SEEN.get(0)).hasToString("FakeTokenServer{closed}");
    // Each test made a request, yet the next one started from zero; the setup ran again after each
    // reset.
    assertThat(COUNTS_AT_START).containsExactly(0, 0, 0);
  }

  @Test
  void extendWith_injectsTheSameServerIntoLifecycleAndTestMethods() {
    TestExecutionSummary summary = run(DeclarativeSample.class);

    assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
    // @BeforeAll, then per test @BeforeEach and the test: all the one class-wide server.
    assertThat(SEEN).hasSize(5);
    assertThat(SEEN.stream().distinct()).hasSize(1);
    assertThat(SEEN.get(0)).hasToString("FakeTokenServer{closed}");
  }

  @Test
  void server_outsideATest_throws() {
    FakeTokenServerExtension extension = new FakeTokenServerExtension();

    assertThatThrownBy(extension::server).isInstanceOf(IllegalStateException.class);
  }

  static class PerTestSample {
    @RegisterExtension final FakeTokenServerExtension tokens = new FakeTokenServerExtension();

    @Test
    void first() {
      useServer(tokens.server());
    }

    @Test
    void second(FakeTokenServer injected) {
      assertThat(injected).isSameAs(tokens.server());
      useServer(injected);
    }
  }

  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class ClassWideSample {
    @RegisterExtension
    static final FakeTokenServerExtension TOKENS =
        new FakeTokenServerExtension(
            server ->
                server
                    .credentials(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
                    .tokenPath("/custom/token"));

    @Test
    @Order(1)
    void first() {
      assertThat(TOKENS.server().tokenUrl()).endsWith("/custom/token");
      TOKENS.server().tokenPath("/changed-by-a-test");
      useServer(TOKENS.server().tokenPath("/custom/token"));
      TOKENS.server().enqueueConflict();
    }

    @Test
    @Order(2)
    void second(FakeTokenServer injected) {
      assertThat(injected.tokenUrl()).endsWith("/custom/token");
      assertThat(injected.scriptedAnswersRemaining()).isZero();
      useServer(injected);
    }

    @Nested
    class Inner {
      @Test
      void nestedTestsShareTheServer(FakeTokenServer injected) {
        assertThat(injected).isSameAs(TOKENS.server());
        useServer(injected);
      }
    }
  }

  @ExtendWith(FakeTokenServerExtension.class)
  static class DeclarativeSample {
    @BeforeAll
    static void beforeAll(FakeTokenServer server) {
      SEEN.add(server);
    }

    @BeforeEach
    void beforeEach(FakeTokenServer server) {
      SEEN.add(server);
    }

    @Test
    void first(FakeTokenServer server) {
      SEEN.add(server);
      assertThat(
              TestHttp.postJson(server.tokenUrl(), DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
                  .status())
          .isEqualTo(200);
    }

    @Test
    void second(FakeTokenServer server) {
      SEEN.add(server);
      assertThat(server.requestCount()).isZero();
    }
  }
}
