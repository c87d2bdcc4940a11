package dev.erasure.api.stream;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 client on a socket for streamed requests and responses: the body is written as it
 * is produced and the response read as it arrives (chunked transfer decoded, multipart parts read
 * one at a time), so a test never holds a whole object. Knows only what the tests need.
 */
final class StreamClient implements AutoCloseable {

    final Socket socket;
    final OutputStream out;
    final InputStream in;
    int status;
    final Map<String, String> headers = new HashMap<>();
    private InputStream body;

    StreamClient(int port) throws IOException {
        socket = new Socket("localhost", port);
        socket.setSoTimeout(120_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    }

    void send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes one chunk of a chunked request body. */
    void chunk(byte[] bytes, int from, int length) throws IOException {
        if (length == 0) {
            return;
        }
        send(Integer.toHexString(length) + "\r\n");
        out.write(bytes, from, length);
        send("\r\n");
    }

    void lastChunk() throws IOException {
        send("0\r\n\r\n");
        out.flush();
    }

    /** Reads the status line and headers; the body is then read through {@link #body()}. */
    void readHead() throws IOException {
        String statusLine = line(in);
        status = Integer.parseInt(statusLine.split(" ")[1]);
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
        }
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = new Chunked(in);
        } else {
            body = new Limited(in, Long.parseLong(headers.getOrDefault("content-length", "0")));
        }
    }

    InputStream body() {
        return body;
    }

    String boundary() {
        String type = headers.get("content-type");
        return type.substring(type.indexOf("boundary=") + "boundary=".length());
    }

    /** Reads the whole (small) body as text. */
    String bodyText() throws IOException {
        return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("connection closed in a line: " + line.toString(StandardCharsets.ISO_8859_1));
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    static void readFully(InputStream in, byte[] target, int from, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int n = in.read(target, from + done, length - done);
            if (n < 0) {
                throw new EOFException("connection closed after " + done + " of " + length + " bytes");
            }
            done += n;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A chunked transfer-encoded body; a connection closed before the last chunk is an EOFException. */
    static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int from, int length) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                left = Long.parseLong(size.split(";")[0].trim(), 16);
                if (left == 0) {
                    line(in); // the empty line after the last chunk (no trailers)
                    done = true;
                    return -1;
                }
            }
            int n = in.read(target, from, (int) Math.min(length, left));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            left -= n;
            if (left == 0) {
                line(in);
            }
            return n;
        }
    }

    /** A body of Content-Length bytes; a connection closed before is an EOFException. */
    static final class Limited extends InputStream {
        private final InputStream in;
        private long left;

        Limited(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int from, int length) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(target, from, (int) Math.min(length, left));
            if (n < 0) {
                throw new EOFException("connection closed with " + left + " bytes of the body missing");
            }
            left -= n;
            return n;
        }
    }

    /** Reads a multipart body part by part; octet-stream parts are read into a caller's array. */
    static final class Parts {
        private final InputStream in;
        private final byte[] delimiter;
        private boolean ended;
        /** A part body was read up to its end; its delimiter is read when the next part is asked for. */
        private boolean delimiterDue;

        Parts(InputStream in, String boundary) throws IOException {
            this.in = in;
            this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
            byte[] first = new byte[delimiter.length - 2];
            readFully(in, first, 0, first.length);
            if (!new String(first, StandardCharsets.ISO_8859_1).equals("--" + boundary)) {
                throw new IOException("body does not start with the boundary");
            }
        }

        /** The next part's headers (lower-case names), or null after the closing delimiter. */
        Map<String, String> next() throws IOException {
            if (ended) {
                return null;
            }
            if (delimiterDue) {
                expectDelimiter();
                delimiterDue = false;
            }
            byte[] two = new byte[2];
            readFully(in, two, 0, 2);
            if (two[0] == '-' && two[1] == '-') {
                ended = true;
                line(in);
                return null;
            }
            Map<String, String> part = new HashMap<>();
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                part.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
            }
            return part;
        }

        /** Reads a part body of exactly {@code length} bytes (its delimiter is read by the next {@link #next()}). */
        void body(byte[] target, int length) throws IOException {
            readFully(in, target, 0, length);
            delimiterDue = true;
        }

        /** Reads a (small) part body up to its delimiter. */
        String text() throws IOException {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < delimiter.length) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("connection closed inside a part");
                }
                if (b == (delimiter[matched] & 0xff)) {
                    matched++;
                } else {
                    text.write(delimiter, 0, matched);
                    matched = b == (delimiter[0] & 0xff) ? 1 : 0;
                    if (matched == 0) {
                        text.write(b);
                    }
                }
            }
            return text.toString(StandardCharsets.UTF_8);
        }

        private void expectDelimiter() throws IOException {
            byte[] read = new byte[delimiter.length];
            readFully(in, read, 0, read.length);
            if (!java.util.Arrays.equals(read, delimiter)) {
                throw new IOException("part body not followed by the delimiter");
            }
        }
    }
}
