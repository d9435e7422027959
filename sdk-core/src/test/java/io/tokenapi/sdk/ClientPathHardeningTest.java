package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.logcapture.CapturingLogs;
import io.tokenapi.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.event.Level;

/**
 * Hardening III, the client path: user code (assertion suppliers, listeners) and server-chosen
 * strings are bounded in time, threads and bytes, and never leak a secret. One nested class per
 * defect of issue 22; RELIABILITY.md names each test.
 */
class ClientPathHardeningTest {
  private static final String JWS =
      "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.c2lnbmF0dXJlLXNlY3JldA";

  @StartStop final MockWebServer server = new MockWebServer();
  @TempDir Path dir;

  /** The test's own threads, so a hung call fails the test instead of hanging it. */
  private final ExecutorService callers = Executors.newCachedThreadPool();

  private final List<OAuthClient> clients = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void tearDown() {
    release.countDown();
    clients.forEach(OAuthClient::close);
    callers.shutdownNow();
  }

  private OAuthClient track(OAuthClient client) {
    clients.add(client);
    return client;
  }

  private void answerTokens() {
    AtomicInteger n = new AtomicInteger();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return token(
                "{\"access_token\":\"tok-" + n.incrementAndGet() + "\",\"expires_in\":3600}");
          }
        });
  }

  private static MockResponse token(String json) {
    return new MockResponse.Builder()
        .addHeader("Content-Type", "application/json")
        .body(json)
        .build();
  }

  private OAuthClient.Builder assertionClient(Supplier<String> assertions) {
    return OAuthClient.builder()
        .baseUrl(server.url("/"))
        .clientId("federated")
        .clientAssertion(assertions)
        .retryPolicy(RetryPolicy.builder().maxWait(Duration.ofSeconds(1)).build());
  }

  /** A supplier that blocks until the test ends, as a hung metadata call would. */
  private final class BlockingSupplier implements Supplier<String> {
    final AtomicInteger calls = new AtomicInteger();
    final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    @Override
    public String get() {
      calls.incrementAndGet();
      threads.add(Thread.currentThread());
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
      return "late-assertion";
    }
  }

  private <T> T within(Duration timeout, java.util.concurrent.Callable<T> call, String what)
      throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    callers.execute(
        () -> {
          try {
            result.complete(call.call());
          } catch (Throwable e) {
            result.completeExceptionally(e);
          }
        });
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(what + ": hung, no result after " + timeout.toSeconds() + " s");
    }
  }

  private Throwable failureWithin(Duration timeout, java.util.concurrent.Callable<?> call)
      throws Exception {
    return within(
        timeout,
        () -> {
          try {
            call.call();
            return null;
          } catch (Throwable e) {
            return e;
          }
        },
        "the call");
  }

  private static List<String> assertionThreadsAlive() {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith("tokenapi-") && t.getName().contains("assertion")) {
        names.add(t.getName());
      }
    }
    return names;
  }

  @Nested
  class Defect1BlockingSupplier {
    @Test
    void getToken_failsWithinMaxWait_namingTheSupplier() throws Exception {
      answerTokens();
      BlockingSupplier supplier = new BlockingSupplier();
      OAuthClient client = track(assertionClient(supplier).build());

      Throwable e = failureWithin(Duration.ofSeconds(6), client::getToken);

      assertThat(e).isExactlyInstanceOf(OAuthException.class);
      assertThat(e.getMessage())
          .contains("clientAssertion(...)")
          .contains("BlockingSupplier")
          .contains("did not return");
      assertThat(supplier.threads).allSatisfy(t -> assertThat(t.getName()).startsWith("tokenapi-"));
      assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void getTokenAsync_returnsAtOnce_andNeverRunsTheSupplierOnTheCallersThread() throws Exception {
      answerTokens();
      BlockingSupplier supplier = new BlockingSupplier();
      OAuthClient client = track(assertionClient(supplier).build());
      AtomicReference<Thread> caller = new AtomicReference<>();

      CompletableFuture<AccessToken> future =
          within(
              Duration.ofSeconds(5),
              () -> {
                caller.set(Thread.currentThread());
                return client.getTokenAsync();
              },
              "getTokenAsync()");

      assertThatThrownBy(() -> future.get(6, TimeUnit.SECONDS))
          .hasCauseExactlyInstanceOf(OAuthException.class);
      assertThat(supplier.threads).doesNotContain(caller.get());
    }

    @Test
    void laterCallers_doNotPileUpSupplierThreads_andCloseLeavesNone() throws Exception {
      answerTokens();
      SdkThreads threads = SdkThreads.snapshot();
      BlockingSupplier supplier = new BlockingSupplier();
      OAuthClient client =
          assertionClient(supplier)
              .retryPolicy(RetryPolicy.builder().maxWait(Duration.ofMillis(300)).build())
              .minRefreshInterval(Duration.ofMillis(1))
              .build();
      try {
        for (int i = 0; i < 5; i++) {
          client.invalidate();
          Throwable e = failureWithin(Duration.ofSeconds(6), client::getToken);
          assertThat(e).isInstanceOf(OAuthException.class);
        }
        assertThat(supplier.threads).hasSizeLessThanOrEqualTo(1);
        assertThat(assertionThreadsAlive()).hasSizeLessThanOrEqualTo(1);
      } finally {
        client.close();
      }
      assertThat(threads.aliveAfter(Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void abandonedAttempts_leaveNothingWaitingOnAHungCall() throws Exception {
      BlockingSupplier supplier = new BlockingSupplier();
      ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
      BoundedAssertions assertions = new BoundedAssertions(supplier, scheduler);
      try {
        for (int i = 0; i < 100; i++) {
          CompletableFuture<String> attempt = assertions.next(1);
          assertThatThrownBy(() -> attempt.get(5, TimeUnit.SECONDS))
              .hasCauseInstanceOf(OAuthException.class);
        }
        assertThat(supplier.calls).hasValue(1);
        assertThat(assertions.waiting()).isZero();
      } finally {
        assertions.close();
        scheduler.shutdownNow();
      }
    }

    @Test
    void staleCaller_neverWaitsForTheBackgroundRefresh() throws Exception {
      answerTokens();
      MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
      AtomicReference<Supplier<String>> current = new AtomicReference<>(() -> "first-assertion");
      OAuthClient client = track(assertionClient(() -> current.get().get()).clock(clock).build());
      AccessToken first = client.getToken();
      current.set(new BlockingSupplier());
      clock.advance(Duration.ofMinutes(56)); // stale: within refreshAhead (5 min) of expiry

      AccessToken stale = within(Duration.ofSeconds(5), client::getToken, "a stale getToken()");

      assertThat(stale).isEqualTo(first);
    }

    @Test
    void fifoInPlaceOfTheAssertionFile_failsAtOnce_namingTheFile() throws Exception {
      Path fifo = dir.resolve("client-assertion");
      Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
      assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(mkfifo.exitValue()).isZero();
      SdkThreads threads = SdkThreads.snapshot();
      OAuthClient client = assertionClient(ClientAssertions.fromFile(fifo)).build();
      try {
        Throwable e = failureWithin(Duration.ofSeconds(6), client::getToken);

        assertThat(e).isExactlyInstanceOf(OAuthException.class);
        assertThat(e.getMessage()).contains(fifo.toString()).contains("not a regular file");
      } finally {
        client.close();
      }
      assertThat(threads.aliveAfter(Duration.ofSeconds(5))).isEmpty();
      assertThat(server.getRequestCount()).isZero();
    }
  }

  @Nested
  class Defect8TokenType {
    private AccessToken tokenOfType(String typeJson) {
      server.enqueue(
          token("{\"access_token\":\"secret-token-value\",\"expires_in\":60" + typeJson + "}"));
      try (OAuthClient client =
          OAuthClient.builder()
              .baseUrl(server.url("/"))
              .clientId("id")
              .clientSecret("a-long-client-secret-1")
              .retryPolicy(RetryPolicy.none())
              .build()) {
        return client.getToken();
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"DPoP", "N_A", "mac", "Bearer2", "Bearer "})
    void otherTokenTypes_areRefused_namingTheType_neverTheToken(String type) {
      assertThatThrownBy(() -> tokenOfType(",\"token_type\":\"" + type + "\""))
          .isInstanceOf(InvalidResponseException.class)
          .hasMessageContaining("token_type")
          .hasMessageContaining(type.strip())
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-token-value"));
    }

    @Test
    void hostileTokenType_isEscapedAndBounded_inTheMessage() {
      String hostile = "X\\r\\nINFO forged line " + "A".repeat(5000);
      assertThatThrownBy(() -> tokenOfType(",\"token_type\":\"" + hostile + "\""))
          .isInstanceOf(InvalidResponseException.class)
          .satisfies(
              e -> {
                assertThat(e.getMessage()).doesNotContain("\r").doesNotContain("\n");
                assertThat(e.getMessage().length()).isLessThan(600);
              });
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "bearer", "BEARER", "bEaReR"})
    void bearerInAnyCase_isAccepted(String type) {
      assertThat(tokenOfType(",\"token_type\":\"" + type + "\"").value())
          .isEqualTo("secret-token-value");
    }

    @Test
    void missingTokenType_isAccepted() {
      assertThat(tokenOfType("").authorizationHeader()).isEqualTo("Bearer secret-token-value");
      assertThat(tokenOfType(",\"token_type\":null").value()).isEqualTo("secret-token-value");
    }
  }

  @Nested
  class Defect9ServerStrings {
    @Test
    void accessTokenToString_escapesControlCharacters_andBoundsLength() {
      server.enqueue(
          token(
              "{\"access_token\":\"tok\",\"expires_in\":60,\"scope\":\"a\\r\\nINFO forged\\u2028x "
                  + "s".repeat(3000)
                  + "\",\"evil\\nfield\\u0085\":1,"
                  + manyFields(200)
                  + "\"last\":2}"));
      String text;
      try (OAuthClient client =
          OAuthClient.builder()
              .baseUrl(server.url("/"))
              .clientId("id")
              .clientSecret("a-long-client-secret-1")
              .build()) {
        text = client.getToken().toString();
      }
      assertThat(text)
          .doesNotContain("\r")
          .doesNotContain("\n")
          .doesNotContain("\u2028")
          .doesNotContain("\u0085")
          .contains("INFO forged")
          .contains("value=<redacted>]");
      assertThat(text.length()).isLessThan(1500);
    }

    private String manyFields(int n) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < n; i++) {
        sb.append("\"field").append(i).append("\":").append(i).append(',');
      }
      return sb.toString();
    }

    @Test
    void secretEchoedInScopeOrAFieldName_isNotInToString() {
      String secret = "a-long-client-secret-1";
      server.enqueue(
          token(
              "{\"access_token\":\"tok\",\"scope\":\"read "
                  + secret
                  + "\",\""
                  + secret
                  + "\":true}"));
      try (OAuthClient client =
          OAuthClient.builder()
              .baseUrl(server.url("/"))
              .clientId("id")
              .clientSecret(secret)
              .build()) {
        assertThat(client.getToken().toString()).doesNotContain(secret).contains("read");
      }
    }

    @Test
    void constructedToken_withHostileType_isEscapedToo() {
      AccessToken token =
          new AccessToken(
              "v", "Bearer\r\nforged", Instant.EPOCH, "x\u001b[31m", Map.of("k\r", "v"));
      assertThat(token.toString())
          .doesNotContain("\r")
          .doesNotContain("\n")
          .doesNotContain("\u001b");
    }

    @Test
    void errorFields_inMessagesAndLogs_areEscapedAndBounded() {
      server.enqueue(
          new MockResponse.Builder()
              .code(400)
              .addHeader("Content-Type", "application/json")
              .body(
                  "{\"code\":\"BAD\\r\\nINFO forged\",\"errorId\":\"id\\u2029x"
                      + "9".repeat(5000)
                      + "\",\"text\":\"line\\u0085two\"}")
              .build());
      try (CapturingLogs logs = CapturingLogs.start();
          OAuthClient client =
              OAuthClient.builder()
                  .baseUrl(server.url("/"))
                  .clientId("id")
                  .clientSecret("a-long-client-secret-1")
                  .retryPolicy(RetryPolicy.none())
                  .build()) {
        ApiException e = (ApiException) failureOf(client::getToken);
        List<String> lines = new ArrayList<>(logs.messages(Level.WARN));
        lines.add(e.getMessage());
        lines.add(e.error().orElseThrow().toString());
        lines.add(client.status().toString());
        assertThat(lines)
            .allSatisfy(
                line -> {
                  assertThat(line)
                      .doesNotContain("\r")
                      .doesNotContain("\n")
                      .doesNotContain("\u2029")
                      .doesNotContain("\u0085");
                  assertThat(line.length()).isLessThan(2000);
                });
      }
    }
  }

  private static Throwable failureOf(Runnable call) {
    try {
      call.run();
    } catch (Throwable e) {
      return e;
    }
    throw new AssertionError("expected a failure");
  }

  @Nested
  class Defect10SupplierCause {
    @Test
    void supplierException_isAttachedRedacted_withTypeAndStack_neverTheOriginal() {
      IllegalStateException original =
          new IllegalStateException(
              "metadata said " + JWS, new RuntimeException("inner opaque-assertion-xyz " + JWS));
      try (OAuthClient client =
          assertionClient(
                  () -> {
                    throw original;
                  })
              .build()) {
        Throwable e = failureOf(client::getToken);
        assertThat(e).isExactlyInstanceOf(OAuthException.class);
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = e; t != null && !seen.containsKey(t); t = t.getCause()) {
          seen.put(t, true);
          assertThat(t).isNotSameAs(original).isNotSameAs(original.getCause());
          assertThat(String.valueOf(t.getMessage()))
              .doesNotContain(JWS)
              .doesNotContain("opaque-assertion-xyz");
          assertThat(t.toString()).doesNotContain(JWS);
        }
        Throwable copy = e.getCause();
        assertThat(copy).isNotNull();
        assertThat(copy.toString()).contains(IllegalStateException.class.getName());
        assertThat(copy.getStackTrace()).isEqualTo(original.getStackTrace());
        assertThat(copy.getCause()).isNotNull();
        assertThat(copy.getCause().toString()).contains(RuntimeException.class.getName());
      }
    }

    @Test
    void supplierThrowingAnError_isATypedFailure_andTheClientKeepsWorking() {
      answerTokens();
      AtomicInteger calls = new AtomicInteger();
      try (OAuthClient client =
          assertionClient(
                  () -> {
                    if (calls.incrementAndGet() == 1) {
                      throw new AssertionError("assertion " + JWS);
                    }
                    return "good-assertion";
                  })
              .build()) {
        Throwable e = failureOf(client::getToken);
        assertThat(e).isInstanceOf(OAuthException.class);
        assertThat(String.valueOf(e.getCause())).doesNotContain(JWS);
        assertThat(client.refresh().value()).startsWith("tok-");
      }
    }
  }

  @Nested
  class Defect11ReservedParameters {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "GRANT_TYPE",
          "Client_Id",
          "Client_Secret",
          "SCOPE",
          "Client_Assertion_Type",
          "CLIENT_ASSERTION",
          "grant_type",
          "ſcope",
          "grant.type",
          "client secret",
          "client[secret",
          " client_id "
        })
    void reservedNames_inAnyCase_areRefusedAtTokenParameter_namingTheSetter(String name) {
      for (ClientAuthentication mode : ClientAuthentication.values()) {
        OAuthClient.Builder builder =
            OAuthClient.builder()
                .baseUrl("https://api.example.com")
                .clientId("id")
                .clientSecret("a-long-client-secret-1")
                .clientAuthentication(mode);
        assertThatThrownBy(() -> builder.tokenParameter(name, "x"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(name.strip())
            .hasMessageContaining("the SDK sets itself")
            .hasMessageContaining("(...)");
      }
      OAuthClient.Builder assertion =
          OAuthClient.builder()
              .baseUrl("https://api.example.com")
              .clientId("id")
              .clientAssertion(() -> "a");
      assertThatThrownBy(() -> assertion.tokenParameter(name, "x"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Defect12ShortSecret {
    private ApiException conflictFor(String secret) {
      server.enqueue(
          new MockResponse.Builder()
              .code(409)
              .addHeader("Content-Type", "application/json")
              .body(
                  "{\"errorId\":\"err-42s\",\"code\":\"CONFLICT\",\"text\":\"An active token"
                      + " request is already in progress\"}")
              .build());
      try (OAuthClient client =
          OAuthClient.builder()
              .baseUrl(server.url("/"))
              .clientId("id")
              .clientSecret(secret)
              .retryPolicy(RetryPolicy.none())
              .build()) {
        return (ApiException) failureOf(client::getToken);
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"s", "test", "secret", "password", "progress"})
    void shortOrCommonSecret_leavesTheServersTextOut_insteadOfCuttingItUp(String secret) {
      ApiException e = conflictFor(secret);
      assertThat(e.getMessage())
          .doesNotContain(Redactor.REDACTED)
          .doesNotContain("active token")
          .contains("HTTP 409")
          .contains("code=CONFLICT")
          .contains("errorId=err-42s");
      assertThat(String.valueOf(e.error().orElseThrow().text())).doesNotContain(Redactor.REDACTED);
    }

    @Test
    void shortSecret_echoedAsAWholeValueOrInBasicCredentials_isStillRedacted() {
      server.enqueue(
          new MockResponse.Builder()
              .code(401)
              .addHeader("Content-Type", "application/json")
              .body(
                  "{\"code\":\"s\",\"errorId\":\"e-1\",\"text\":\"bad s\","
                      + "\"parameter_name\":\"authorization\","
                      + "\"parameter_value\":\"Basic aWQ6cw==\"}")
              .build());
      ApiException e;
      try (OAuthClient client =
          OAuthClient.builder()
              .baseUrl(server.url("/"))
              .clientId("id")
              .clientSecret("s")
              .clientAuthentication(ClientAuthentication.CLIENT_SECRET_BASIC)
              .retryPolicy(RetryPolicy.none())
              .build()) {
        e = (ApiException) failureOf(client::getToken);
      }
      ApiError error = e.error().orElseThrow();
      assertThat(error.code()).isEqualTo(Redactor.REDACTED);
      assertThat(error.errorId()).isEqualTo("e-1");
      assertThat(String.valueOf(error.parameterValue())).doesNotContain("aWQ6cw");
      assertThat(e.getMessage()).doesNotContain("bad s");
    }

    @Test
    void longRandomSecret_keepsTheServersText() {
      ApiException e = conflictFor("Zq7-pR2x9vLk3mWd");
      assertThat(e.getMessage()).contains("An active token request is already in progress");
    }

    @Test
    void shortSecret_isWarnedAboutOnceAtBuild_withoutTheSecret() {
      try (CapturingLogs logs = CapturingLogs.start();
          OAuthClient client =
              OAuthClient.builder()
                  .baseUrl(server.url("/"))
                  .clientId("id")
                  .clientSecret("hunter2")
                  .build()) {
        assertThat(logs.messages(Level.WARN))
            .singleElement()
            .asString()
            .contains("clientSecret")
            .doesNotContain("hunter2");
        assertThat(client.toString()).doesNotContain("hunter2");
      }
    }
  }

  @Nested
  class ListenerThreads {
    /**
     * The attempt's answer arrives before the caller's thread leaves {@code aroundAttempt}, so the
     * pipeline's futures are already complete when their dependent stages are attached: those
     * stages must still not run the listener on the caller's thread.
     */
    @Test
    void getTokenAsync_neverCallsAListenerOnTheCallersThread() throws Exception {
      answerTokens();
      Set<String> threads = ConcurrentHashMap.newKeySet();
      OAuthClientListener listener =
          new OAuthClientListener() {
            private void record() {
              threads.add(Thread.currentThread().getName());
            }

            @Override
            public void onFetchStarted(FetchStarted event) {
              record();
            }

            @Override
            public void onAttemptStarted(AttemptStarted event) {
              record();
            }

            @Override
            public void aroundAttempt(AttemptStarted event, Runnable send) {
              record();
              send.run();
            }

            @Override
            public void onAttemptEnded(AttemptEnded event) {
              record();
            }

            @Override
            public void onTokenObtained(TokenObtained event) {
              record();
            }

            @Override
            public void onFetchEnded(FetchEnded event) {
              record();
            }

            @Override
            public void onStateChanged(StateChanged event) {
              record();
            }
          };
      try (OAuthClient client =
          OAuthClient.builder()
              .baseUrl(server.url("/"))
              .clientId("id")
              .clientSecret("a-long-client-secret-1")
              .listener(listener)
              .listener(new CallerThreadAttemptTest.AnsweredBeforeSendReturns())
              .build()) {
        String caller = Thread.currentThread().getName();
        assertThat(client.getTokenAsync().get(5, TimeUnit.SECONDS).value()).isEqualTo("tok-1");
        assertThat(threads).isNotEmpty().doesNotContain(caller);
      }
    }
  }

  /** A supplier's output or failure as an attacker would shape it. */
  @Nested
  class HostileSupplier {
    @Test
    void hugeOutput_isRefused_withoutSendingIt() {
      String huge = "x".repeat(ClientAssertions.MAX_ASSERTION_BYTES + 1);
      try (OAuthClient client = assertionClient(() -> huge).build()) {
        Throwable e = failureOf(client::getToken);
        assertThat(e).isExactlyInstanceOf(OAuthException.class);
        assertThat(e.getMessage()).contains("more than").hasSizeLessThan(500);
      }
      assertThat(server.getRequestCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " \t\r\n "})
    void blankOutput_isRefused(String blank) {
      try (OAuthClient client = assertionClient(() -> blank).build()) {
        assertThat(failureOf(client::getToken)).hasMessageContaining("blank assertion");
      }
    }

    @Test
    void nullOutput_isRefused() {
      try (OAuthClient client = assertionClient(() -> null).build()) {
        assertThat(failureOf(client::getToken)).hasMessageContaining("returned null");
      }
    }

    @Test
    void controlCharactersInOutput_areFormEncoded_notInjected() throws Exception {
      answerTokens();
      try (OAuthClient client = assertionClient(() -> "a\r\nX-Injected: 1&scope=admin").build()) {
        client.getToken();
      }
      RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(request.getHeaders().get("X-Injected")).isNull();
      assertThat(Jwts.form(request.getBody().utf8()))
          .containsEntry("client_assertion", "a\r\nX-Injected: 1&scope=admin")
          .doesNotContainKey("scope");
    }

    @Test
    void exceptionWhoseAccessorsThrow_isStillATypedFailure() {
      RuntimeException hostile =
          new RuntimeException() {
            private static final long serialVersionUID = 1L;

            @Override
            public String getMessage() {
              throw new IllegalStateException(JWS);
            }

            @Override
            public synchronized Throwable getCause() {
              throw new IllegalStateException(JWS);
            }
          };
      try (OAuthClient client =
          assertionClient(
                  () -> {
                    throw hostile;
                  })
              .build()) {
        Throwable e = failureOf(client::getToken);
        assertThat(e).isExactlyInstanceOf(OAuthException.class);
        assertThat(e.getMessage()).doesNotContain(JWS);
        assertThat(e.getCause()).isNull();
      }
    }
  }

  /** After each fault of this class, close() leaves no thread of the client behind. */
  @Nested
  class CloseLeavesNoThread {
    private void assertNoThreadAfter(Supplier<String> supplier, boolean async) throws Exception {
      answerTokens();
      SdkThreads threads = SdkThreads.snapshot();
      OAuthClient client = assertionClient(supplier).build();
      try {
        if (async) {
          CompletableFuture<AccessToken> f = client.getTokenAsync();
          assertThatThrownBy(() -> f.get(6, TimeUnit.SECONDS))
              .hasCauseInstanceOf(OAuthException.class);
        } else {
          assertThat(failureWithin(Duration.ofSeconds(6), client::getToken))
              .isInstanceOf(OAuthException.class);
        }
      } finally {
        client.close();
      }
      assertThat(threads.aliveAfter(Duration.ofSeconds(5))).isEmpty();
    }

    @Test
    void afterABlockingSupplier_viaGetToken() throws Exception {
      assertNoThreadAfter(new BlockingSupplier(), false);
    }

    @Test
    void afterABlockingSupplier_viaGetTokenAsync() throws Exception {
      assertNoThreadAfter(new BlockingSupplier(), true);
    }

    @Test
    void afterASupplierThrowingAnError() throws Exception {
      assertNoThreadAfter(
          () -> {
            throw new AssertionError(JWS);
          },
          false);
    }

    @Test
    void afterARefusedTokenType() throws Exception {
      server.setDispatcher(
          new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
              return token("{\"access_token\":\"t\",\"token_type\":\"DPoP\"}");
            }
          });
      SdkThreads threads = SdkThreads.snapshot();
      OAuthClient client = assertionClient(() -> "assertion").build();
      try {
        assertThat(failureOf(client::getToken)).isInstanceOf(InvalidResponseException.class);
      } finally {
        client.close();
      }
      assertThat(threads.aliveAfter(Duration.ofSeconds(5))).isEmpty();
    }
  }

  @Test
  void fromFile_onDevZero_isRefusedAtOnce() throws Exception {
    Path zero = Path.of("/dev/zero");
    if (!Files.exists(zero)) {
      return;
    }
    try (OAuthClient client = assertionClient(ClientAssertions.fromFile(zero)).build()) {
      Throwable e = failureWithin(Duration.ofSeconds(6), client::getToken);
      assertThat(e).isExactlyInstanceOf(OAuthException.class);
      assertThat(e.getMessage()).contains("not a regular file");
    }
  }
}
