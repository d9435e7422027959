package io.tokenapi.sdk.okhttp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tokenapi.sdk.TenantCredentials;
import io.tokenapi.sdk.TenantTokens;
import io.tokenapi.testkit.FakeTokenServer;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tenant-aware interceptor against a real token server and a real resource server. */
class TenantBearerTokenInterceptorTest {
  private final FakeTokenServer tokenServer = new FakeTokenServer();
  private final MockWebServer api = new MockWebServer();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final Set<String> rejected = ConcurrentHashMap.newKeySet();
  private TenantTokens tokens;
  private OkHttpClient http;

  @BeforeEach
  void start() throws IOException {
    tokenServer.start();
    tokenServer.client("id-a", "secret-a").client("id-b", "secret-b");
    api.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String auth = request.getHeaders().get("Authorization");
            authorizations.add(String.valueOf(auth));
            boolean reject = auth != null && rejected.remove(auth);
            return new MockResponse.Builder().code(reject ? 401 : 200).build();
          }
        });
    api.start(InetAddress.getByName("127.0.0.1"), 0);
    tokens =
        TenantTokens.builder()
            .baseUrl(tokenServer.baseUrl())
            .credentials(t -> TenantCredentials.clientSecret("id-" + t, "secret-" + t))
            .build();
    http =
        new OkHttpClient.Builder()
            .addInterceptor(
                TenantBearerTokenInterceptor.builder(tokens)
                    .tenantFrom(request -> request.tag(String.class))
                    .allowHost("127.0.0.1")
                    .build())
            .build();
  }

  @AfterEach
  void stop() {
    tokens.close();
    api.close();
    tokenServer.close();
  }

  private int call(String tenant) throws IOException {
    Request.Builder request =
        new Request.Builder().url(api.url("/v1/payments").newBuilder().host("127.0.0.1").build());
    if (tenant != null) {
      request.tag(String.class, tenant);
    }
    try (Response response = http.newCall(request.build()).execute()) {
      return response.code();
    }
  }

  @Test
  void eachRequestCarriesItsTenantsToken() throws IOException {
    call("a");
    call("b");
    call("a");

    assertThat(authorizations.get(0)).startsWith("Bearer ").isEqualTo(authorizations.get(2));
    assertThat(authorizations.get(1)).startsWith("Bearer ").isNotEqualTo(authorizations.get(0));
    assertThat(tokenServer.requestCount()).isEqualTo(2);
  }

  @Test
  void a401_renewsOnlyThatTenantsToken_andReplaysOnce() throws IOException {
    call("a");
    call("b");
    String oldA = authorizations.get(0);
    String b = authorizations.get(1);
    rejected.add(oldA);

    assertThat(call("a")).isEqualTo(200);
    assertThat(call("b")).isEqualTo(200);

    assertThat(authorizations.subList(2, 5)).containsExactly(oldA, authorizations.get(3), b);
    assertThat(authorizations.get(3)).isNotEqualTo(oldA);
    assertThat(tokenServer.requestCount()).isEqualTo(3);
  }

  @Test
  void aRequestWithoutATenant_isNotSent() {
    assertThatThrownBy(() -> call(null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("tenantFrom(...) returned null");
    assertThat(authorizations).isEmpty();
  }

  @Test
  void build_needsTenantFromAndAHost() {
    assertThatThrownBy(() -> TenantBearerTokenInterceptor.builder(tokens).allowHost("x").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tenantFrom");
    assertThatThrownBy(
            () -> TenantBearerTokenInterceptor.builder(tokens).tenantFrom(r -> "a").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("allowHost");
  }
}
