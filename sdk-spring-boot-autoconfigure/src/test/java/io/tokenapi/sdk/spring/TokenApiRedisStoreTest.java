package io.tokenapi.sdk.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.testkit.FakeTokenServer;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * {@code token-store=redis} on the application's own Redis connection (Lettuce), against a real
 * redis-server on a free loopback port.
 */
class TokenApiRedisStoreTest {
  private static final String KEY = base64(32, 7);
  private static final String OTHER_KEY = base64(32, 9);

  private static FakeTokenServer tokens;
  private static RedisProcess redis;
  private static int redisPort;

  @BeforeAll
  static void start() throws Exception {
    tokens = new FakeTokenServer().start();
    redis = RedisProcess.start();
    redisPort = redis.port();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (redis != null) {
      redis.close();
    }
    if (tokens != null) {
      tokens.close();
    }
  }

  private ApplicationContextRunner runner(String key) {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataRedisAutoConfiguration.class,
                TokenApiRedisAutoConfiguration.class,
                TokenApiAutoConfiguration.class))
        .withPropertyValues(
            "spring.data.redis.host=127.0.0.1",
            "spring.data.redis.port=" + redisPort,
            // Generous for a loaded 2-core CI machine: a store call that times out degrades to a
            // fetch of its own (by design), which would make the sharing checks flaky.
            "spring.data.redis.timeout=10s",
            "spring.data.redis.connect-timeout=10s",
            "tokenapi.client.base-url=" + tokens.baseUrl(),
            "tokenapi.client.client-id=" + FakeTokenServer.DEFAULT_CLIENT_ID,
            "tokenapi.client.client-secret=" + FakeTokenServer.DEFAULT_CLIENT_SECRET,
            "tokenapi.client.token-store=redis",
            "tokenapi.client.token-store-key-id=2026-12",
            "tokenapi.client.token-store-encryption-key=" + key);
  }

  @Test
  void twoInstances_shareOneEncryptedToken_throughTheApplicationsRedis() {
    tokens.reset();
    runner(KEY)
        .run(
            first ->
                runner(KEY)
                    .run(
                        second -> {
                          assertThat(first).hasNotFailed();
                          assertThat(second).hasNotFailed();
                          warm(first, second);
                          String value = first.getBean(OAuthClient.class).getToken().value();
                          assertThat(second.getBean(OAuthClient.class).getToken().value())
                              .isEqualTo(value);
                          assertThat(tokens.requestCount()).isEqualTo(1);

                          StringRedisTemplate redis = first.getBean(StringRedisTemplate.class);
                          Set<String> names = redis.keys("{tokenapi:token:*}");
                          assertThat(names).hasSize(1);
                          String stored = redis.opsForValue().get(names.iterator().next());
                          assertThat(stored).isNotBlank().doesNotContain(value);
                          redis.delete(names);
                        }));
  }

  @Test
  void instanceWithAnotherKey_cannotReadTheEntry_andFetchesItsOwn() {
    tokens.reset();
    runner(KEY)
        .run(
            first ->
                runner(OTHER_KEY)
                    .withPropertyValues("tokenapi.client.token-store-key-id=other")
                    .run(
                        second -> {
                          warm(first, second);
                          String a = first.getBean(OAuthClient.class).getToken().value();
                          String b = second.getBean(OAuthClient.class).getToken().value();
                          assertThat(b).isNotEqualTo(a);
                          assertThat(tokens.requestCount()).isEqualTo(2);
                          StringRedisTemplate redis = first.getBean(StringRedisTemplate.class);
                          redis.delete(redis.keys("{tokenapi:token:*}"));
                        }));
  }

  @Test
  void missingOrBadKey_failsStartup_namingThePropertyNeverTheValue() {
    runner(KEY)
        .withPropertyValues("tokenapi.client.token-store-encryption-key=")
        .run(
            context -> {
              assertThat(analysis(context.getStartupFailure()).getDescription())
                  .contains("tokenapi.client.token-store-encryption-key is not set");
            });
    String tooShort = base64(10, 3);
    runner(KEY)
        .withPropertyValues("tokenapi.client.token-store-encryption-key=" + tooShort)
        .run(
            context -> {
              FailureAnalysis analysis = analysis(context.getStartupFailure());
              assertThat(analysis.getDescription())
                  .contains("tokenapi.client.token-store-encryption-key is 10 bytes long")
                  .doesNotContain(tooShort);
              assertThat(analysis.getAction())
                  .contains("openssl rand -base64 32")
                  .doesNotContain(tooShort);
            });
  }

  @Test
  void redisStoreWithoutSpringDataRedis_failsStartup_namingTheDependency() {
    runner(KEY)
        .withClassLoader(new FilteredClassLoader(StringRedisTemplate.class))
        .run(
            context ->
                assertThat(analysis(context.getStartupFailure()).getAction())
                    .contains("add spring-boot-starter-data-redis"));
  }

  /** Opens each context's Redis connection before the clients need it. */
  private static void warm(ApplicationContext... contexts) {
    for (ApplicationContext context : contexts) {
      context.getBean(StringRedisTemplate.class).hasKey("warm-up");
    }
  }

  private static FailureAnalysis analysis(Throwable failure) {
    assertThat(failure).isNotNull();
    FailureAnalysis analysis = new TokenApiFailureAnalyzer().analyze(failure);
    assertThat(analysis).as("analyzed: " + failure).isNotNull();
    return analysis;
  }

  private static String base64(int length, int seed) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (seed * 31 + i);
    }
    return Base64.getEncoder().encodeToString(bytes);
  }
}
