package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.sdk.okhttp.BearerTokenInterceptor;
import io.tokenapi.sdk.okhttp.TokenUnavailableIOException;
import io.tokenapi.testkit.MutableClock;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A full run of the client against a server that answers every way the provider can (success,
 * refresh, 401, 409, 500, 503, invalid bodies, a dropped connection), and resource calls through
 * {@link BearerTokenInterceptor}, with every SLF4J logger at TRACE ({@link CapturingLogs}) and
 * OkHttp's java.util.logging at ALL: neither the client secret (plain, form-encoded or in the Basic
 * header) nor any token value may appear in a log line, an exception message or stack trace, or a
 * {@code toString()}.
 */
class SecretLeakTest {
  private static final String CLIENT_ID = "leak-client";

  /**
   * Every character that encodes differently in a form ({@code + / = & %}), in JSON ({@code " \})
   * and in Basic credentials, so each encoding the SDK sends is a different string.
   */
  private static final String SECRET = "leak+s3cr/t=5e&3d%9a\"q\\b";

  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  @StartStop final MockWebServer server = new MockWebServer();
  private final EchoDispatcher tokenEndpoint = new EchoDispatcher();

  @BeforeEach
  void echoServer() {
    server.setDispatcher(tokenEndpoint);
  }

  private final MutableClock clock = new MutableClock(NOW);
  private final List<String> tokenValues = new ArrayList<>();
  private final List<Throwable> thrown = new CopyOnWriteArrayList<>();

  private MockResponse token(int expiresIn) {
    String value = "tokval-" + UUID.randomUUID();
    tokenValues.add(value);
    return json(
        200,
        "{\"access_token\":\""
            + value
            + "\",\"token_type\":\"Bearer\",\"expires_in\":"
            + expiresIn
            + ",\"scope\":\"payments\",\"refresh_hint\":\""
            + value
            + "\"}");
  }

