package io.tokenapi.sdk.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.tokenapi.sdk.resourcecontract.RecordedCall;
import io.tokenapi.sdk.resourcecontract.ResourceServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC server on 127.0.0.1 (Netty, plaintext) with one unary method, {@link #GET}, whose
 * answers a test scripts: a text message, or {@code UNAUTHENTICATED}.
 */
final class GrpcResourceServer implements ResourceServer {
  static final MethodDescriptor.Marshaller<String> TEXT =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  static final MethodDescriptor<String, String> GET =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("tokenapi.test.Resource/Get")
          .setRequestMarshaller(TEXT)
          .setResponseMarshaller(TEXT)
          .build();

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** A scripted answer: a body, or null for UNAUTHENTICATED with this description. */
  private record Answer(String body, String rejection) {}

  private static final Context.Key<String> AUTHORIZATION_SEEN = Context.key("authorization");

  private volatile String rejectOnly;
  private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
  private final BlockingQueue<RecordedCall> calls = new LinkedBlockingQueue<>();
  private final AtomicInteger count = new AtomicInteger();
  private final Server server;

  GrpcResourceServer() throws IOException {
    this(new InetSocketAddress("127.0.0.1", 0));
  }

  /** A server on {@code bind}, for a test that needs it reachable on an address not loopback. */
  GrpcResourceServer(InetSocketAddress bind) throws IOException {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("tokenapi.test.Resource")
            .addMethod(
                GET,
                ServerCalls.asyncUnaryCall(
                    (request, response) -> {
                      String rejected = rejectOnly;
                      Answer answer =
                          rejected == null
                              ? script.poll()
                              : rejected.equals(AUTHORIZATION_SEEN.get())
                                  ? new Answer(null, "invalid token")
                                  : new Answer("renewed", null);
                      if (answer == null) {
                        response.onError(
                            Status.FAILED_PRECONDITION
                                .withDescription("no answer scripted")
                                .asRuntimeException());
                      } else if (answer.body() != null) {
                        response.onNext(answer.body());
                        response.onCompleted();
                      } else {
                        response.onError(
                            Status.UNAUTHENTICATED
                                .withDescription(answer.rejection())
                                .asRuntimeException());
                      }
                    }))
            .build();
    ServerInterceptor recorder =
        new ServerInterceptor() {
          @Override
          public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
              ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
            count.incrementAndGet();
            calls.add(new RecordedCall(headers.get(AUTHORIZATION)));
            // The handler runs in this call's context: the header travels with it.
            return Contexts.interceptCall(
                Context.current().withValue(AUTHORIZATION_SEEN, headers.get(AUTHORIZATION)),
                call,
                headers,
                next);
          }
        };
    server =
        NettyServerBuilder.forAddress(bind)
            .addService(ServerInterceptors.intercept(service, recorder))
            .build()
            .start();
  }

  @Override
  public URI uri(String host) {
    return URI.create("grpc://" + host + ":" + server.getPort());
  }

  @Override
  public void enqueueOk(String body) {
    script.add(new Answer(body, null));
  }

  @Override
  public void enqueueUnauthorized(boolean huge) {
    // HTTP/2 limits the trailers gRPC accepts (8 KiB by default): "huge" stays under it.
    script.add(new Answer(null, "invalid token" + (huge ? " " + "r".repeat(6 * 1024) : "")));
  }

  @Override
  public void rejectOnly(String authorization) {
    rejectOnly = authorization;
  }

  @Override
  public void enqueueRedirect(URI target) {
    throw new UnsupportedOperationException("gRPC has no redirects");
  }

  @Override
  public boolean hasRedirects() {
    return false;
  }

  @Override
  public RecordedCall takeCall() throws InterruptedException {
    RecordedCall call = calls.poll(10, TimeUnit.SECONDS);
    if (call == null) {
      throw new AssertionError("the gRPC server received no call within 10 seconds");
    }
    return call;
  }

  @Override
  public int callCount() {
    return count.get();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
