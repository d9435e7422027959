package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every form in which the SDK sends a secret is redacted, for several secrets at once. */
class RedactorTest {
  private static final String ID = "red-id+1";
  private static final String SECRET = "s+cr/t=5&x%9a\"q\\b é";

  private final Redactor redactor = Redactor.forClientSecret(ID, SECRET);

  private static String form(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void redact_replacesEveryFormTheSecretTravelsIn() {
    List<String> forms =
        List.of(
            SECRET,
            form(SECRET),
            form(SECRET).replace("+", "%20"),
            "s+cr/t=5&x%9a\\\"q\\\\b é",
            "s+cr\\/t=5&x%9a\\\"q\\\\b \\u00E9",
            "s+cr/t=5&x%9a\\\"q\\\\b \\u00e9",
            base64(form(ID) + ":" + form(SECRET)),
            base64(ID + ":" + SECRET),
            "Basic " + base64(form(ID) + ":" + form(SECRET)));
    for (String form : forms) {
      String echoed = "you sent <" + form + "> which is wrong";
      assertThat(redactor.redact(echoed))
          .as("form %s", form)
          .doesNotContain(form)
          .startsWith("you sent <")
          .contains(Redactor.REDACTED)
          .endsWith("> which is wrong");
    }
  }

  @Test
  void redact_formEncodedWithLowerCaseHex() {
    String lower = "s%2bcr%2ft%3d5%26x%259a%22q%5cb+%c3%a9";
    assertThat(redactor.redact("client_secret=" + lower + "&grant_type=client_credentials"))
        .isEqualTo("client_secret=" + Redactor.REDACTED + "&grant_type=client_credentials");
  }

  @Test
  void redact_severalSecrets_eachInEveryForm() {
    Redactor two = Redactor.builder().secret("first/secret").secret("second+secret").build();
    assertThat(two.redact("a=first%2Fsecret b=second+secret c=second%2Bsecret d=first\\/secret"))
        .doesNotContain("first")
        .doesNotContain("second");
  }

  @Test
  void redactValue_reachesKeysAndNestedValues() {
    Object value = Map.of(form(SECRET), List.of("x " + base64(ID + ":" + SECRET)));
    assertThat(redactor.redactValue(value).toString())
        .doesNotContain(form(SECRET))
        .doesNotContain(base64(ID + ":" + SECRET));
  }

  @Test
  void redact_leavesTextWithoutSecretsAlone() {
    String text = "nothing secret here";
    assertThat(redactor.redact(text)).isSameAs(text);
    assertThat(redactor.redact(null)).isNull();
  }
}
