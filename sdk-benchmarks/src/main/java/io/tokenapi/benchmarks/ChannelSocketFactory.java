package io.tokenapi.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import javax.net.SocketFactory;

/**
 * Sockets backed by a {@link SocketChannel}, the interruptible kind the SDK uses (its own factory
 * is package-private): lets the cold-fetch breakdown show what interruptibility costs a
 * hand-written client.
 */
final class ChannelSocketFactory extends SocketFactory {
  @Override
  public Socket createSocket() throws IOException {
    return SocketChannel.open().socket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    throw new UnsupportedOperationException("OkHttp connects unconnected sockets itself");
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    throw new UnsupportedOperationException("OkHttp connects unconnected sockets itself");
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    throw new UnsupportedOperationException("OkHttp connects unconnected sockets itself");
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    throw new UnsupportedOperationException("OkHttp connects unconnected sockets itself");
  }
}
