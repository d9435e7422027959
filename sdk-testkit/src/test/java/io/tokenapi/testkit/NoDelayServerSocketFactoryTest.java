package io.tokenapi.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * The cause of FakeTokenServer's fast kept-alive answers, checked without a clock: accepted sockets
 * have Nagle's algorithm off.
 */
class NoDelayServerSocketFactoryTest {

  @Test
  void acceptedSockets_haveTcpNoDelay() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket server = new NoDelayServerSocketFactory().createServerSocket(0, 1, loopback);
        Socket client = new Socket(loopback, server.getLocalPort());
        Socket accepted = server.accept()) {
      assertThat(accepted.getRemoteSocketAddress()).isEqualTo(client.getLocalSocketAddress());
      assertThat(accepted.getTcpNoDelay()).isTrue();
    }
  }

  @Test
  void everyFactoryMethod_givesSuchASocket() throws Exception {
    NoDelayServerSocketFactory factory = new NoDelayServerSocketFactory();
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (ServerSocket unbound = factory.createServerSocket();
        ServerSocket any = factory.createServerSocket(0);
        ServerSocket withBacklog = factory.createServerSocket(0, 1)) {
      unbound.bind(new InetSocketAddress(loopback, 0));
      for (ServerSocket server : new ServerSocket[] {unbound, any, withBacklog}) {
        try (Socket client = new Socket(loopback, server.getLocalPort());
            Socket accepted = server.accept()) {
          assertThat(accepted.getRemoteSocketAddress()).isEqualTo(client.getLocalSocketAddress());
          assertThat(accepted.getTcpNoDelay()).isTrue();
        }
      }
    }
  }
}
