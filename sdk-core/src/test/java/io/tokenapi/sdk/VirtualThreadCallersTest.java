package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenapi.sdk.okhttp.BearerTokenInterceptor;
import io.tokenapi.sdk.storecontract.TestKeys;
import io.tokenapi.sdk.virtualthreads.ColdClientScenario;
import io.tokenapi.sdk.virtualthreads.VirtualThreadRun;
import io.tokenapi.testkit.FakeTokenServer;
import io.tokenapi.testkit.NoDelayServerSocketFactory;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@value ColdClientScenario#CALLERS} virtual-thread callers on a cold client, directly, through
 * {@link BearerTokenInterceptor} and with a {@link FileTokenStore}: one token request, the token
 * for everyone, and no {@code jdk.VirtualThreadPinned} event in the JFR recording of the run. JDK
 * 21 and later (the build compiles for 17, so virtual threads are reached reflectively).
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadCallersTest {
  /** Resource calls in flight at once: the caller's connection budget, as a pool would set it. */
  private static final int CONNECTIONS = 64;

  private final FakeTokenServer server = new FakeTokenServer().start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void tenThousandVirtualThreads_onAColdClient_makeOneTokenRequest() throws Exception {
    ColdClientScenario.run("getToken()", server, 1, null);
  }

  @Test
  void tenThousandVirtualThreads_onColdClientsSharingAFileTokenStore_makeOneTokenRequest(
      @TempDir Path dir) throws Exception {
    FileTokenStore store =
        FileTokenStore.builder(dir).encryptionKey("k1", TestKeys.aes256(1)).build();
    ColdClientScenario.run(
        "FileTokenStore, " + ColdClientScenario.CLIENTS_PER_STORE + " clients",
        server,
        ColdClientScenario.CLIENTS_PER_STORE,
        store);
  }

  @Test
  void tenThousandVirtualThreadResourceCalls_throughTheInterceptor_makeOneTokenRequest()
      throws Exception {
    int callers = ColdClientScenario.CALLERS;
    try (MockWebServer api = new MockWebServer();
        OAuthClient oauth =
            OAuthClient.builder()
                .baseUrl(server.baseUrl())
                .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
                .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
                .build()) {
      api.setServerSocketFactory(new NoDelayServerSocketFactory());
      api.setDispatcher(
          new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
              String auth = request.getHeaders().get("Authorization");
              String token = auth == null ? "" : auth.substring("Bearer ".length());
              return server.isValid(token)
                  ? new MockResponse.Builder().body(token).build()
                  : new MockResponse.Builder().code(401).build();
            }
          });
      api.start();
      CountDownLatch inside = new CountDownLatch(callers);
      Semaphore connections = new Semaphore(CONNECTIONS);
      OkHttpClient http =
          new OkHttpClient.Builder()
              .connectionPool(new ConnectionPool(CONNECTIONS, 1, TimeUnit.MINUTES))
              .addInterceptor(
                  chain -> {
                    inside.countDown();
                    return chain.proceed(chain.request());
                  })
              .addInterceptor(
                  BearerTokenInterceptor.builder(oauth).allowHost(api.getHostName()).build())
              // After the token is attached: every caller waits for the token at once, then at most
              // CONNECTIONS resource calls are in flight (the test server runs a thread each).
              .addInterceptor(
                  chain -> {
                    connections.acquireUninterruptibly();
                    try {
                      return chain.proceed(chain.request());
                    } finally {
                      connections.release();
                    }
                  })
              .build();
      Request request = new Request.Builder().url(api.url("/v1/payments")).build();
      server.holdAnswers();
      VirtualThreadRun.Result<String> result;
      try {
        result =
            VirtualThreadRun.run(
                callers,
                () -> {
                  try (Response response = http.newCall(request).execute()) {
                    assertThat(response.code()).isEqualTo(200);
                    return response.body().string();
                  }
                },
                () -> {
                  server.awaitRequestCount(1);
                  assertThat(inside.await(60, TimeUnit.SECONDS)).isTrue();
                  server.releaseAnswers();
                  return null;
                });
      } finally {
        server.releaseAnswers();
        http.connectionPool().evictAll();
      }
      System.out.println(
          result.summary("BearerTokenInterceptor, resource calls", server.requestCount()));
      ColdClientScenario.assertOneRequestServedEveryone(result, server);
      assertThat(api.getRequestCount()).isEqualTo(callers);
      ColdClientScenario.assertNotPinned(result);
    }
  }

  /**
   * The recording sees a pin when there is one and counts it as unexplained, so "no pinned event"
   * above means something: a virtual thread that sleeps inside a class initializer stays on its
   * carrier on every JDK.
   */
  @Test
  void aVirtualThreadBlockedInAClassInitializer_isRecordedAsPinned() throws Exception {
    VirtualThreadRun.Result<Integer> result =
        VirtualThreadRun.run(1, () -> SlowToInitialize.VALUE, () -> null);
    assertThat(result.values()).containsExactly(42);
    assertThat(result.unexplainedPinned())
        .singleElement()
        .asString()
        .contains(SlowToInitialize.class.getName());
  }

  /** Sleeps in its static initializer: the one kind of blocking that pins on JDK 24 and later. */
  private static final class SlowToInitialize {
    static final int VALUE;

    static {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      VALUE = 42;
    }
  }
}
