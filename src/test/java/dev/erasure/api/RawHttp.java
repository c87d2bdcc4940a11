package dev.erasure.api;

import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A bare HTTP/1.1 client on a socket, for what rest-assured cannot do: stop mid-body, close without reading. */
final class RawHttp implements AutoCloseable {

    final Socket socket;
    final OutputStream out;

    RawHttp() throws IOException {
        socket = new Socket("localhost", RestAssured.port);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
    }

    void send(String head) throws IOException {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    void send(byte[] bytes, int from, int length) throws IOException {
        out.write(bytes, from, length);
        out.flush();
    }

    /** Reads until the server closes or {@code marker} has been read; returns what was read as text. */
    String readUntil(String marker) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) > 0) {
            read.write(buffer, 0, n);
            if (read.toString(StandardCharsets.ISO_8859_1).contains(marker)) {
                break;
            }
        }
        return read.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
