package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Limits, saturation and dropped connections under {@link SmallLimitsProfile}: 413 for bodies over
 * the limit (declared or streamed), 400 for too many parts or oversized part headers, 503 +
 * Retry-After when the single worker and its one-slot queue are busy, and cancellation when clients
 * vanish. Native memory never exceeds the budget and returns to idle after each test.
 */
@QuarkusTest
@TestProfile(SmallLimitsProfile.class)
class SmallLimitsTest extends ApiTestBase {

    /** A slow stripe on the scalar kernel: 56 parity shards of 300,000 / 200 bytes. */
    private static final String SLOW = "/v1/encode?k=200&m=56";
    private static final int OBJECT = 300_000;

    @Inject
    MeterRegistry registry;

    @Test
    void declaredBodyOverTheLimitIsRefusedBeforeAnyByteIsRead() throws Exception {
        try (RawHttp http = new RawHttp()) {
            http.send("POST /v1/encode?k=2&m=1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: 2000000\r\n\r\n");
            String answer = http.readUntil("}");
            assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json")
                    .contains("\"type\":\"/problems/body-too-large\"")
                    .contains("request body has 2000000 bytes, more than the limit of 1048576 bytes");
        }
    }

    /**
     * A chunked body (no Content-Length) that grows past the limit. Sent from a raw socket by a
     * writer thread while the test reads, as a careful client does (it watches for an early answer
     * while it still sends, RFC 9112 section 9.5), and on a fresh connection of its own.
     */
    @Test
    void streamedBodyOverTheLimitIsRefusedWhileStreaming() throws Exception {
        long bodyBytes = SmallLimitsProfile.BODY_LIMIT + 100_000;
        try (RawHttp http = new RawHttp()) {
            http.send("POST /v1/encode?k=2&m=1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = ("4000\r\n" + "x".repeat(0x4000) + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    for (long sent = 0; sent < bodyBytes; sent += 0x4000) {
                        http.send(chunk, 0, chunk.length);
                    }
                    http.send("0\r\n\r\n");
                } catch (java.io.IOException closedAfterTheAnswer) {
                    // the answer below is what counts
                }
            });
            String answer = http.readUntil("}");
            writer.join();
            assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json")
                    .contains("\"type\":\"/problems/body-too-large\"")
                    .contains("more than the limit of 1048576 bytes");
        }
        given().contentType("application/octet-stream").body(new byte[] {1, 2, 3}).post("/v1/encode?k=2&m=1")
                .then().statusCode(200);
    }

    @Test
    void partCountAndPartHeaderSizeAreBounded() {
        List<ShardSets.Part> nine = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            nine.add(new ShardSets.Part(i, new byte[] {(byte) i}));
        }
        ProblemsTest.assertProblem(given().contentType(ShardSets.mixedContentType())
                .body(ShardSets.multipartMixed(nine, true)).post("/v1/reconstruct?k=6&m=4"), 400, "malformed-body",
                "shard set has more than 8 parts (limit 8)");
        String longHeader = "--b\r\nShard-Index: 0\r\nX-Padding: " + "p".repeat(300) + "\r\n\r\nabc\r\n--b--\r\n";
        ProblemsTest.assertProblem(given().contentType("multipart/mixed; boundary=b")
                .body(longHeader.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).post("/v1/reconstruct?k=2&m=1"),
                400, "malformed-body", "header block of part 1 exceeds 256 bytes (limit 256)");
    }

    @Test
    void saturationAnswers503WithRetryAfterAndMemoryStaysWithinTheBudget() throws Exception {
        byte[] object = ShardSets.randomBytes(new Random(1), OBJECT);
        AtomicLong peak = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().start(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(pool.bytesInUse(), Math::max);
                Thread.onSpinWait();
            }
        });
        int clients = 12;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Response>> answers = new ArrayList<>();
        try (ExecutorService executor = Executors.newFixedThreadPool(clients)) {
            for (int i = 0; i < clients; i++) {
                answers.add(executor.submit(() -> {
                    start.await();
                    return given().contentType("application/octet-stream").body(object).post(SLOW);
                }));
            }
            start.countDown();
            int ok = 0;
            int unavailable = 0;
            for (Future<Response> answer : answers) {
                Response response = answer.get();
                if (response.statusCode() == 200) {
                    ok++;
                } else {
                    unavailable++;
                    response.then().statusCode(503).header("Retry-After", "2");
                    assertThat(response.jsonPath().getString("type")).isIn("/problems/overloaded");
                }
            }
            assertThat(ok).as("accepted jobs complete").isGreaterThanOrEqualTo(1);
            assertThat(unavailable).as("a single worker with a one-slot queue refuses the rest").isGreaterThanOrEqualTo(1);
        } finally {
            sampling.set(false);
            sampler.join();
        }
        assertThat(peak.get()).as("native bytes in use at peak").isLessThanOrEqualTo(SmallLimitsProfile.BUDGET);
        given().contentType("application/octet-stream").body(new byte[] {9}).post("/v1/encode?k=2&m=1")
                .then().statusCode(200);
    }

    @Test
    void droppedConnectionsCancelTheirJobsAndFreeTheirMemory() throws Exception {
        double cancelledBefore = cancellations();
        byte[] object = ShardSets.randomBytes(new Random(2), OBJECT);
        Random random = new Random(3);
        String head = "POST " + SLOW + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: " + OBJECT + "\r\n\r\n";
        for (int i = 0; i < 10; i++) {
            try (RawHttp http = new RawHttp()) {
                http.send(head);
                http.send(object, 0, random.nextInt(OBJECT));
            }
        }
        for (int i = 0; i < 3; i++) {
            try (RawHttp http = new RawHttp()) {
                http.send(head);
                http.send(object, 0, OBJECT);
            }
        }
        for (int i = 0; i < 1000 && cancellations() == cancelledBefore; i++) {
            Thread.sleep(10);
        }
        assertThat(cancellations()).as("erasure.cancellations after clients vanished with jobs in flight")
                .isGreaterThan(cancelledBefore);
        awaitIdle(pool);
        given().contentType("application/octet-stream").body(object).post(SLOW).then().statusCode(200);
    }

    private double cancellations() {
        return registry.get("erasure.cancellations").tag("reason", "job").counter().count();
    }
}
