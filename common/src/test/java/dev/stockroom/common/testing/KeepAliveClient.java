package dev.stockroom.common.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An HTTP/1.1 client on a plain socket that keeps its connection alive, as an ingress or a
 * service's connection pool does, and counts precisely what happened to each request: answered (and
 * with which status class), refused before it was sent (connection refused), or lost after it was
 * sent (the connection closed or reset before the answer). It reconnects when the server says
 * {@code Connection: close} and never retries a request it has sent.
 */
public final class KeepAliveClient implements Runnable {
  private final int port;
  private final String request;
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger serverErrors = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger lostAfterSent = new AtomicInteger();
  private volatile boolean stopped;
  private volatile String lastLoss = "";

  public KeepAliveClient(int port, String path, String bearerToken) {
    this.port = port;
    this.request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: localhost:"
            + port
            + "\r\nAuthorization: Bearer "
            + bearerToken
            + "\r\n\r\n";
  }

  public void stop() {
    stopped = true;
  }

  public int answered() {
    return answered.get();
  }

  public int serverErrors() {
    return serverErrors.get();
  }

  public int refused() {
    return refused.get();
  }

  public int lostAfterSent() {
    return lostAfterSent.get();
  }

  public String lastLoss() {
    return lastLoss;
  }

  @Override
  public void run() {
    Socket socket = null;
    InputStream in = null;
    while (!stopped) {
      if (socket == null) {
        try {
          socket = new Socket("localhost", port);
          in = new BufferedInputStream(socket.getInputStream());
        } catch (ConnectException e) {
          refused.incrementAndGet();
          LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
          continue;
        } catch (IOException e) {
          refused.incrementAndGet();
          continue;
        }
      }
      try {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // Not sent (the write itself failed): the server had closed the connection before.
        close(socket);
        socket = null;
        continue;
      }
      try {
        boolean keepOpen = readResponse(in);
        answered.incrementAndGet();
        if (!keepOpen) {
          close(socket);
          socket = null;
        }
      } catch (IOException e) {
        lostAfterSent.incrementAndGet();
        lastLoss = e.toString();
        close(socket);
        socket = null;
      }
    }
    close(socket);
  }

  /** Reads one response; answers whether the connection may be used again. */
  private boolean readResponse(InputStream in) throws IOException {
    String status = line(in);
    if (status == null) {
      throw new IOException("connection closed before an answer");
    }
    int code = Integer.parseInt(status.split(" ")[1]);
    if (code >= 500) {
      serverErrors.incrementAndGet();
    }
    long length = 0;
    boolean close = false;
    boolean chunked = false;
    for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).trim());
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    if (chunked) {
      for (long size = Long.parseLong(line(in).trim(), 16); size > 0; ) {
        in.readNBytes((int) size);
        line(in);
        size = Long.parseLong(line(in).trim(), 16);
      }
      line(in);
    } else if (in.readNBytes((int) length).length < length) {
      throw new IOException("connection closed in the middle of an answer");
    }
    return !close;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b == -1) {
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.US_ASCII);
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
    return bytes.toString(StandardCharsets.US_ASCII);
  }

  private static void close(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
