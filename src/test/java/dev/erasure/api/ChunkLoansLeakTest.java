package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.LogCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lent body chunks ({@link ChunkLoans}) never leak a pooled Netty buffer, on every path a body can
 * take: read to the end (octet-stream, multipart, JSON), answered early while it still arrives (400,
 * 415, 413 mid-body), cut off as too slow (408), abandoned by the client mid-body, queued behind a
 * pipelined request (the chunk is copied at the end of its loan), and sent to a route that never
 * reads it. Netty's leak detector runs at PARANOID (every buffer tracked) for the whole class; after
 * the traffic the test collects garbage and allocates again, which makes the detector report every
 * buffer that was collected unreleased, and asserts that it reported none. A first test proves that
 * the detector does report, in this setup, a buffer leaked on purpose.
 */
@QuarkusTest
@TestProfile(ChunkLoansLeakTest.Limits.class)
class ChunkLoansLeakTest extends ApiTestBase {

    /** 1 MiB bodies; a body may take at most 1 s to arrive. */
    public static class Limits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("erasure.api.max-body-size", "1M", "erasure.api.max-body-time", "1s");
        }
    }

    private static ResourceLeakDetector.Level before;

    @BeforeAll
    static void paranoid() {
        before = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterAll
    static void restore() {
        ResourceLeakDetector.setLevel(before);
    }

    @Test
    void theDetectorReportsABufferLeakedOnPurpose() throws Exception {
        try (LogCapture log = LogCapture.of(ResourceLeakDetector.class)) {
            leakOne();
            collectAndReport(() -> !log.errors().isEmpty());
            assertThat(log.errors()).anyMatch(line -> line.startsWith("LEAK: ByteBuf.release() was not called"));
        }
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(4096);
        leaked.writeInt(42);
    }

    @Test
    void noPathLeaksAPooledBuffer() throws Exception {
        long lentBefore = ChunkLoans.LENT.sum();
        long copiedBefore = ChunkLoans.COPIED.sum();
        try (LogCapture log = LogCapture.of(ResourceLeakDetector.class)) {
            for (int round = 0; round < 3; round++) {
                everyPath(round);
            }
            collectAndReport(() -> false);
            assertThat(log.errors()).as("leak reports").isEmpty();
        }
        assertThat(ChunkLoans.LENT.sum() - lentBefore).as("chunks lent").isGreaterThan(100);
        assertThat(ChunkLoans.COPIED.sum() - copiedBefore).as("lent chunks copied at the end of their loan")
                .isPositive();
    }

    private void everyPath(int round) throws Exception {
        Random random = new Random(round);
        byte[] object = ShardSets.randomBytes(random, 700_000);

        // Read to the end: echo, encode, then the shards back as multipart and as JSON.
        byte[] echoed = given().contentType("application/octet-stream").body(object).post("/v1/echo")
                .then().statusCode(200).extract().asByteArray();
        assertThat(echoed).isEqualTo(object);
        Response encoded = given().contentType("application/octet-stream").body(object).post("/v1/encode?k=4&m=2");
        assertThat(encoded.statusCode()).isEqualTo(200);
        List<ShardSets.Part> shards = ShardSets.parseMixed(encoded.contentType(), encoded.asByteArray());
        byte[] decoded = given().contentType(ShardSets.mixedContentType())
                .body(ShardSets.multipartMixed(shards.subList(2, 6), true))
                .post("/v1/decode?k=4&m=2&size=" + object.length).then().statusCode(200).extract().asByteArray();
        assertThat(decoded).isEqualTo(object);
        given().contentType("application/json").body(ShardSets.json(shards.subList(0, 4)))
                .post("/v1/parity?k=4&m=2").then().statusCode(200);

        // Answered early while the body arrives: a bad query (400), a wrong Content-Type (415).
        earlyAnswer("POST /v1/encode?k=0&m=2", "application/octet-stream", 600_000, "HTTP/1.1 400");
        earlyAnswer("POST /v1/encode?k=4&m=2", "text/plain", 600_000, "HTTP/1.1 415");

        // 413 while a chunked body is still arriving.
        try (RawHttp http = new RawHttp()) {
            http.send("POST /v1/echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = ("10000\r\n" + "y".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 20; i++) {
                        http.send(chunk, 0, chunk.length);
                    }
                    http.send("0\r\n\r\n");
                } catch (IOException closedAfterTheAnswer) {
                    // expected once the server has answered and closed
                }
            });
            assertThat(http.readUntil("}")).startsWith("HTTP/1.1 413");
            writer.join();
        }

        // 408: part of the body, then nothing.
        try (RawHttp http = new RawHttp()) {
            http.send("POST /v1/echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 500000\r\n\r\n");
            http.send(object, 0, 100_000);
            assertThat(http.readUntil("}")).startsWith("HTTP/1.1 408");
        }

        // The client goes away mid-body.
        try (RawHttp http = new RawHttp()) {
            http.send("POST /v1/encode?k=4&m=2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: 900000\r\n\r\n");
            http.send(object, 0, 300_000);
        }

        // Pipelined: the second request's body arrives while the first one's job runs, so Vert.x
        // queues its chunks (paused request) and the loans end by copying them.
        try (RawHttp http = new RawHttp()) {
            byte[] head = ("POST /v1/encode?k=4&m=2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + object.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] echoHead = ("POST /v1/echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + object.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            java.io.ByteArrayOutputStream both = new java.io.ByteArrayOutputStream();
            both.writeBytes(head);
            both.writeBytes(object);
            both.writeBytes(echoHead);
            both.writeBytes(object);
            byte[] bytes = both.toByteArray();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    http.send(bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] answers = http.socket.getInputStream().readAllBytes();
            writer.join();
            String text = new String(answers, StandardCharsets.ISO_8859_1);
            int second = text.indexOf("HTTP/1.1 200", 1);
            assertThat(text).startsWith("HTTP/1.1 200");
            assertThat(second).as("second answer").isPositive();
            byte[] tail = java.util.Arrays.copyOfRange(answers, answers.length - object.length, answers.length);
            assertThat(java.util.Arrays.equals(tail, object)).as("echoed body of the pipelined request equals the sent one")
                    .isTrue();
        }

        // A route that never reads its body.
        given().contentType("application/octet-stream").body(object).post("/v1/nothing-here").then().statusCode(404);
        given().contentType("application/octet-stream").body(object).put("/v1/echo").then().statusCode(405);
    }

    private static void earlyAnswer(String requestLine, String contentType, int length, String status) throws Exception {
        try (RawHttp http = new RawHttp()) {
            http.send(requestLine + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: " + length + "\r\n\r\n");
            byte[] body = new byte[length];
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    http.send(body, 0, body.length);
                } catch (IOException closedAfterTheAnswer) {
                    // the server may close before all of it is sent
                }
            });
            assertThat(http.readUntil("}")).startsWith(status);
            writer.join();
        }
    }

    /**
     * Collects garbage and allocates tracked buffers again, several times: the detector reports a
     * leaked buffer on the first allocation after the buffer was collected. Stops early when
     * {@code done} holds.
     */
    private static void collectAndReport(java.util.function.BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 10 && !done.getAsBoolean(); i++) {
            System.gc();
            Thread.sleep(50);
            for (int j = 0; j < 100; j++) {
                PooledByteBufAllocator.DEFAULT.directBuffer(256).release();
            }
            given().contentType("application/octet-stream").body(new byte[1000]).post("/v1/echo").then().statusCode(200);
        }
    }
}
