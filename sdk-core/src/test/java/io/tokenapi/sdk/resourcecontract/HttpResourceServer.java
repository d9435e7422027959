package io.tokenapi.sdk.resourcecontract;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** A MockWebServer on 127.0.0.1 as the resource server of the HTTP integrations. */
public final class HttpResourceServer implements ResourceServer {
  private final MockWebServer server = new MockWebServer();

  /**
   * Starts listening on a free port of 127.0.0.1.
   *
   * @throws IOException if no port could be bound
   */
  public HttpResourceServer() throws IOException {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @Override
  public URI uri(String host) {
    return URI.create("http://" + host + ":" + server.getPort() + "/resource");
  }

  @Override
  public void enqueueOk(String body) {
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .addHeader("Content-Type", "text/plain; charset=utf-8")
            .body(body)
            .build());
  }

  @Override
  public void enqueueUnauthorized(boolean huge) {
    MockResponse.Builder answer =
        new MockResponse.Builder()
            .code(401)
            .addHeader("Content-Type", "text/plain; charset=utf-8")
            .addHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"" + pad(huge ? 6 : 0));
    answer.body(huge ? "x".repeat(1024 * 1024) : "invalid token");
    server.enqueue(answer.build());
  }

  private static String pad(int kib) {
    return kib == 0 ? "" : ", error_description=\"" + "r".repeat(kib * 1024) + "\"";
  }

  @Override
  public void rejectOnly(String authorization) {
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            boolean rejected = authorization.equals(request.getHeaders().get("Authorization"));
            return new MockResponse.Builder()
                .code(rejected ? 401 : 200)
                .addHeader("Content-Type", "text/plain; charset=utf-8")
                .body(rejected ? "invalid token" : "renewed")
                .build();
          }
        });
  }

  @Override
  public void enqueueRedirect(URI target) {
    server.enqueue(
        new MockResponse.Builder().code(302).addHeader("Location", target.toString()).build());
  }

  @Override
  public boolean hasRedirects() {
    return true;
  }

  @Override
  public RecordedCall takeCall() throws InterruptedException {
    RecordedRequest request = server.takeRequest(10, TimeUnit.SECONDS);
    if (request == null) {
      throw new AssertionError("the resource server received no call within 10 seconds");
    }
    return new RecordedCall(request.getHeaders().get("Authorization"));
  }

  @Override
  public int callCount() {
    return server.getRequestCount();
  }

  @Override
  public void close() {
    server.close();
  }
}
