package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration failure survives Java serialization with its problems and fixes. */
class TokenApiConfigurationExceptionTest {

  @Test
  void serializationKeepsProblemsAndFixes() throws Exception {
    TokenApiConfigurationException thrown =
        new TokenApiConfigurationException(
            List.of("tokenapi.client.base-url: missing"),
            List.of("Set tokenapi.client.base-url to the provider's URL."));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(thrown);
    }
    Object read;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      read = in.readObject();
    }

    TokenApiConfigurationException copy = (TokenApiConfigurationException) read;
    assertThat(copy.problems()).containsExactly("tokenapi.client.base-url: missing");
    assertThat(copy.fixes()).containsExactly("Set tokenapi.client.base-url to the provider's URL.");
    assertThat(copy).hasMessage(thrown.getMessage());
  }

  @Test
  void listsAreUnmodifiableCopies() {
    List<String> problems = new ArrayList<>(List.of("a: bad"));
    TokenApiConfigurationException e =
        new TokenApiConfigurationException(problems, List.of("fix a"));
    problems.add("b: bad");
    assertThat(e.problems()).containsExactly("a: bad");
    assertThatThrownBy(() -> e.problems().add("c"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
