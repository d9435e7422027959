package io.tokenapi.sdk.grpc;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.tokenapi.sdk.OAuthClient;
import io.tokenapi.sdk.OAuthException;
import io.tokenapi.sdk.resourcecontract.Reply;
import io.tokenapi.sdk.resourcecontract.ResourceCallContract;
import io.tokenapi.sdk.resourcecontract.ResourceCaller;
import io.tokenapi.sdk.resourcecontract.ResourceServer;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The resource-call contract on gRPC over loopback TCP (Netty, plaintext), with the credentials'
 * interceptor on the channel. Every channel of a caller shares one event-loop thread and one
 * executor thread, so credentials that blocked either would stall every other call. gRPC has no
 * redirects: that case is skipped.
 */
class GrpcContractTest extends ResourceCallContract {

  @Override
  protected ResourceServer newResourceServer() throws Exception {
    return new GrpcResourceServer();
  }

  @Override
  protected Class<? extends Throwable> tokenFailureType() {
    return StatusRuntimeException.class;
  }

  @Override
  protected ResourceCaller newCaller(OAuthClient client) {
    BearerTokenCallCredentials bearer =
        BearerTokenCallCredentials.builder(client).allowHost(ALLOWED_HOST).build();
    EventLoopGroup eventLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ExecutorService executor = Executors.newSingleThreadExecutor();
    Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    return new ResourceCaller() {
      private ManagedChannel channel(URI uri) {
        return channels.computeIfAbsent(
            uri.getHost() + ":" + uri.getPort(),
            target ->
                NettyChannelBuilder.forTarget(target)
                    .eventLoopGroup(eventLoop)
                    .channelType(NioSocketChannel.class)
                    .executor(executor)
                    .usePlaintext()
                    .intercept(bearer.interceptor())
                    .build());
      }

      @Override
      public Reply call(URI uri) {
        try {
          return new Reply(
              200,
              ClientCalls.blockingUnaryCall(
                  channel(uri), GrpcResourceServer.GET, CallOptions.DEFAULT, "get"));
        } catch (StatusRuntimeException e) {
          return serverAnswer(e);
        }
      }

      @Override
      public boolean hasAsync() {
        return true;
      }

      @Override
      public CompletableFuture<Reply> callAsync(URI uri) {
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        ClientCalls.asyncUnaryCall(
            channel(uri).newCall(GrpcResourceServer.GET, CallOptions.DEFAULT),
            "get",
            new StreamObserver<String>() {
              @Override
              public void onNext(String value) {
                reply.complete(new Reply(200, value));
              }

              @Override
              public void onError(Throwable t) {
                try {
                  reply.complete(serverAnswer((StatusRuntimeException) t));
                } catch (StatusRuntimeException e) {
                  reply.completeExceptionally(e);
                }
              }

              @Override
              public void onCompleted() {}
            });
        return reply;
      }

      @Override
      public Object integration() {
        return bearer;
      }

      @Override
      public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel c : channels.values()) {
          try {
            c.awaitTermination(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        executor.shutdownNow();
        eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      }
    };
  }

  /**
   * The server's {@code UNAUTHENTICATED} as the contract's 401; a failure of the credentials
   * themselves (the SDK's exception as cause) or any other status is thrown.
   */
  private static Reply serverAnswer(StatusRuntimeException e) {
    if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED
        && !(e.getCause() instanceof OAuthException)
        && e.getStatus().getDescription() != null
        && e.getStatus().getDescription().startsWith("invalid token")) {
      return new Reply(401, e.getStatus().getDescription());
    }
    throw e;
  }
}
