package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.MutableClock;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A blocking caller that starts a refresh makes the first attempt on its own thread (no hand-off to
 * a pool thread and back), and still ends its wait promptly on an interrupt, without failing the
 * refresh for the others.
 */
class CallerThreadAttemptTest {
  private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

  @RegisterExtension final CacheTestClients clients = new CacheTestClients("inline");
  private final FakeTokenServer tokens = clients.tokens;
  private final RecordingListener listener = new RecordingListener();

  private OAuthClient.Builder builder() {
    return clients.builder(new MutableClock(NOW), listener).random(() -> 0.0);
  }

  @Test
  void getToken_onAColdClient_requestsOnTheCallingThread() {
    OAuthClient client = clients.build(builder());

    assertThat(client.getToken().value()).isEqualTo("fake-token-1");

    assertThat(listener.threads).containsExactly(Thread.currentThread());
    assertThat(tokens.requestCount()).isEqualTo(1);
  }

  @Test
  void refresh_requestsOnTheCallingThread() {
    OAuthClient client = clients.build(builder());
    client.getToken();

    assertThat(client.refresh().value()).isEqualTo("fake-token-2");

    assertThat(listener.threads).containsExactly(Thread.currentThread());
  }

  @Test
  void getTokenAsync_requestsOnTheClientsThreads() throws Exception {
    // The answer arrives before the sending thread leaves aroundAttempt, so every later stage is
    // attached to a complete future and runs on the thread that attaches it: the race that once
    // ran a listener on the caller's thread, made certain instead of left to timing.
    OAuthClient client = clients.build(builder().listener(new AnsweredBeforeSendReturns()));

    assertThat(client.getTokenAsync().get(5, TimeUnit.SECONDS).value()).isEqualTo("fake-token-1");

    assertClientThreadsOnly();
  }

