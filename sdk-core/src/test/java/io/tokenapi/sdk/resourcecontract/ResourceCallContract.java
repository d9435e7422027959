package io.tokenapi.sdk.resourcecontract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.tokenapi.sdk.ConflictException;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.sdk.TransportException;
import io.tokenapi.testkit.FakeTokenServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resource-call contract every HTTP client integration keeps (the OkHttp interceptor, {@code
 * java.net.http}, Spring's RestClient, RestTemplate and WebClient, Apache HttpClient 5, Feign,
 * Jakarta REST, gRPC), run against each by a subclass in its module, as the AWS SDK runs one {@code
 * SdkHttpClientTestSuite} against all its HTTP clients.
 *
 * <p>Everything is real and on loopback: a {@link FakeTokenServer} issues tokens, two resource
 * servers listen on 127.0.0.1. The integration is allowed {@value #ALLOWED_HOST} only; the same
 * sockets reached as {@value #OTHER_HOST} are "another host", which is what an exact host match
 * must tell apart. The contract:
 *
 * <ul>
 *   <li>the token goes to allowed hosts only, and no token is even fetched for another host;
 *   <li>a 401 (gRPC {@code UNAUTHENTICATED}) renews the token once and the call is sent once more;
 *       a second 401 reaches the caller; a burst of 401s for one token costs one token request;
 *   <li>when no token can be had, nothing is sent and the caller gets the library's natural error
 *       carrying the SDK's {@link OAuthException} as a cause;
 *   <li>a redirect to another host carries no token;
 *   <li>a token server that hangs costs the caller the client's own bound, not more;
 *   <li>the asynchronous path returns at once and blocks no I/O thread while the token is fetched;
 *   <li>no secret or token in the integration's {@code toString()} or in failure messages.
 * </ul>
 *
 * Test methods are {@code protected} so that a subclass can state, with {@code @Disabled} and a
 * reason, a case its library cannot meet.
 */
public abstract class ResourceCallContract {
  /** The host the integration may send the token to. */
  public static final String ALLOWED_HOST = "localhost";

  /** The same loopback sockets, reached through a name the integration must not send it to. */
  public static final String OTHER_HOST = "127.0.0.1";

  /**
   * How long an asynchronous call may take to return, or an untokened call to complete, while the
   * token server holds its answer: under {@link FakeTokenServer#MAX_HOLD}, after which the held
   * answer goes out anyway and a blocking integration would pass.
   */
  private static final long WAIT_SECONDS = 8;

  /** How long an answer may take once nothing holds it: generous, for a loaded CI machine. */
  private static final long ANSWER_SECONDS = 30;

  /** The token server of this test. */
  protected FakeTokenServer tokenServer;

  /** The resource server on {@link #ALLOWED_HOST}. */
  protected ResourceServer api;

  /** A second resource server, the target of cross-host redirects and of untokened calls. */
  protected ResourceServer other;

  private final List<OAuthClient> clients = new ArrayList<>();
  private final List<ResourceCaller> callers = new ArrayList<>();

  /**
   * The integration under test on {@code client}, allowed {@link #ALLOWED_HOST} only, on a client
   * library set up as the integration's documentation says (redirects followed where the library
   * can). Closed after the test.
   *
   * @param client the SDK client whose tokens are sent
   * @return the caller
   * @throws Exception if it cannot be built
   */
  protected abstract ResourceCaller newCaller(OAuthClient client) throws Exception;

  /**
   * The library's natural error when no token can be had (for example {@code IOException} for
   * OkHttp, {@code OAuthException} where the library lets it through).
   *
   * @return the type the thrown error must be an instance of
   */
  protected abstract Class<? extends Throwable> tokenFailureType();

  /**
   * A started resource server; HTTP on MockWebServer unless overridden.
   *
   * @return the server, closed after the test
   * @throws Exception if it cannot start
   */
  protected ResourceServer newResourceServer() throws Exception {
    return new HttpResourceServer();
  }

  @BeforeEach
  final void startServers() throws Exception {
    tokenServer = new FakeTokenServer().start();
    api = newResourceServer();
    other = newResourceServer();
  }

  @AfterEach
  final void stopServers() throws Exception {
    for (ResourceCaller caller : callers) {
      caller.close();
    }
    clients.forEach(OAuthClient::close);
    tokenServer.close();
    api.close();
    other.close();
  }

  /**
   * A client of this test's token server: no retries, so a failure reaches the caller at once.
   *
   * @return a client closed after the test
   */
  protected OAuthClient oauthClient() {
    return track(builder().build());
  }

  private OAuthClient.Builder builder() {
    return OAuthClient.builder()
        .baseUrl(tokenServer.baseUrl())
        .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
        .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
        .retryPolicy(RetryPolicy.none());
  }

  private OAuthClient track(OAuthClient client) {
    clients.add(client);
    return client;
  }

  private ResourceCaller caller(OAuthClient client) throws Exception {
    ResourceCaller caller = newCaller(client);
    callers.add(caller);
    return caller;
  }

  private String bearer(int tokenNumber) {
    return "Bearer " + tokenServer.issuedTokens().get(tokenNumber - 1);
  }

  @Test
  protected void sendsTheToken_toAnAllowedHost() throws Exception {
    ResourceCaller caller = caller(oauthClient());
    api.enqueueOk("authorized");

    Reply reply = caller.call(api.uri(ALLOWED_HOST));

    assertThat(reply).isEqualTo(new Reply(200, "authorized"));
    assertThat(api.takeCall().authorization()).isEqualTo(bearer(1));
    assertThat(tokenServer.requestCount()).isOne();
  }

  @Test
  protected void sendsNoToken_andFetchesNone_forAnotherHost() throws Exception {
    ResourceCaller caller = caller(oauthClient());
    other.enqueueOk("public");

    Reply reply = caller.call(other.uri(OTHER_HOST));

    assertThat(reply).isEqualTo(new Reply(200, "public"));
    assertThat(other.takeCall().authorization()).isNull();
    assertThat(tokenServer.requestCount()).isZero();
  }

  @Test
  protected void rejectedToken_isRenewedOnce_andTheCallSentOnceMore() throws Exception {
    ResourceCaller caller = caller(oauthClient());
    api.enqueueUnauthorized(false);
    api.enqueueOk("second try");

    Reply reply = caller.call(api.uri(ALLOWED_HOST));

    assertThat(reply).isEqualTo(new Reply(200, "second try"));
    assertThat(api.takeCall().authorization()).isEqualTo(bearer(1));
    assertThat(api.takeCall().authorization()).isEqualTo(bearer(2));
    assertThat(tokenServer.requestCount()).isEqualTo(2);
  }

  @Test
  protected void tokenRejectedTwice_theSecond401ReachesTheCaller() throws Exception {
    ResourceCaller caller = caller(oauthClient());
    api.enqueueUnauthorized(false);
    api.enqueueUnauthorized(false);
    api.enqueueOk("never asked for");

    Reply reply = caller.call(api.uri(ALLOWED_HOST));

    assertThat(reply.status()).isEqualTo(401);
    assertThat(api.callCount()).isEqualTo(2);
    assertThat(tokenServer.requestCount()).isEqualTo(2);
  }

  @Test
  protected void burstOf401s_forOneToken_costsOneRenewal() throws Exception {
    ResourceCaller caller = caller(oauthClient());
    api.enqueueOk("first");
    caller.call(api.uri(ALLOWED_HOST));
    api.takeCall();
    api.rejectOnly(bearer(1));
    int callers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<Reply>> replies = new ArrayList<>();
      CountDownLatch start = new CountDownLatch(1);
      for (int i = 0; i < callers; i++) {
        replies.add(
            pool.submit(
                () -> {
                  start.await();
                  return caller.call(api.uri(ALLOWED_HOST));
                }));
      }
      start.countDown();
      for (Future<Reply> reply : replies) {
        assertThat(reply.get(ANSWER_SECONDS, TimeUnit.SECONDS))
            .isEqualTo(new Reply(200, "renewed"));
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(tokenServer.requestCount()).isEqualTo(2);
  }

  @Test
  protected void hugeRejection_isReleased_andTheCallRetried() throws Exception {
    ResourceCaller caller = caller(oauthClient());
    api.enqueueUnauthorized(true);
    api.enqueueOk("after a huge 401");

    Reply reply = caller.call(api.uri(ALLOWED_HOST));

    assertThat(reply).isEqualTo(new Reply(200, "after a huge 401"));
    assertThat(api.callCount()).isEqualTo(2);
  }

  @Test
  protected void noToken_failsWithTheSdksException_andSendsNothing() throws Exception {
    ResourceCaller caller = caller(oauthClient());
    tokenServer.enqueueConflict();
    api.enqueueOk("never asked for");

    Throwable thrown = unwrap(catchThrowable(() -> caller.call(api.uri(ALLOWED_HOST))));

    assertThat(thrown).isInstanceOf(tokenFailureType());
    assertThat(causes(thrown)).anyMatch(ConflictException.class::isInstance);
    assertNoSecrets(thrown);
    assertThat(api.callCount()).isZero();
  }

  @Test
  protected void redirectToAnotherHost_carriesNoToken() throws Exception {
    assumeThat(api.hasRedirects()).as("the protocol has no redirects").isTrue();
    ResourceCaller caller = caller(oauthClient());
    api.enqueueRedirect(other.uri(OTHER_HOST));
    other.enqueueOk("moved");

    catchThrowable(() -> caller.call(api.uri(ALLOWED_HOST)));

    assertThat(api.takeCall().authorization()).isEqualTo(bearer(1));
    // A library that does not follow redirects sends nothing there: that keeps the contract too.
    if (other.callCount() > 0) {
      assertThat(other.takeCall().authorization()).isNull();
    }
  }

  @Test
  protected void hungTokenServer_costsTheClientsOwnBound() throws Exception {
    OAuthClient bounded = track(builder().callTimeout(Duration.ofMillis(300)).build());
    ResourceCaller caller = caller(bounded);
    tokenServer.holdAnswers();
    api.enqueueOk("never asked for");

    Throwable thrown;
    try {
      thrown = unwrap(catchThrowable(() -> caller.call(api.uri(ALLOWED_HOST))));
    } finally {
      tokenServer.releaseAnswers();
    }

    assertThat(thrown).isInstanceOf(tokenFailureType());
    assertThat(causes(thrown)).anyMatch(TransportException.class::isInstance);
    assertThat(api.callCount()).isZero();
  }

  @Test
  protected void describesItself_withoutTokensOrSecrets() throws Exception {
    OAuthClient client = oauthClient();
    ResourceCaller caller = caller(client);
    api.enqueueOk("authorized");
    caller.call(api.uri(ALLOWED_HOST));

    String description = String.valueOf(caller.integration());

    assertThat(description)
        .doesNotContain(tokenServer.lastIssuedToken())
        .doesNotContain(FakeTokenServer.DEFAULT_CLIENT_SECRET);
  }

  @Test
  protected void async_returnsAtOnce_andBlocksNoIoThread() throws Exception {
    ResourceCaller caller = caller(oauthClient());
    assumeThat(caller.hasAsync()).as("the library has no asynchronous path").isTrue();
    tokenServer.holdAnswers();
    api.enqueueOk("authorized");
    other.enqueueOk("public");
    ExecutorService starter = Executors.newSingleThreadExecutor();
    try {
      // Started on another thread: if the integration waited for the held token, this get fails.
      CompletableFuture<Reply> authorized =
          starter
              .submit(() -> caller.callAsync(api.uri(ALLOWED_HOST)))
              .get(WAIT_SECONDS, TimeUnit.SECONDS);
      tokenServer.awaitRequestCount(1);

      // The same client's I/O threads still serve a call that needs no token.
      Reply untokened = caller.callAsync(other.uri(OTHER_HOST)).get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(untokened).isEqualTo(new Reply(200, "public"));
      assertThat(authorized).isNotDone();

      tokenServer.releaseAnswers();
      assertThat(authorized.get(ANSWER_SECONDS, TimeUnit.SECONDS))
          .isEqualTo(new Reply(200, "authorized"));
      assertThat(api.takeCall().authorization()).isEqualTo(bearer(1));
    } finally {
      tokenServer.releaseAnswers();
      starter.shutdownNow();
    }
  }

  @Test
  protected void async_rejectedToken_isRenewedOnce() throws Exception {
    ResourceCaller caller = caller(oauthClient());
    assumeThat(caller.hasAsync()).as("the library has no asynchronous path").isTrue();
    api.enqueueUnauthorized(false);
    api.enqueueOk("second try");

    Reply reply = caller.callAsync(api.uri(ALLOWED_HOST)).get(ANSWER_SECONDS, TimeUnit.SECONDS);

    assertThat(reply).isEqualTo(new Reply(200, "second try"));
    assertThat(api.takeCall().authorization()).isEqualTo(bearer(1));
    assertThat(api.takeCall().authorization()).isEqualTo(bearer(2));
  }

  @Test
  protected void async_noToken_failsWithTheSdksException_andSendsNothing() throws Exception {
    ResourceCaller caller = caller(oauthClient());
    assumeThat(caller.hasAsync()).as("the library has no asynchronous path").isTrue();
    tokenServer.enqueueConflict();
    api.enqueueOk("never asked for");

    CompletableFuture<Reply> reply = caller.callAsync(api.uri(ALLOWED_HOST));
    Throwable thrown = unwrap(catchThrowable(() -> reply.get(ANSWER_SECONDS, TimeUnit.SECONDS)));

    assertThat(thrown).isInstanceOf(tokenFailureType());
    assertThat(causes(thrown)).anyMatch(ConflictException.class::isInstance);
    assertNoSecrets(thrown);
    assertThat(api.callCount()).isZero();
  }

  private void assertNoSecrets(Throwable thrown) {
    for (Throwable t : causes(thrown)) {
      assertThat(String.valueOf(t.getMessage()))
          .doesNotContain(FakeTokenServer.DEFAULT_CLIENT_SECRET);
      for (String token : tokenServer.issuedTokens()) {
        assertThat(String.valueOf(t.getMessage())).doesNotContain(token);
      }
    }
  }

  /** The future's own wrapping removed: what the library itself failed with. */
  private static Throwable unwrap(Throwable thrown) {
    Throwable t = thrown;
    while ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static List<Throwable> causes(Throwable thrown) {
    List<Throwable> chain = new ArrayList<>();
    for (Throwable t = thrown; t != null && !chain.contains(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }
}
