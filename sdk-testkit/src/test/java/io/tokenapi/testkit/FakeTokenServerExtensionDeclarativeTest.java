package io.tokenapi.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.testkit.junit5.FakeTokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The extension as users declare it: {@code @ExtendWith}, the server arriving as a test-method
 * parameter.
 */
@ExtendWith(FakeTokenServerExtension.class)
class FakeTokenServerExtensionDeclarativeTest {

  @Test
  void injectedServer_isStartedOnLoopback(FakeTokenServer server) {
    assertThat(server.baseUrl()).startsWith("http://127.0.0.1:");
    assertThat(
            TestHttp.postJson(
                    server.tokenUrl(),
                    FakeTokenServer.DEFAULT_CLIENT_ID,
                    FakeTokenServer.DEFAULT_CLIENT_SECRET)
                .status())
        .isEqualTo(200);
  }

  @Test
  void injectedServer_startsEachTestClean(FakeTokenServer server) {
    assertThat(server.requestCount()).isZero();
    assertThat(server.issuedTokens()).isEmpty();
  }
}
