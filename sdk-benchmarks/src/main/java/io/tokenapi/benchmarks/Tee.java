package io.tokenapi.benchmarks;

import java.io.IOException;
import java.io.OutputStream;

/** Writes everything to two streams: the console and a results file. */
final class Tee extends OutputStream {

  private final OutputStream first;
  private final OutputStream second;

  Tee(OutputStream first, OutputStream second) {
    this.first = first;
    this.second = second;
  }

  @Override
  public void write(int b) throws IOException {
    first.write(b);
    second.write(b);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    first.write(bytes, offset, length);
    second.write(bytes, offset, length);
  }

  @Override
  public void flush() throws IOException {
    first.flush();
    second.flush();
  }

  @Override
  public void close() throws IOException {
    // The console is not ours to close.
    first.flush();
    second.close();
  }
}
