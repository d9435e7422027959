package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.OAuthClientListener.FetchEnded;
import io.tokenapi.sdk.OAuthClientListener.StateChanged;
import io.tokenapi.sdk.logcapture.CapturingLogs;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.SignatureSpi;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/**
 * Hardening III, the boundaries RELIABILITY.md's boundary table marked MISSING: the application's
 * listeners, the {@code privateKeyJwt} signer's JCA provider and the client's request pool are
 * bounded in time and threads. One nested class per defect; RELIABILITY.md names each test.
 */
class BoundaryHardeningTest {
  @StartStop final MockWebServer server = new MockWebServer();

  /** The test's own threads, so a hung call fails the test instead of hanging it. */
  private final ExecutorService callers = Executors.newCachedThreadPool();

  private final List<AutoCloseable> closing = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void tearDown() throws Exception {
    release.countDown();
    for (AutoCloseable c : closing) {
      c.close();
    }
    callers.shutdownNow();
  }

  private <T extends AutoCloseable> T track(T closeable) {
    closing.add(closeable);
    return closeable;
  }

  private void answerTokens() {
    AtomicInteger n = new AtomicInteger();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body("{\"access_token\":\"tok-" + n.incrementAndGet() + "\",\"expires_in\":3600}")
                .build();
          }
        });
  }

  private OAuthClient.Builder client() {
    return OAuthClient.builder()
        .baseUrl(server.url("/"))
        .clientId("id")
        .clientSecret("a-long-client-secret-1")
        .retryPolicy(RetryPolicy.builder().maxWait(Duration.ofSeconds(1)).build());
  }

  private <T> T within(Duration timeout, Callable<T> call, String what) throws Exception {
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

  private Throwable failureWithin(Duration timeout, Callable<?> call) throws Exception {
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

  /** A listener that blocks in every callback until the test ends, and notes where it ran. */
  private final class BlockingListener implements OAuthClientListener {
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    final AtomicInteger calls = new AtomicInteger();

    private void block() {
      calls.incrementAndGet();
      threads.add(Thread.currentThread().getName());
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void onFetchStarted(FetchStarted event) {
      block();
    }

    @Override
    public void onAttemptEnded(AttemptEnded event) {
      block();
    }

    @Override
    public void onTokenObtained(TokenObtained event) {
      block();
    }

    @Override
    public void onStateChanged(StateChanged event) {
      block();
    }
  }

  @Nested
  class Defect1BlockingListener {
    @Test
    void aBlockingListener_neverDelaysAToken_norRunsOnTheCallersOrARequestThread()
        throws Exception {
      answerTokens();
      BlockingListener listener = new BlockingListener();
      OAuthClient client = track(client().listener(listener).build());

      AccessToken first = within(Duration.ofSeconds(5), client::getToken, "getToken()");
      client.invalidate();
      AccessToken second = within(Duration.ofSeconds(5), client::getToken, "getToken()");
      AccessToken async =
          within(Duration.ofSeconds(5), () -> client.getTokenAsync().get(), "getTokenAsync()");

      assertThat(first.value()).isEqualTo("tok-1");
      assertThat(second.value()).isEqualTo("tok-2");
      assertThat(async.value()).isEqualTo("tok-2");
      assertThat(listener.threads).allSatisfy(t -> assertThat(t).startsWith("tokenapi-events-"));
      assertThat(listener.threads).hasSize(1);
    }

    @Test
    void events_arriveInOrder_onOneThread_andAListenerStillSeesThemAll() throws Exception {
      answerTokens();
      List<String> seen = new CopyOnWriteArrayList<>();
      CountDownLatch threeFetches = new CountDownLatch(3);
      OAuthClientListener recording =
          new OAuthClientListener() {
            @Override
            public void onFetchStarted(FetchStarted event) {
              seen.add("started-" + event.fetchId());
            }

            @Override
            public void onTokenObtained(TokenObtained event) {
              seen.add("obtained-" + event.fetchId());
            }

            @Override
            public void onFetchEnded(FetchEnded event) {
              seen.add("ended-" + event.fetchId());
              threeFetches.countDown();
            }
          };
      OAuthClient client = track(client().listener(recording).build());

      for (int i = 0; i < 3; i++) {
        client.invalidate();
        client.getToken();
      }

      assertThat(threeFetches.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(seen)
          .containsExactly(
              "started-1",
              "obtained-1",
              "ended-1",
              "started-2",
              "obtained-2",
              "ended-2",
              "started-3",
              "obtained-3",
              "ended-3");
    }

    @Test
    void aFullQueue_dropsEvents_countsThem_andWarnsOnce() throws Exception {
      BlockingListener listener = new BlockingListener();
      try (CapturingLogs logs = CapturingLogs.start();
          ListenerDispatcher dispatcher = new ListenerDispatcher(List.of(listener))) {
        StateChanged event = new StateChanged(TokenStatus.State.FRESH, TokenStatus.State.STALE);
        int sent = ListenerDispatcher.QUEUE + 500;
        for (int i = 0; i < sent; i++) {
          dispatcher.onStateChanged(event); // never blocks, whatever the listener does
        }

        // One event is with the listener, QUEUE wait, the rest were dropped.
        assertThat(dispatcher.dropped()).isEqualTo(sent - ListenerDispatcher.QUEUE - 1);
        assertThat(logs.messages(Level.WARN, "not keeping up")).hasSize(1);
      }
    }

    @Test
    void close_withAListenerStillBlocked_returnsWithinTheBound_andLeavesNoThread()
        throws Exception {
      answerTokens();
      SdkThreads threads = SdkThreads.snapshot();
      BlockingListener listener = new BlockingListener();
      OAuthClient client = client().listener(listener).build();
      within(Duration.ofSeconds(5), client::getToken, "getToken()");

      within(
          Duration.ofSeconds(5),
          () -> {
            client.close();
            return null;
          },
          "close()");

      assertThat(threads.aliveAfter(Duration.ofSeconds(5))).isEmpty();
    }
  }

  /** An HSM-backed RSA key: only {@link BlockingHsm} signs with it, and its signing blocks. */
  static final class HsmKey implements PrivateKey, RSAKey {
    private static final long serialVersionUID = 1L;
    private final BigInteger modulus;

    HsmKey(BigInteger modulus) {
      this.modulus = modulus;
    }

    @Override
    public BigInteger getModulus() {
      return modulus;
    }

    @Override
    public String getAlgorithm() {
      return "RSA";
    }

    @Override
    public String getFormat() {
      return null; // the key never leaves the HSM
    }

    @Override
    public byte[] getEncoded() {
      return null;
    }
  }

  /** The signing half of a JCA provider whose device does not answer. */
  public static final class BlockingSignature extends SignatureSpi {
    static volatile CountDownLatch release = new CountDownLatch(0);
    static final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    @Override
    protected void engineInitSign(PrivateKey privateKey) {}

    @Override
    protected void engineInitVerify(java.security.PublicKey publicKey) {
      throw new UnsupportedOperationException();
    }

    @Override
    protected void engineUpdate(byte b) {}

    @Override
    protected void engineUpdate(byte[] b, int off, int len) {}

    @Override
    protected byte[] engineSign() {
      threads.add(Thread.currentThread());
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new byte[256];
    }

    @Override
    protected boolean engineVerify(byte[] sigBytes) {
      return false;
    }

    @Override
    @Deprecated
    protected void engineSetParameter(String param, Object value) {}

    @Override
    @Deprecated
    protected Object engineGetParameter(String param) {
      return null;
    }
  }

  /** Signs only {@link HsmKey}s, so the JVM's other signatures are untouched while installed. */
  static final class BlockingHsm extends Provider {
    private static final long serialVersionUID = 1L;

    BlockingHsm() {
      super("BlockingHsm", "1.0", "an HSM that does not answer");
      put("Signature.SHA256withRSA", BlockingSignature.class.getName());
      put("Signature.SHA256withRSA SupportedKeyClasses", HsmKey.class.getName());
    }
  }

  @Nested
  class Defect2BlockingSigner {
    @Test
    void aSignerThatBlocks_failsGetTokenWithinMaxWait_namingTheSigner_withoutPilingUpThreads()
        throws Exception {
      answerTokens();
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048);
      BigInteger modulus = ((RSAKey) rsa.generateKeyPair().getPrivate()).getModulus();
      BlockingSignature.release = release;
      BlockingSignature.threads.clear();
      Security.insertProviderAt(new BlockingHsm(), 1);
      try {
        OAuthClient client =
            track(
                OAuthClient.builder()
                    .baseUrl(server.url("/"))
                    .clientId("hsm-client")
                    .privateKeyJwt(new HsmKey(modulus), "hsm-key")
                    .retryPolicy(RetryPolicy.builder().maxWait(Duration.ofMillis(500)).build())
                    .minRefreshInterval(Duration.ofMillis(1))
                    .build());

        for (int i = 0; i < 3; i++) {
          client.invalidate();
          Throwable e = failureWithin(Duration.ofSeconds(6), client::getToken);
          assertThat(e).isExactlyInstanceOf(OAuthException.class);
          assertThat(e.getMessage())
              .contains("privateKeyJwt(...) signer")
              .contains("RS256")
              .contains("did not return");
        }
        assertThat(BlockingSignature.threads).hasSize(1);
        assertThat(BlockingSignature.threads)
            .allSatisfy(t -> assertThat(t.getName()).startsWith("tokenapi-assertion-"));
        assertThat(server.getRequestCount()).isZero();
      } finally {
        Security.removeProvider("BlockingHsm");
      }
    }
  }

  @Nested
  class Defect3UncappedRequestPool {
    @Test
    void requestPool_runsAtMostTheCap_queuesABoundedNumber_andRejectsTheRest() throws Exception {
      ClientThreads threads = new ClientThreads(null);
      CountDownLatch hung = new CountDownLatch(1);
      AtomicInteger running = new AtomicInteger();
      int rejected = 0;
      try {
        for (int i = 0; i < 200; i++) {
          try {
            threads
                .http()
                .execute(
                    () -> {
                      running.incrementAndGet();
                      try {
                        hung.await();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    });
          } catch (RejectedExecutionException e) {
            rejected++;
          }
        }
        ThreadPoolExecutor pool = (ThreadPoolExecutor) threads.http();
        assertThat(pool.getPoolSize()).isEqualTo(ClientThreads.MAX_HTTP_THREADS);
        assertThat(pool.getQueue()).hasSize(ClientThreads.HTTP_QUEUE);
        assertThat(rejected)
            .isEqualTo(200 - ClientThreads.MAX_HTTP_THREADS - ClientThreads.HTTP_QUEUE);
      } finally {
        hung.countDown();
        threads.shutdown();
      }
    }
  }
}
