package dev.stockroom.common.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A POST whose head and first bytes of body are sent, the rest held back: a request that stays in
 * flight until the test says so (for drain and load-shedding tests).
 */
public final class HalfSentRequest implements AutoCloseable {
  private final Socket socket;
  private final String rest;

  public HalfSentRequest(int port, String path, String token, String json, int sentBytes)
      throws IOException {
    socket = new Socket("localhost", port);
    rest = json.substring(sentBytes);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + token
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + json.length()
                + "\r\n\r\n"
                + json.substring(0, sentBytes))
            .getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Sends the rest of the body and answers the response's status line. */
  public String finish() throws IOException {
    socket.getOutputStream().write(rest.getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().flush();
    return new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
        .readLine();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
