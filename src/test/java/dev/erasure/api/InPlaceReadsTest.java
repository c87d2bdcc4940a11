package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bodies read by the socket straight into native memory ({@link InPlaceReads}) on the default
 * transport: most of an object body with a Content-Length arrives in place, and every answer is
 * the one a copied body gets (the same object sent chunked, which is never read in place), also for
 * a body that trickles in, for pipelined requests whose bytes follow each other on the socket, and
 * for a client that goes away mid-body (after each test all native memory is back, ApiTestBase).
 */
@QuarkusTest
class InPlaceReadsTest extends ApiTestBase {

    @Test
    void objectBodiesArriveInPlaceAndAnswerAsCopiedOnes() throws IOException {
        for (int size : new int[] {1 << 20, 300_001}) {
            byte[] object = ShardSets.randomBytes(new Random(size), size);
            String query = size == 1 << 20 ? "k=10&m=4" : "k=4&m=2";
            try (RawHttp http = new RawHttp()) {
                InputStream in = http.socket.getInputStream();
                warmUp(http);

                long before = InPlaceReads.BYTES.sum();
                http.send(head("POST /v1/encode?" + query, "Content-Length: " + size));
                http.send(object, 0, size);
                Answer inPlace = answer(in);
                assertThat(InPlaceReads.BYTES.sum() - before).as("bytes of %d read in place", size).isGreaterThan(size / 2);

                before = InPlaceReads.BYTES.sum();
                sendChunked(http, "POST /v1/encode?" + query, object);
                Answer copied = answer(in);
                assertThat(InPlaceReads.BYTES.sum() - before).as("a chunked body is not read in place").isZero();

                List<ShardSets.Part> expected = ShardSets.parseMixed(copied.contentType(), copied.body());
                List<ShardSets.Part> actual = ShardSets.parseMixed(inPlace.contentType(), inPlace.body());
                assertThat(actual).hasSameSizeAs(expected);
                for (int i = 0; i < expected.size(); i++) {
                    assertThat(actual.get(i).index()).isEqualTo(expected.get(i).index());
                    assertThat(actual.get(i).crc32c()).as("CRC of shard %d", i).isEqualTo(expected.get(i).crc32c());
                    assertThat(Arrays.equals(actual.get(i).data(), expected.get(i).data())).as("shard %d", i).isTrue();
                }

                before = InPlaceReads.BYTES.sum();
                http.send(head("POST /v1/echo", "Content-Length: " + size));
                http.send(object, 0, size);
                assertThat(Arrays.equals(answer(in).body(), object)).as("echo of %d bytes", size).isTrue();
                assertThat(InPlaceReads.BYTES.sum() - before).isGreaterThan(size / 2);
            }
        }
    }

    @Test
    void aBodyThatTricklesInArrivesInPlaceInManyReads() throws Exception {
        byte[] object = ShardSets.randomBytes(new Random(7), 200_000);
        long before = InPlaceReads.BYTES.sum();
        try (RawHttp http = new RawHttp()) {
            warmUp(http);
            http.send(head("POST /v1/echo", "Content-Length: " + object.length));
            for (int at = 0; at < object.length; at += 4000) {
                http.send(object, at, Math.min(4000, object.length - at));
                Thread.sleep(2);
            }
            assertThat(Arrays.equals(answer(http.socket.getInputStream()).body(), object)).as("echoed body").isTrue();
        }
        assertThat(InPlaceReads.BYTES.sum() - before).isGreaterThan(object.length / 2);
    }

    /** Three requests written at once: each body's last byte is followed on the socket by the next request's head. */
    @Test
    void pipelinedRequestsKeepTheirOwnBytes() throws Exception {
        int[] sizes = {150_000, 70_001, 1, 65_536};
        List<byte[]> objects = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < sizes.length; i++) {
            byte[] object = ShardSets.randomBytes(new Random(i), sizes[i]);
            objects.add(object);
            all.writeBytes(("POST /v1/echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + object.length + "\r\n"
                    + (i == sizes.length - 1 ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            all.writeBytes(object);
        }
        try (RawHttp http = new RawHttp()) {
            warmUp(http);
            byte[] bytes = all.toByteArray();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    http.send(bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < sizes.length; i++) {
                assertThat(Arrays.equals(answer(http.socket.getInputStream()).body(), objects.get(i)))
                        .as("echo %d of the pipeline", i).isTrue();
            }
            writer.join();
        }
    }

    @Test
    void aClientThatGoesAwayMidBodyLeavesNothingBehind() throws Exception {
        byte[] object = ShardSets.randomBytes(new Random(9), 600_000);
        for (String path : new String[] {"/v1/encode?k=4&m=2", "/v1/echo"}) {
            try (RawHttp http = new RawHttp()) {
                warmUp(http);
                http.send(head("POST " + path, "Content-Length: 900000"));
                http.send(object, 0, object.length);
            }
        }
        byte[] echoed = given().contentType("application/octet-stream").body(object).post("/v1/echo")
                .then().statusCode(200).extract().asByteArray();
        assertThat(Arrays.equals(echoed, object)).isTrue();
    }

    /** An answer's Content-Type and body (de-chunked). */
    private record Answer(String contentType, byte[] body) {
    }

    /** One small echo first: the connection's first request installs the lender and is not read in place. */
    private static void warmUp(RawHttp http) throws IOException {
        http.send(head("POST /v1/echo", "Content-Length: 3") + "abc");
        assertThat(answer(http.socket.getInputStream()).body()).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
    }

    private static String head(String requestLine, String header) {
        return requestLine + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n" + header + "\r\n\r\n";
    }

    /** Sends {@code body} with Transfer-Encoding: chunked, in 10,000-byte chunks (never read in place). */
    private static void sendChunked(RawHttp http, String requestLine, byte[] body) throws IOException {
        http.send(head(requestLine, "Transfer-Encoding: chunked"));
        for (int at = 0; at < body.length; at += 10_000) {
            int n = Math.min(10_000, body.length - at);
            http.send(Integer.toHexString(n) + "\r\n");
            http.send(body, at, n);
            http.send("\r\n");
        }
        http.send("0\r\n\r\n");
    }

    /** Reads one 200 answer, with a Content-Length or chunked, from {@code in}. */
    private static Answer answer(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        String head = line(data);
        assertThat(head).startsWith("HTTP/1.1 200");
        String contentType = null;
        long length = -1;
        boolean chunked = false;
        for (String line = line(data); !line.isEmpty(); line = line(data)) {
            String[] kv = line.split(":", 2);
            String name = kv[0].trim().toLowerCase(java.util.Locale.ROOT);
            String value = kv[1].trim();
            switch (name) {
                case "content-type" -> contentType = value;
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                default -> { }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int n = Integer.parseInt(line(data).trim(), 16); n > 0; n = Integer.parseInt(line(data).trim(), 16)) {
                body.writeBytes(data.readNBytes(n));
                line(data);
            }
            line(data);
        } else {
            body.writeBytes(data.readNBytes((int) length));
        }
        return new Answer(contentType, body.toByteArray());
    }

    private static String line(DataInputStream data) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = data.readUnsignedByte(); c != '\n'; c = data.readUnsignedByte()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