  private static MockResponse json(int status, String body) {
    return new MockResponse.Builder()
        .code(status)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  /**
   * An error answer that echoes the secret everywhere a careless server might: as configured, and
   * the request as received (the body with the secret JSON-escaped or form-encoded, the headers
   * with the Basic credentials).
   */
  private static Function<RecordedRequest, MockResponse> echo(int status, String code) {
    return echo(status, code, null);
  }

  private static Function<RecordedRequest, MockResponse> echo(
      int status, String code, String retryAfter) {
    return request -> {
      String received = received(request);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("errorId", "id-" + SECRET);
      body.put("code", code);
      body.put("text", received + " client_secret=" + SECRET + " is wrong");
      body.put("parameter_name", "client_secret");
      body.put("parameter_value", Map.of(SECRET, List.of(SECRET, received)));
      MockResponse.Builder response;
      try {
        response = json(status, new ObjectMapper().writeValueAsString(body)).newBuilder();
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
      if (retryAfter != null) {
        response.setHeader("Retry-After", retryAfter);
      }
      return response.build();
    };
  }

  /** The request's body and headers as text, as an echoing server would quote them. */
  private static String received(RecordedRequest request) {
    // Authorization first: messages keep only the first 200 characters of the text.
    return "Authorization="
        + request.getHeaders().get("Authorization")
        + " body="
        + (request.getBody() == null ? "" : request.getBody().utf8())
        + " headers="
        + request.getHeaders().toString().replace('\n', ' ');
  }

  /** The token endpoint: a script of answers, some of them made from the request they answer. */
  private static final class EchoDispatcher extends Dispatcher {
    private final Queue<Function<RecordedRequest, MockResponse>> script =
        new ConcurrentLinkedQueue<>();

    void enqueue(MockResponse response) {
      script.add(request -> response);
    }

    void enqueue(Function<RecordedRequest, MockResponse> answer) {
      script.add(answer);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      Function<RecordedRequest, MockResponse> next = script.poll();
      return next != null
          ? next.apply(request)
          : new MockResponse.Builder().code(418).body("unscripted").build();
    }
  }

  private OAuthException failure(ThrowingRunnable call) {
    OAuthException e = catchThrowableOfType(OAuthException.class, call::run);
    assertThat(e).isNotNull();
    thrown.add(e);
    return e;
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Throwable;
  }

  @ParameterizedTest
  @EnumSource(ClientAuthentication.class)
  void fullScenario_neverLogsOrThrowsTheSecretOrATokenValue(ClientAuthentication mode)
      throws Exception {
    List<String> julLines = new CopyOnWriteArrayList<>();
    Logger okhttp = Logger.getLogger("okhttp3");
    Level okhttpLevel = okhttp.getLevel();
    Handler jul =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            julLines.add(
                record.getLoggerName() + " " + record.getMessage() + " " + record.getThrown());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    okhttp.setLevel(Level.ALL);
    okhttp.addHandler(jul);
    CapturingLogs logs = CapturingLogs.start();
    List<String> listenerTexts = new CopyOnWriteArrayList<>();
    OAuthClientListener listener =
        new OAuthClientListener() {
          @Override
          public void onFetchEnded(FetchEnded event) {
            if (event.failure() != null) {
              listenerTexts.add(stackTrace(event.failure()));
            }
          }

          @Override
          public void onRetryScheduled(RetryScheduled event) {
            listenerTexts.add(stackTrace(event.cause()));
          }
        };
    List<String> descriptions = new ArrayList<>();

    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.url("/"))
            .clientId(CLIENT_ID)
            .clientSecret(SECRET)
            .clientAuthentication(mode)
            .scope("payments")
            .clock(clock)
            .listener(listener)
            .retryPolicy(
                RetryPolicy.builder()
                    .maxAttempts(2)
                    .initialBackoff(Duration.ofMillis(1))
                    .maxBackoff(Duration.ofMillis(5))
                    .maxWait(Duration.ofSeconds(10))
                    .build())
            .readTimeout(Duration.ofSeconds(2))
            .build()) {
      descriptions.add(client.toString());

      // success, cache hit, refresh
      tokenEndpoint.enqueue(token(3600));
      AccessToken first = client.getToken();
      assertThat(client.getToken()).isSameAs(first);
      tokenEndpoint.enqueue(token(3600));
      AccessToken second = client.refresh();
      descriptions.add(first.toString());
      descriptions.add(second.toString());

      // stale: the background refresh, then a 500 that is retried and succeeds
      clock.advance(Duration.ofMinutes(57));
      tokenEndpoint.enqueue(echo(500, "INTERNAL"));
      tokenEndpoint.enqueue(token(3600));
      assertThat(client.getToken()).isEqualTo(second);
      AccessToken third = awaitNewToken(client, second);
      client.invalidate(); // forget third, so the interceptor fetches a fourth

      // resource calls through the interceptor: a 401 (invalidate, new token, one retry), then no
      // token at all
      try (MockWebServer resource = new MockWebServer()) {
        resource.start();
        BearerTokenInterceptor interceptor =
            BearerTokenInterceptor.builder(client).allowHost(resource.getHostName()).build();
        descriptions.add(interceptor.toString());
        OkHttpClient api = new OkHttpClient.Builder().addInterceptor(interceptor).build();
        Request call = new Request.Builder().url(resource.url("/accounts")).build();
        tokenEndpoint.enqueue(token(3600));
        tokenEndpoint.enqueue(token(3600));
        resource.enqueue(new MockResponse.Builder().code(401).build());
        resource.enqueue(new MockResponse.Builder().body("ok").build());
        try (Response r = api.newCall(call).execute()) {
          assertThat(r.code()).isEqualTo(200);
        }
        client.invalidate();
        tokenEndpoint.enqueue(echo(409, "CONFLICT"));
        IOException unavailable =
            catchThrowableOfType(IOException.class, () -> api.newCall(call).execute().close());
        assertThat(unavailable).isInstanceOf(TokenUnavailableIOException.class);
        thrown.add(unavailable);
        api.connectionPool().evictAll();
      }

      // 401, 409, 500 (twice: the retry fails too), 503 that reopens after maxWait
      tokenEndpoint.enqueue(
          request -> {
            Map<String, String> error = new LinkedHashMap<>();
            error.put("error", "invalid_client");
            error.put("error_description", "bad secret " + SECRET + " in " + received(request));
            try {
              return json(401, new ObjectMapper().writeValueAsString(error));
            } catch (JsonProcessingException e) {
              throw new UncheckedIOException(e);
            }
          });
      failure(client::refresh);
      tokenEndpoint.enqueue(echo(409, "CONFLICT"));
      failure(client::refresh);
      tokenEndpoint.enqueue(echo(500, "INTERNAL"));
      tokenEndpoint.enqueue(echo(500, "INTERNAL"));
      failure(client::refresh);
      tokenEndpoint.enqueue(echo(503, "CLOSED", "3600"));
      failure(client::refresh);

      // invalid bodies: the request echoed back, a token with an unusable expiry, not JSON
      tokenEndpoint.enqueue(request -> json(200, received(request)));
      failure(client::refresh);
      String unusable = "tokval-unusable-" + UUID.randomUUID();
      tokenValues.add(unusable);
      tokenEndpoint.enqueue(
          json(200, "{\"access_token\":\"" + unusable + "\",\"expires_in\":\"soon\"}"));
      failure(client::refresh);
      tokenEndpoint.enqueue(
          request ->
              new MockResponse.Builder()
                  .body("<html>" + SECRET + " " + received(request) + "</html>")
                  .build());
      failure(client::refresh);

      // transport failure (retried once, fails again), through the async path
      tokenEndpoint.enqueue(
          json(200, "{}")
              .newBuilder()
              .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
              .build());
      tokenEndpoint.enqueue(
          json(200, "{}")
              .newBuilder()
              .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
              .build());
      client.invalidate();
      // past the failure window, which grows with the consecutive failures above
      clock.advance(Duration.ofMinutes(5));
      CompletableFuture<AccessToken> async = client.getTokenAsync();
      try {
        async.get(5, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        thrown.add(e.getCause());
      }
    } finally {
      logs.close();
      okhttp.removeHandler(jul);
      okhttp.setLevel(okhttpLevel);
    }

    for (Throwable e : thrown) {
      descriptions.add(stackTrace(e));
      if (e instanceof ApiException) {
        ((ApiException) e).error().ifPresent(error -> descriptions.add(error.toString()));
      }
    }
    List<CapturingLogs.Event> events = logs.events();
    assertThat(thrown).hasSize(9);
    assertThat(thrown).hasAtLeastOneElementOfType(TransportException.class);
    // The capture must have worked for the test to mean anything: DEBUG per fetch and retry, WARN
    // per failure.
    assertThat(events).anyMatch(e -> e.level() == org.slf4j.event.Level.DEBUG);
    assertThat(events).anyMatch(e -> e.level() == org.slf4j.event.Level.WARN);
    assertThat(listenerTexts).isNotEmpty();

    List<String> forbidden = forbidden(mode);
    for (CapturingLogs.Event event : events) {
      StringBuilder text = new StringBuilder(event.message());
      for (Throwable t = event.thrown(); t != null; t = t.getCause()) {
        text.append('\n').append(stackTrace(t));
      }
      assertFree("log " + event, text.toString(), forbidden);
    }
    for (String line : julLines) {
      assertFree("OkHttp log", line, forbidden);
    }
    for (String text : listenerTexts) {
      assertFree("listener exception", text, forbidden);
    }
    for (String text : descriptions) {
      assertFree("description", text, forbidden);
    }
  }

  /** The secret as it travels in each mode, and every token value the server issued. */
  private List<String> forbidden(ClientAuthentication mode) {
    List<String> forbidden = new ArrayList<>(tokenValues);
    forbidden.add(SECRET);
    forbidden.add(URLEncoder.encode(SECRET, StandardCharsets.UTF_8));
    forbidden.add(new String(JsonStringEncoder.getInstance().quoteAsString(SECRET)));
    String basic =
        URLEncoder.encode(CLIENT_ID, StandardCharsets.UTF_8)
            + ":"
            + URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
    forbidden.add(Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    String rawPair = CLIENT_ID + ":" + SECRET;
    forbidden.add(Base64.getEncoder().encodeToString(rawPair.getBytes(StandardCharsets.UTF_8)));
    assertThat(forbidden).as("the forms differ, so each one is tried").doesNotHaveDuplicates();
    assertThat(tokenValues).as("tokens issued in mode %s", mode).hasSizeGreaterThanOrEqualTo(4);
    return forbidden;
  }

  private static void assertFree(String where, String text, List<String> forbidden) {
    for (String secret : forbidden) {
      assertThat(text).as("%s must not contain %s", where, secret).doesNotContain(secret);
    }
  }

  /** Waits for the background refresh to replace {@code old} in the cache. */
  private static AccessToken awaitNewToken(OAuthClient client, AccessToken old)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    AccessToken current = client.getToken();
    while (current.equals(old) && System.nanoTime() < deadline) {
      Thread.sleep(5);
      current = client.getToken();
    }
    assertThat(current).as("the background refresh replaced the stale token").isNotEqualTo(old);
    return current;
  }

  private static String stackTrace(Throwable e) {
    StringWriter out = new StringWriter();
    e.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  @Test
  void toString_ofEveryPublicType_redacts() throws Exception {
    String value = "tokval-" + UUID.randomUUID();
    AccessToken token =
        new AccessToken(value, "Bearer", NOW, "payments", Map.of("id_token", value));
    OAuthClient.Builder builder =
        OAuthClient.builder()
            .baseUrl("https://api.example.com")
            .clientId(CLIENT_ID)
            .clientSecret(SECRET);
    tokenEndpoint.enqueue(echo(409, "CONFLICT"));
    ConflictException conflict;
    try (OAuthClient client =
        OAuthClient.builder()
            .baseUrl(server.url("/"))
            .clientId(CLIENT_ID)
            .clientSecret(SECRET)
            .retryPolicy(RetryPolicy.none())
            .build()) {
      conflict = catchThrowableOfType(ConflictException.class, client::getToken);
    }
    List<Object> values =
        new ArrayList<>(
            List.of(
                token,
                AccessToken.of(value, NOW),
                builder,
                RetryPolicy.defaults(),
                RetryPolicy.none(),
                WorkingHours.of(
                    ZoneId.of("Europe/Berlin"),
                    LocalTime.of(8, 0),
                    LocalTime.of(18, 0),
                    EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY)),
                conflict,
                conflict.error().orElseThrow(),
                new ServiceUnavailableException("closed", null, NOW),
                new TransportException("reset", new IOException("reset")),
                new InvalidResponseException("bad", 200, null),
                new OAuthException("failed")));
    values.addAll(List.of(ClientAuthentication.values()));
    try (OAuthClient client = builder.build()) {
      values.add(client);
    }

    for (Object v : values) {
      assertThat(v.toString())
          .as(v.getClass().getName())
          .doesNotContain(SECRET)
          .doesNotContain(value);
    }
    assertThat(token.toString()).contains("<redacted>").contains("payments");
  }
}
