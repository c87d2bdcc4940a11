package dev.erasure.api.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.CancelSignal;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.Codecs;
import dev.erasure.codec.StripeShape;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The streamed stripe endpoints end to end, over raw sockets: objects are generated on the fly
 * ({@link ObjectBytes}) and responses checked as they arrive, so neither side holds an object. A
 * sampler thread watches the pool's bytes in use during every stream.
 *
 * <p>The large encode streams {@code erasure.test.stream-mib} MiB (default 256; the 1 GiB run
 * is {@code -Derasure.test.stream-mib=1024}, see docs/api.md).
 */
@QuarkusTest
@TestProfile(StreamProfile.class)
class StripeStreamTest {

    private static final int K = 10;
    private static final int M = 4;
    private static final int MIB = 1 << 20;
    /** Part headers of depth slots: one 16 KiB block of the pool. */
    private static final long HEADER_BLOCK = 64 * 1024;

    @TestHTTPResource("/")
    URI base;

    @Inject
    NativeMemoryPool pool;

    @Inject
    Codecs codecs;

    @AfterEach
    void nothingHeld() throws InterruptedException {
        for (int i = 0; i < 1000 && (pool.bytesInUse() != 0 || pool.openArenas() != 0); i++) {
            Thread.sleep(10);
        }
        assertThat(pool.bytesInUse()).as("native bytes in use after the test").isZero();
        assertThat(pool.openArenas()).as("open arenas after the test").isZero();
    }

    /** The largest value of the pool's gauge while a test runs. */
    static final class Sampler implements AutoCloseable {
        final AtomicLong max = new AtomicLong();
        private final Thread thread;
        private volatile boolean stop;