  @Test
  void failedFirstAttempt_isRetriedOnTheClientsThreads_andCountedAsAttemptOne() {
    OAuthClient client = clients.build(builder());
    tokens.enqueueError(500, "TEST", "scripted failure");

    assertThat(client.getToken().value()).isEqualTo("fake-token-1");

    assertThat(listener.retries)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.attempt()).isEqualTo(1);
              assertThat(r.cause()).isInstanceOf(ApiException.class);
            });
    assertThat(listener.threads).hasSize(2).contains(Thread.currentThread());
    assertThat(tokens.requestCount()).isEqualTo(2);
  }

  @Test
  void maxAttempts_countsTheFirstAttemptOnTheCallingThread() {
    OAuthClient client =
        clients.build(builder().retryPolicy(RetryPolicy.builder().maxAttempts(2).build()));
    tokens.failEveryRequest(500, "TEST", "scripted failure");

    assertThatThrownBy(client::getToken).isInstanceOf(ApiException.class);

    assertThat(tokens.requestCount()).isEqualTo(2);
    assertThat(listener.retries).hasSize(1);
    assertThat(listener.failed).hasSize(1);
  }

  @Test
  void notRetriedFailure_endsOnTheCallingThread() {
    OAuthClient client = clients.build(builder());
    tokens.enqueueError(400, "TEST", "scripted failure");

    assertThatThrownBy(client::getToken).isInstanceOf(ApiException.class);

    assertThat(tokens.requestCount()).isEqualTo(1);
    assertThat(listener.threads).containsExactly(Thread.currentThread());
  }

  @Test
  void noRetryPolicy_stillRequestsOnTheCallingThread() {
    OAuthClient client = clients.build(builder().retryPolicy(RetryPolicy.none()));
    tokens.enqueueError(500, "TEST", "scripted failure");

    assertThatThrownBy(client::getToken).isInstanceOf(ApiException.class);
    assertThat(client.refresh().value()).isEqualTo("fake-token-1");

    assertThat(tokens.requestCount()).isEqualTo(2);
    assertThat(listener.threads).containsExactly(Thread.currentThread());
  }

  /**
   * The interrupted thread made the request: its socket read ends, and the others' refresh is sent
   * again.
   */
  @Test
  void interruptingTheCallerThatMakesTheRequest_endsItsWaitPromptly_andTheOthersStillGetAToken()
      throws Exception {
    OAuthClient client = clients.build(builder());
    tokens.holdAnswers();
    Threads.Caller<Boolean> leader = Threads.startInterruptedCaller("test-leader", client, false);
    tokens.awaitRequestCount(1);
    Threads.Caller<AccessToken> patient = Threads.start("test-patient", client::getToken);
    Threads.awaitParked(leader.thread);
    assertThat(Threads.isReadingSocket(leader.thread))
        .as("the leader reads the response itself")
        .isTrue();
    Threads.awaitParked(patient.thread);

    leader.thread.interrupt();

    // Still held by the server: only an interrupted socket read can have ended the leader's call.
    assertThat(leader.result.get(5, TimeUnit.SECONDS)).as("interrupt flag restored").isTrue();
    tokens.awaitRequestCount(2); // the refresh goes on from the client's threads
    assertThat(patient.result).isNotDone();
    tokens.releaseAnswers();
    // Request 1 was the leader's, answered onto its closed socket, so the only answer the client
    // can
    // read is the re-sent request's. (The fake numbers tokens as it issues them, and the two held
    // answers are issued in either order once released: the number says nothing here.)
    AccessToken patientsToken = patient.result.get(5, TimeUnit.SECONDS);
    assertThat(tokens.issuedTokens()).contains(patientsToken.value());
    assertThat(client.getToken()).isEqualTo(patient.result.get());
    assertThat(listener.failed).isEmpty();
    assertThat(tokens.requestCount()).isEqualTo(2);
  }

  @Test
  void alreadyInterruptedCaller_failsAtOnce_butTheRefreshItStartedCompletes() throws Exception {
    OAuthClient client = clients.build(builder());
    Threads.Caller<Boolean> interrupted =
        Threads.startInterruptedCaller("test-interrupted", client, true);

    assertThat(interrupted.result.get(5, TimeUnit.SECONDS)).as("interrupt flag kept").isTrue();
    listener.awaitRefreshed(1);
    assertThat(client.getToken().value()).isEqualTo("fake-token-1");
    assertThat(tokens.requestCount()).isEqualTo(1);
    assertThat(listener.threads).noneMatch(t -> t == interrupted.thread);
  }

  @Test
  void close_whileTheCallerMakesTheRequest_endsItsWaitWithIllegalStateException() throws Exception {
    OAuthClient client = clients.build(builder());
    tokens.holdAnswers();
    Threads.Caller<AccessToken> leader = Threads.start("test-leader", client::getToken);
    tokens.awaitRequestCount(1);
    Threads.awaitParked(leader.thread);

    client.close();

    assertThat(leader.result)
        .failsWithin(5, TimeUnit.SECONDS)
        .withThrowableOfType(ExecutionException.class)
        .havingRootCause()
        .isInstanceOf(IllegalStateException.class)
        .withMessageContaining("closed");
    assertThat(listener.refreshed).isEmpty();
  }

  /**
   * Holds the sending thread inside aroundAttempt until the attempt has ended, so the attempt's
   * future is complete before any later stage is attached to it.
   */
  static final class AnsweredBeforeSendReturns implements OAuthClientListener {
    private final CountDownLatch ended = new CountDownLatch(1);

    @Override
    public void aroundAttempt(AttemptStarted event, Runnable send) {
      send.run();
      try {
        ended.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void onAttemptEnded(AttemptEnded event) {
      ended.countDown();
    }
  }

  /**
   * Every callback ran on one of the client's threads (named once OkHttp gives a running thread its
   * name back).
   */
  private void assertClientThreadsOnly() throws Exception {
    assertThat(listener.threads).isNotEmpty().doesNotContain(Thread.currentThread());
    for (Thread t : listener.threads) {
      Threads.awaitNamed(t, "tokenapi-");
      assertThat(t.getName()).startsWith("tokenapi-");
    }
  }

  @Test
  void callersOwnSocketFactory_keepsEveryAttemptOnTheClientsThreads() throws Exception {
    OkHttpClient own =
        new OkHttpClient.Builder().socketFactory(new DelegatingSocketFactory()).build();
    OAuthClient client = clients.build(builder().httpClient(own));

    assertThat(client.getToken().value()).isEqualTo("fake-token-1");

    // A caller's socket factory may not make interruptible sockets, so the caller waits
    // (interruptibly) instead.
    assertClientThreadsOnly();
  }

  @Test
  void socksProxy_keepsEveryAttemptOnTheClientsThreads() {
    // Never used: the client is only built, to show the SOCKS check; OkHttp opens SOCKS sockets
    // itself.
    OkHttpClient socks =
        new OkHttpClient.Builder()
            .proxy(new Proxy(Proxy.Type.SOCKS, new InetSocketAddress("127.0.0.1", 1)))
            .build();
    OAuthClient viaSocks =
        OAuthClient.builder()
            .baseUrl("https://api.example.com")
            .clientId("id")
            .clientSecret("secret")
            .httpClient(socks)
            .build();
    try {
      assertThat(viaSocks.makesFirstAttemptOnCallerThread()).isFalse();
    } finally {
      viaSocks.close();
    }
    assertThat(clients.build(builder()).makesFirstAttemptOnCallerThread()).isTrue();
  }

  /**
   * A caller's own socket factory: plain {@code java.net.Socket}s, as most custom factories make.
   */
  private static final class DelegatingSocketFactory extends SocketFactory {
    private final SocketFactory plain = SocketFactory.getDefault();

    @Override
    public java.net.Socket createSocket() throws java.io.IOException {
      return plain.createSocket();
    }

    @Override
    public java.net.Socket createSocket(String host, int port) throws java.io.IOException {
      return plain.createSocket(host, port);
    }

    @Override
    public java.net.Socket createSocket(
        String host, int port, java.net.InetAddress localHost, int localPort)
        throws java.io.IOException {
      return plain.createSocket(host, port, localHost, localPort);
    }

    @Override
    public java.net.Socket createSocket(java.net.InetAddress host, int port)
        throws java.io.IOException {
      return plain.createSocket(host, port);
    }

    @Override
    public java.net.Socket createSocket(
        java.net.InetAddress address, int port, java.net.InetAddress localAddress, int localPort)
        throws java.io.IOException {
      return plain.createSocket(address, port, localAddress, localPort);
    }
  }
}
