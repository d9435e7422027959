package io.tokenapi.sdk.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallCredentials;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.RetryPolicy;
import io.tokenapi.testkit.FakeTokenServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.Collections;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the shared contract does not cover, on a real gRPC server over loopback. */
class GrpcRulesTest {
  private GrpcResourceServer server;
  private FakeTokenServer tokenServer;
  private OAuthClient client;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    tokenServer = new FakeTokenServer().start();
    server = new GrpcResourceServer();
    client =
        OAuthClient.builder()
            .baseUrl(tokenServer.baseUrl())
            .clientId(FakeTokenServer.DEFAULT_CLIENT_ID)
            .clientSecret(FakeTokenServer.DEFAULT_CLIENT_SECRET)
            .retryPolicy(RetryPolicy.none())
            .build();
    channel =
        NettyChannelBuilder.forTarget("localhost:" + server.uri("localhost").getPort())
            .usePlaintext()
            .intercept(
                BearerTokenCallCredentials.builder(client)
                    .allowHost("localhost")
                    .allowHost("api.example.com")
                    .build()
                    .interceptor())
            .build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
    client.close();
    tokenServer.close();
  }

  @Test
  void authorityOfAnotherHost_getsNoToken() throws Exception {
    server.enqueueOk("ok");

    ClientCalls.blockingUnaryCall(
        channel,
        GrpcResourceServer.GET,
        CallOptions.DEFAULT.withAuthority("evil.example.com"),
        "x");

    assertThat(server.takeCall().authorization()).isNull();
    assertThat(tokenServer.requestCount()).isZero();
  }

  @Test
  void plaintextToARemoteAllowedHost_isRefused_beforeAnyTokenIsFetched() {
    server.enqueueOk("never");

    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnaryCall(
                    channel,
                    GrpcResourceServer.GET,
                    CallOptions.DEFAULT.withAuthority("api.example.com:443"),
                    "x"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED))
        .hasMessageContaining("Refusing to send a bearer token");
    assertThat(server.callCount()).isZero();
    assertThat(tokenServer.requestCount()).isZero();
  }

  @Test
  void callersOwnCredentials_win() throws Exception {
    server.enqueueOk("ok");
    CallCredentials own =
        new CallCredentials() {
          @Override
          public void applyRequestMetadata(
              RequestInfo info, Executor executor, MetadataApplier applier) {
            Metadata m = new Metadata();
            m.put(BearerTokenCallCredentials.AUTHORIZATION, "Basic dXNlcjpwYXNz");
            applier.apply(m);
          }
        };

    ClientCalls.blockingUnaryCall(
        channel, GrpcResourceServer.GET, CallOptions.DEFAULT.withCallCredentials(own), "x");

    assertThat(server.takeCall().authorization()).isEqualTo("Basic dXNlcjpwYXNz");
    assertThat(tokenServer.requestCount()).isZero();
  }

  @Test
  void credentialsAlone_sendTheToken_butDoNotRenewIt() throws Exception {
    ManagedChannel plain =
        NettyChannelBuilder.forTarget("localhost:" + server.uri("localhost").getPort())
            .usePlaintext()
            .build();
    try {
      server.enqueueUnauthorized(false);
      BearerTokenCallCredentials bearer =
          BearerTokenCallCredentials.builder(client).allowHost("localhost").build();

      assertThatThrownBy(
              () ->
                  ClientCalls.blockingUnaryCall(
                      plain,
                      GrpcResourceServer.GET,
                      CallOptions.DEFAULT.withCallCredentials(bearer),
                      "x"))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
      assertThat(server.takeCall().authorization())
          .isEqualTo("Bearer " + tokenServer.lastIssuedToken());
      assertThat(server.callCount()).isOne();
    } finally {
      plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void closedOAuthClient_failsTheCall_unauthenticated() {
    client.close();

    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnaryCall(
                    channel, GrpcResourceServer.GET, CallOptions.DEFAULT, "x"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED))
        .hasMessageContaining("No access token for the call");
    assertThat(server.callCount()).isZero();
  }

  @Test
  void builder_rejectsBadInput_andDescribesItselfWithoutSecrets() {
    assertThatThrownBy(() -> BearerTokenCallCredentials.builder(null)).hasMessage("client == null");
    assertThatThrownBy(() -> BearerTokenCallCredentials.builder(client).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("allowHost");
    assertThatThrownBy(() -> BearerTokenCallCredentials.builder(client).allowHost("h:443"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(BearerTokenCallCredentials.builder(client).allowHost("Api.Example.com").build())
        .hasToString("BearerTokenCallCredentials[hosts=[api.example.com]]");
  }

  /**
   * Found by review: the plaintext check read only the authority, which the caller can override
   * ({@code overrideAuthority}, {@code withAuthority}) and which gRPC does not verify. A channel to
   * an address off this machine that claims {@code localhost} sent the token in cleartext.
   */
  @Test
  void plaintextToAnAddressOffThisMachine_claimingLocalhost_isRefused() throws Exception {
    InetAddress remote = nonLoopbackAddress();
    Assumptions.assumeTrue(remote != null, "this machine has no address that is not loopback");
    GrpcResourceServer offMachine = new GrpcResourceServer(new InetSocketAddress(remote, 0));
    ManagedChannel spoofed =
        NettyChannelBuilder.forAddress(
                new InetSocketAddress(remote, offMachine.uri("localhost").getPort()))
            .overrideAuthority("localhost:" + offMachine.uri("localhost").getPort())
            .usePlaintext()
            .intercept(
                BearerTokenCallCredentials.builder(client)
                    .allowHost("localhost")
                    .build()
                    .interceptor())
            .build();
    try {
      offMachine.enqueueOk("never");

      assertThatThrownBy(
              () ->
                  ClientCalls.blockingUnaryCall(
                      spoofed, GrpcResourceServer.GET, CallOptions.DEFAULT, "x"))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED))
          .hasMessageContaining("Refusing to send a bearer token");
      assertThat(offMachine.callCount()).isZero();
      assertThat(tokenServer.requestCount()).isZero();
    } finally {
      spoofed.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      offMachine.close();
    }
  }

  private static InetAddress nonLoopbackAddress() throws Exception {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof java.net.Inet4Address && !address.isLoopbackAddress()) {
          return address;
        }
      }
    }
    return null;
  }
}
