package io.tokenapi.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clientAssertion(...)}: the supplier is asked for every attempt, a rotated file is re-read,
 * failures are typed and name no assertion, and an echoed assertion is redacted.
 */
class ClientAssertionTest {
  private static final String TOKEN = "{\"access_token\":\"assertion-token\",\"expires_in\":3600}";

  @StartStop final MockWebServer server = new MockWebServer();
  @TempDir Path dir;

  private OAuthClient.Builder client() {
    return OAuthClient.builder()
        .baseUrl(server.url("/"))
        .clientId("federated-client")
        .retryPolicy(RetryPolicy.none());
  }

  private void enqueueToken() {
    server.enqueue(new MockResponse.Builder().body(TOKEN).build());
  }

  private String sentAssertion() throws InterruptedException {
    RecordedRequest request = server.takeRequest();
    return Jwts.form(request.getBody().utf8()).get("client_assertion");
  }

  @Test
  void supplier_isAskedForEveryRequest_andItsAssertionSentAsRfc7521Form() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    enqueueToken();
    enqueueToken();
    try (OAuthClient client =
        client().clientAssertion(() -> "assertion-" + calls.incrementAndGet()).build()) {
      assertThat(calls).hasValue(0); // not at build(): the first request asks
      client.getToken();
      client.refresh();
    }
    RecordedRequest first = server.takeRequest();
    assertThat(first.getBody().utf8())
        .isEqualTo(
            "grant_type=client_credentials&client_id=federated-client"
                + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
                + "&client_assertion=assertion-1");
    assertThat(sentAssertion()).isEqualTo("assertion-2");
    assertThat(calls).hasValue(2);
  }

  @Test
  void fromFile_rereadsTheFileForEveryRequest_trimmed() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "first-assertion\n");
    enqueueToken();
    enqueueToken();
    try (OAuthClient client = client().clientAssertion(ClientAssertions.fromFile(file)).build()) {
      client.getToken();
      Files.writeString(file, "  rotated-assertion \n"); // the platform rotates the file
      client.refresh();
    }
    assertThat(sentAssertion()).isEqualTo("first-assertion");
    assertThat(sentAssertion()).isEqualTo("rotated-assertion");
  }

  @Test
  void fromFile_missing_isAnOAuthException_namingTheFile_andNoRequestIsSent() {
    Path missing = dir.resolve("not-mounted");
    try (OAuthClient client =
        client().clientAssertion(ClientAssertions.fromFile(missing)).build()) {
      OAuthException e = catchThrowableOfType(OAuthException.class, client::getToken);
      assertThat(e).isExactlyInstanceOf(OAuthException.class);
      assertThat(e.getMessage())
          .contains("clientAssertion(...)")
          .contains(missing.toString())
          .contains("could not be read");
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void fromFile_empty_isAnOAuthException_sayingSo() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), " \n");
    try (OAuthClient client = client().clientAssertion(ClientAssertions.fromFile(empty)).build()) {
      OAuthException e = catchThrowableOfType(OAuthException.class, client::getToken);
      assertThat(e.getMessage()).contains(empty.toString()).contains("is empty");
    }
  }

  @Test
  void supplierReturningBlank_isAnOAuthException() {
    try (OAuthClient client = client().clientAssertion(() -> " ").build()) {
      OAuthException e = catchThrowableOfType(OAuthException.class, client::getToken);
      assertThat(e.getMessage()).contains("returned a blank assertion");
    }
  }

  @Test
  void supplierThrowing_withTheAssertionInItsMessage_isRedacted() {
    String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    try (OAuthClient client =
        client()
            .clientAssertion(
                () -> {
                  throw new IllegalStateException("bad assertion " + jwt);
                })
            .build()) {
      OAuthException e = catchThrowableOfType(OAuthException.class, client::getToken);
      assertThat(e.getMessage()).doesNotContain(jwt).contains(Redactor.REDACTED);
    }
  }

  @Test
  void serverEchoingTheAssertion_getsItRedacted_inMessageErrorAndListenerEvents() {
    String opaque = "opaque-federated-assertion-5f1e"; // not a JWT: redacted as the current one
    String jwt = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.AAAA-_BBB"; // any compact JWS
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            String sent = Jwts.form(request.getBody().utf8()).get("client_assertion");
            return new MockResponse.Builder()
                .code(401)
                .addHeader("Content-Type", "application/json")
                .body(
                    "{\"error\":\"invalid_client\",\"error_description\":\"bad assertion "
                        + sent
                        + " and "
                        + jwt
                        + "\"}")
                .build();
          }
        });
    List<String> events = new CopyOnWriteArrayList<>();
    try (OAuthClient client =
        client()
            .clientAssertion(() -> opaque)
            .listener(
                new OAuthClientListener() {
                  @Override
                  public void onFetchEnded(FetchEnded event) {
                    if (event.failure() != null) {
                      events.add(String.valueOf(event.failure()));
                    }
                  }
                })
            .build()) {
      ApiException e = catchThrowableOfType(ApiException.class, client::getToken);
      assertThat(e.statusCode()).isEqualTo(401);
      String text = e.error().orElseThrow().text();
      assertThat(text).doesNotContain(opaque).doesNotContain(jwt).contains(Redactor.REDACTED);
      assertThat(e.getMessage()).doesNotContain(opaque).doesNotContain(jwt);
    }
    assertThat(events).isNotEmpty().allSatisfy(s -> assertThat(s).doesNotContain(opaque));
  }
}
