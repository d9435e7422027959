package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The properties docs/spring-boot.md shows for a Redis token store start a context as written
 * (every value binds; the docs' copy is checked against this file's marked region by sdk-core's
 * DocsTest). No Redis is needed to start: the store connects when a token is first asked for.
 */
class RedisStoreDocsTest {
  private static final Path DOCS_PROPERTIES =
      Path.of("src/test/resources/docs/redis-store.properties");

  @Test
  void docsProperties_startAClientWithTheRedisStore() throws IOException {
    Properties docs = new Properties();
    try (Reader in = Files.newBufferedReader(DOCS_PROPERTIES, StandardCharsets.UTF_8)) {
      docs.load(in);
    }
    assertThat(docs.getProperty("spring.data.redis.timeout")).isEqualTo("500ms");
    List<String> pairs = new ArrayList<>();
    docs.forEach((name, value) -> pairs.add(name + "=" + value));
    pairs.add("TOKEN_STORE_KEY=" + Base64.getEncoder().encodeToString(new byte[32]));
    pairs.add("tokenapi.client.base-url=http://127.0.0.1:1");
    pairs.add("tokenapi.client.client-id=" + FakeTokenServer.DEFAULT_CLIENT_ID);
    pairs.add("tokenapi.client.client-secret=" + FakeTokenServer.DEFAULT_CLIENT_SECRET);

    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataRedisAutoConfiguration.class,
                TokenApiRedisAutoConfiguration.class,
                TokenApiAutoConfiguration.class))
        .withPropertyValues(pairs.toArray(String[]::new))
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(OAuthClient.class);
              assertThat(context.getBean(OAuthClient.class).toString()).doesNotContain("AAAA");
            });
  }
}
