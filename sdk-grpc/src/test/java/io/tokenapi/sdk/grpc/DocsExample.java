package io.tokenapi.sdk.grpc;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.tokenapi.sdk.OAuthClient;

/** The code docs/http-clients.md shows for gRPC, compiled. */
final class DocsExample {
  private DocsExample() {}

  static ManagedChannel grpc(OAuthClient oauthClient) {
    // README grpc: begin
    BearerTokenCallCredentials bearer =
        BearerTokenCallCredentials.builder(oauthClient).allowHost("api.example.com").build();
    ManagedChannel channel =
        Grpc.newChannelBuilder("api.example.com:443", TlsChannelCredentials.create())
            .intercept(bearer.interceptor())
            .build();
    // README grpc: end
    return channel;
  }
}
