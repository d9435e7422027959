package io.tokenapi.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The resource-call integrations' one host rule, against bad and hostile input. */
class HostAllowListTest {

  @Test
  void matchesExactHosts_inCanonicalForm_only() {
    HostAllowList hosts =
        new HostAllowList(
            List.of(
                HostAllowList.canonical("API.Example.com"),
                HostAllowList.canonical("[::1]"),
                HostAllowList.canonical("bücher.example")),
            false);

    assertThat(hosts.hosts()).containsExactly("api.example.com", "::1", "xn--bcher-kva.example");
    assertThat(hosts.allows("api.example.com")).isTrue();
    assertThat(hosts.allows("API.EXAMPLE.COM")).isTrue();
    assertThat(hosts.allows("[::1]")).isTrue();
    assertThat(hosts.allows("bücher.example")).isTrue();
    assertThat(hosts.allows("evil.api.example.com")).isFalse();
    assertThat(hosts.allows("api.example.com.evil.com")).isFalse();
    assertThat(hosts.allows("example.com")).isFalse();
    assertThat(hosts.allows(null)).isFalse();
    assertThat(hosts.allows("api.example.com\r\nX: y")).isFalse();
    assertThat(hosts.allows("x".repeat(100_000))).isFalse();
  }

  @Test
  void plainHttp_onlyToLoopback_unlessAllowed() {
    HostAllowList strict = new HostAllowList(Set.of("api.example.com", "localhost"), false);
    HostAllowList lax = new HostAllowList(Set.of("api.example.com"), true);

    assertThat(strict.refusal("https", "api.example.com")).isNull();
    assertThat(strict.refusal("http", "localhost")).isNull();
    assertThat(strict.refusal("http", "api.example.com"))
        .isEqualTo(
            "Refusing to send a bearer token over http:// to api.example.com: use https://, or"
                + " build with allowInsecureHttp() if this network is trusted.");
    assertThat(lax.refusal("http", "api.example.com")).isNull();
    assertThat(lax).hasToString("[api.example.com], allowInsecureHttp");
  }

  @Test
  void badHosts_failWithAMessageThatSaysWhatToDo_withoutControlCharacters() {
    assertThatThrownBy(() -> HostAllowList.canonical(null)).hasMessage("host == null");
    for (String bad : List.of("", "https://api.example.com", "api.example.com:443", "a/b", "a b")) {
      assertThatThrownBy(() -> HostAllowList.canonical(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected something like \"api.example.com\"");
    }
    assertThatThrownBy(() -> HostAllowList.canonical("evil\r\nSet-Cookie: x"))
        .message()
        .doesNotContain("\r", "\n");
    assertThatThrownBy(() -> HostAllowList.canonical("h".repeat(100_000) + " "))
        .message()
        .hasSizeLessThan(400);
    assertThatThrownBy(() -> new HostAllowList(Set.of(), false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("call allowHost(\"api.example.com\")");
  }
}