        Sampler(NativeMemoryPool pool) {
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (!stop) {
                    max.accumulateAndGet(pool.bytesInUse(), Math::max);
                    try {
                        Thread.sleep(0, 200_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }

    // ---- encode ----------------------------------------------------------------------------------

    @Test
    void encode_largeObjectStreamedInBoundedMemory() throws Exception {
        long size = Long.getLong("erasure.test.stream-mib", 256) * MIB + 12_345; // a partial last stripe
        int cell = MIB;
        ObjectBytes object = new ObjectBytes(42);
        long bound = (long) StreamProfile.DEPTH * (K + M) * cell + HEADER_BLOCK;
        try (Sampler sampler = new Sampler(pool); StreamClient client = new StreamClient(base.getPort())) {
            CompletableFuture<Void> writer = sendObject(client, "/v1/stripes/encode?k=" + K + "&m=" + M + "&cell=" + cell,
                    object, size, false);
            EncodeCheck check = readEncodeStream(client, object, size, cell, 17);
            writer.get(60, TimeUnit.SECONDS);
            assertThat(check.stripes).isEqualTo((size + (long) K * cell - 1) / ((long) K * cell));
            sampler.close();
            assertThat(sampler.max.get()).as("native bytes in use during the stream (bound %d)", bound)
                    .isPositive().isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void encode_chunkedBodyOfOddSize() throws Exception {
        long size = 3 * 4 * 4096 + 777;
        ObjectBytes object = new ObjectBytes(7);
        try (StreamClient client = new StreamClient(base.getPort())) {
            CompletableFuture<Void> writer = sendObject(client, "/v1/stripes/encode?k=4&m=2&cell=4096&codec=rs-cauchy",
                    object, size, true);
            EncodeCheck check = readEncodeStream(client, object, size, 4096, 4, 2, CodecKind.RS_CAUCHY, 1);
            writer.get(60, TimeUnit.SECONDS);
            assertThat(check.stripes).isEqualTo(4);
            assertThat(client.headers).doesNotContainKey("object-size");
        }
    }

    /** What {@link #readEncodeStream} saw. */
    record EncodeCheck(long stripes) {
    }

    private EncodeCheck readEncodeStream(StreamClient client, ObjectBytes object, long size, int cell, int sampleEvery)
            throws Exception {
        return readEncodeStream(client, object, size, cell, K, M, CodecKind.RS_VANDERMONDE, sampleEvery);
    }

    /**
     * Reads an encode response part by part: every data cell equals its slice of the object (zero
     * padded), every Shard-CRC32C matches its cell, parity equals a local encode for every
     * {@code sampleEvery}-th stripe and the last, and the final part gives the size, the stripe count
     * and the CRC-32C of each whole shard.
     */
    private EncodeCheck readEncodeStream(StreamClient client, ObjectBytes object, long size, int cell, int k, int m,
            CodecKind kind, int sampleEvery) throws Exception {
        client.readHead();
        assertThat(client.status).isEqualTo(200);
        assertThat(client.headers.get("content-type")).startsWith("multipart/mixed; boundary=");
        assertThat(client.headers.get("cell-size")).isEqualTo(Integer.toString(cell));
        StreamClient.Parts parts = new StreamClient.Parts(client.body(), client.boundary());
        long stripeBytes = (long) k * cell;
        long stripes = (size + stripeBytes - 1) / stripeBytes;
        byte[][] cells = new byte[k + m][cell];
        byte[] expected = new byte[cell];
        CRC32C[] shardCrcs = new CRC32C[k + m];
        for (int i = 0; i < k + m; i++) {
            shardCrcs[i] = new CRC32C();
        }
        for (long s = 0; s < stripes; s++) {
            for (int i = 0; i < k + m; i++) {
                Map<String, String> headers = parts.next();
                assertThat(headers).as("stripe %d shard %d", s, i).isNotNull()
                        .containsEntry("stripe-index", Long.toString(s))
                        .containsEntry("shard-index", Integer.toString(i));
                parts.body(cells[i], cell);
                CRC32C crc = new CRC32C();
                crc.update(cells[i]);
                assertThat(headers.get("shard-crc32c")).isEqualTo(String.format("%08x", crc.getValue()));
                shardCrcs[i].update(cells[i]);
                if (i < k) {
                    long from = s * stripeBytes + (long) i * cell;
                    int real = (int) Math.max(0, Math.min(cell, size - from));
                    Arrays.fill(expected, (byte) 0);
                    object.fill(from, expected, 0, real);
                    if (!Arrays.equals(cells[i], expected)) {
                        throw new AssertionError("stripe " + s + " data cell " + i + " differs from the object");
                    }
                }
            }
            if (s % sampleEvery == 0 || s == stripes - 1) {
                assertParity(kind, k, m, cells, cell, s);
            }
        }
        Map<String, String> last = parts.next();
        assertThat(last).containsEntry("content-type", "application/json");
        JsonObject summary = new JsonObject(parts.text());
        assertThat(summary.getLong("objectSize")).isEqualTo(size);
        assertThat(summary.getLong("stripes")).isEqualTo(stripes);
        assertThat(summary.getInteger("cell")).isEqualTo(cell);
        for (int i = 0; i < k + m; i++) {
            assertThat(summary.getJsonArray("shardCrc32c").getString(i)).as("shard %d", i)
                    .isEqualTo(String.format("%08x", shardCrcs[i].getValue()));
        }
        assertThat(parts.next()).as("closing delimiter").isNull();
        assertThat(client.body().read()).as("end of the chunked body").isEqualTo(-1);
        return new EncodeCheck(stripes);
    }

    private void assertParity(CodecKind kind, int k, int m, byte[][] cells, int cell, long stripe) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] shards = new MemorySegment[k + m];
            for (int i = 0; i < k + m; i++) {
                shards[i] = arena.allocate(cell, 64);
                if (i < k) {
                    MemorySegment.copy(cells[i], 0, shards[i], ValueLayout.JAVA_BYTE, 0, cell);
                }
            }
            codecs.get(new StripeShape(kind, k, m)).encode(shards, CancelSignal.NEVER);
            for (int i = k; i < k + m; i++) {
                if (!Arrays.equals(shards[i].toArray(ValueLayout.JAVA_BYTE), cells[i])) {
                    throw new AssertionError("stripe " + stripe + " parity cell " + i + " differs from a local encode");
                }
            }
        }
    }

    /** Sends the object as the request body from another thread (Content-Length or chunked). */
    private static CompletableFuture<Void> sendObject(StreamClient client, String target, ObjectBytes object, long size,
            boolean chunked) throws IOException {
        client.send("POST " + target + " HTTP/1.1\r\nHost: test\r\nContent-Type: application/octet-stream\r\n"
                + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + size + "\r\n") + "\r\n");
        return CompletableFuture.runAsync(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                for (long sent = 0; sent < size; ) {
                    int n = (int) Math.min(buffer.length, size - sent);
                    object.fill(sent, buffer, 0, n);
                    if (chunked) {
                        client.chunk(buffer, 0, n);
                    } else {
                        client.out.write(buffer, 0, n);
                    }
                    sent += n;
                }
                if (chunked) {
                    client.lastChunk();
                }
                client.out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Thread::startVirtualThread);
    }
}
