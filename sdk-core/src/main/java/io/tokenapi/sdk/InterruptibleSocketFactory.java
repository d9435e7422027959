package io.tokenapi.sdk;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import javax.net.SocketFactory;

/**
 * Plain sockets that a {@link Thread#interrupt()} can stop: each is the socket view of a blocking
 * {@link SocketChannel}, so an interrupt during connect, read or write closes it and the blocked
 * call throws.
 *
 * <p>Why: a blocking caller that wins a refresh runs the first attempt on its own thread (no
 * hand-off to a pool thread and back). An ordinary {@code java.net.Socket} read ignores interrupts
 * on platform threads, so that caller could no longer end its wait promptly when interrupted; with
 * these sockets it can. TLS layers over them as over any socket. A DNS lookup is the one blocking
 * step they do not cover: an interrupt during it takes effect when it returns.
 */
final class InterruptibleSocketFactory extends SocketFactory {
  static final InterruptibleSocketFactory INSTANCE = new InterruptibleSocketFactory();

  private InterruptibleSocketFactory() {}

  @Override
  public Socket createSocket() throws IOException {
    return open();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected(
        new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(
        new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
  }

  private static Socket connected(InetSocketAddress remote, InetSocketAddress local)
      throws IOException {
    Socket socket = open();
    try {
      if (local != null) {
        socket.bind(local);
      }
      socket.connect(remote);
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static Socket open() throws IOException {
    return SocketChannel.open().socket();
  }
}
