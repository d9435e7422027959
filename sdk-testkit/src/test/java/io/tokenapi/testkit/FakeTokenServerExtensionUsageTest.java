package io.tokenapi.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.testkit.junit5.FakeTokenServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The extension as users register it: a static field, used directly and through parameter
 * injection.
 */
class FakeTokenServerExtensionUsageTest {

  @RegisterExtension static final FakeTokenServerExtension TOKENS = new FakeTokenServerExtension();

  @Test
  void registeredField_servesTokens() {
    TestHttp.Reply reply =
        TestHttp.postJson(
            TOKENS.server().tokenUrl(),
            FakeTokenServer.DEFAULT_CLIENT_ID,
            FakeTokenServer.DEFAULT_CLIENT_SECRET);

    assertThat(reply.status()).isEqualTo(200);
    assertThat(TOKENS.server().requestCount()).isEqualTo(1);
    assertThat(TOKENS.server().lastIssuedToken())
        .isEqualTo(reply.json().get("access_token").asText());
  }

  @Test
  void registeredField_alsoInjectsItsServer(FakeTokenServer server) {
    server.enqueueConflict();

    assertThat(server).isSameAs(TOKENS.server());
    assertThat(TestHttp.postJson(server.tokenUrl(), "any", "thing").status()).isEqualTo(409);
  }
}
