package dev.erasure.api.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.CancelSignal;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.CodeCache;
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
import java.util.List;
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
 * <p>The large encode streams {@code streams.test.mib} MiB (default 256; the 1 GiB run
 * is {@code -Dstreams.test.mib=1024}, see docs/api.md).
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
    CodeCache codecs;

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
        long size = Long.getLong("streams.test.mib", 256) * MIB + 12_345; // a partial last stripe
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
            EncodeCheck check = readEncodeStream(codecs, client, object, size, 4096, 4, 2, CodecKind.RS_CAUCHY, 1);
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
        return readEncodeStream(codecs, client, object, size, cell, K, M, CodecKind.RS_VANDERMONDE, sampleEvery);
    }


    /**
     * Reads an encode response part by part: every data cell equals its slice of the object (zero
     * padded), every Shard-CRC32C matches its cell, parity equals a local encode for every
     * {@code sampleEvery}-th stripe and the last, and the final part gives the size, the stripe count
     * and the CRC-32C of each whole shard.
     */
    static EncodeCheck readEncodeStream(CodeCache codecs, StreamClient client, ObjectBytes object, long size, int cell,
            int k, int m, CodecKind kind, int sampleEvery) throws Exception {
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
                assertParity(codecs, kind, k, m, cells, cell, s);
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

    private static void assertParity(CodeCache codecs, CodecKind kind, int k, int m, byte[][] cells, int cell, long stripe) {
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
    static CompletableFuture<Void> sendObject(StreamClient client, String target, ObjectBytes object, long size,
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

    // ---- decode and reconstruct ------------------------------------------------------------------

    /**
     * The encode stream piped into a decode stream by the test, part by part: shards 1, 5, 8 and 12
     * (m = 4) are left out, except that in every 7th stripe shard 8 is sent with a byte flipped (its
     * Shard-CRC32C no longer matches: an erasure), and shard 0 goes without Shard-CRC32C. The decoded
     * object equals the original byte for byte; both streams together stay within their bounds.
     */
    @Test
    void decode_ofTheEncodeStream_withShardsMissingAndBrokenCells() throws Exception {
        long size = 96L * MIB + 4321;
        int cell = 256 * 1024;
        ObjectBytes object = new ObjectBytes(99);
        String shapeQuery = "k=" + K + "&m=" + M + "&cell=" + cell;
        java.util.Set<Integer> dropped = java.util.Set.of(1, 5, 8, 12);
        long bound = 2 * ((long) StreamProfile.DEPTH * (K + M) * cell + HEADER_BLOCK);
        try (Sampler sampler = new Sampler(pool);
                StreamClient encode = new StreamClient(base.getPort());
                StreamClient decode = new StreamClient(base.getPort())) {
            CompletableFuture<Void> writer = sendObject(encode, "/v1/stripes/encode?" + shapeQuery, object, size, false);
            String boundary = "pipe-boundary-1";
            decode.send("POST /v1/stripes/decode?" + shapeQuery + "&size=" + size + " HTTP/1.1\r\nHost: test\r\n"
                    + "Content-Type: multipart/mixed; boundary=" + boundary + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            CompletableFuture<Long> pipe = CompletableFuture.supplyAsync(() -> {
                try {
                    encode.readHead();
                    assertThat(encode.status).isEqualTo(200);
                    StreamClient.Parts parts = new StreamClient.Parts(encode.body(), encode.boundary());
                    byte[] body = new byte[cell];
                    boolean first = true;
                    long broken = 0;
                    for (Map<String, String> part = parts.next(); part != null; part = parts.next()) {
                        if (!part.containsKey("stripe-index")) {
                            parts.text(); // the final JSON part
                            continue;
                        }
                        parts.body(body, cell);
                        long stripe = Long.parseLong(part.get("stripe-index"));
                        int shard = Integer.parseInt(part.get("shard-index"));
                        boolean breakIt = shard == 8 && stripe % 7 == 0;
                        if (dropped.contains(shard) && !breakIt) {
                            continue;
                        }
                        if (breakIt) {
                            body[cell / 2] ^= 0x5a;
                            broken++;
                        }
                        String head = (first ? "" : "\r\n") + "--" + boundary + "\r\nStripe-Index: " + stripe
                                + "\r\nShard-Index: " + shard + "\r\n"
                                + (shard == 0 ? "" : "Shard-CRC32C: " + part.get("shard-crc32c") + "\r\n") + "\r\n";
                        first = false;
                        byte[] headBytes = head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                        decode.chunk(headBytes, 0, headBytes.length);
                        decode.chunk(body, 0, cell);
                    }
                    byte[] close = ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                    decode.chunk(close, 0, close.length);
                    decode.lastChunk();
                    return broken;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, Thread::startVirtualThread);
            decode.readHead();
            assertThat(decode.status).isEqualTo(200);
            assertThat(decode.headers).containsEntry("content-length", Long.toString(size));
            byte[] got = new byte[64 * 1024];
            byte[] expected = new byte[got.length];
            for (long read = 0; read < size; ) {
                int n = (int) Math.min(got.length, size - read);
                StreamClient.readFully(decode.body(), got, 0, n);
                object.fill(read, expected, 0, n);
                if (!Arrays.equals(got, 0, n, expected, 0, n)) {
                    throw new AssertionError("decoded bytes differ from the object in [" + read + ", " + (read + n) + ")");
                }
                read += n;
            }
            assertThat(decode.body().read()).isEqualTo(-1);
            assertThat(pipe.get(60, TimeUnit.SECONDS)).as("cells sent broken").isPositive();
            writer.get(60, TimeUnit.SECONDS);
            sampler.close();
            assertThat(sampler.max.get()).as("native bytes in use by both streams (bound %d)", bound)
                    .isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void reconstruct_givesTheWantedShardsCellsAndTheirCrcs() throws Exception {
        int k = 6;
        int m = 3;
        int cell = 1024;
        long size = 5L * k * cell - 100;
        ObjectBytes object = new ObjectBytes(5);
        byte[][][] cells = encodeInMemory(object, size, k, m, cell);
        String boundary = "rebuild";
        try (StreamClient client = new StreamClient(base.getPort())) {
            client.send("POST /v1/stripes/reconstruct?k=" + k + "&m=" + m + "&cell=" + cell + "&want=7,2"
                    + " HTTP/1.1\r\nHost: test\r\nContent-Type: multipart/mixed; boundary=" + boundary
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int s = 0; s < cells.length; s++) {
                for (int i = 0; i < k + m; i++) {
                    if (i == 2 || i == 7 || i == 4) {
                        continue; // three erasures: the two wanted shards and one more
                    }
                    byte[] head = ("\r\n--" + boundary + "\r\nStripe-Index: " + s + "\r\nShard-Index: " + i + "\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                    client.chunk(head, 0, head.length);
                    client.chunk(cells[s][i], 0, cell);
                }
            }
            byte[] close = ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            client.chunk(close, 0, close.length);
            client.lastChunk();
            client.readHead();
            assertThat(client.status).isEqualTo(200);
            StreamClient.Parts parts = new StreamClient.Parts(client.body(), client.boundary());
            CRC32C[] whole = {new CRC32C(), new CRC32C()};
            byte[] body = new byte[cell];
            for (int s = 0; s < cells.length; s++) {
                int p = 0;
                for (int shard : new int[] {2, 7}) {
                    Map<String, String> part = parts.next();
                    assertThat(part).containsEntry("stripe-index", Integer.toString(s))
                            .containsEntry("shard-index", Integer.toString(shard));
                    parts.body(body, cell);
                    assertThat(body).as("stripe %d shard %d", s, shard).isEqualTo(cells[s][shard]);
                    whole[p++].update(body);
                }
            }
            assertThat(parts.next()).containsEntry("content-type", "application/json");
            JsonObject summary = new JsonObject(parts.text());
            assertThat(summary.getLong("stripes")).isEqualTo(cells.length);
            assertThat(summary.getJsonArray("shards").getList()).containsExactly(2, 7);
            assertThat(summary.getJsonArray("shardCrc32c").getList()).containsExactly(
                    String.format("%08x", whole[0].getValue()), String.format("%08x", whole[1].getValue()));
            assertThat(parts.next()).isNull();
        }
    }

    /** Encodes a small object through the service and keeps its cells: [stripe][shard][byte]. */
    private byte[][][] encodeInMemory(ObjectBytes object, long size, int k, int m, int cell) throws Exception {
        try (StreamClient client = new StreamClient(base.getPort())) {
            CompletableFuture<Void> writer = sendObject(client, "/v1/stripes/encode?k=" + k + "&m=" + m + "&cell=" + cell,
                    object, size, false);
            client.readHead();
            assertThat(client.status).isEqualTo(200);
            StreamClient.Parts parts = new StreamClient.Parts(client.body(), client.boundary());
            int stripes = (int) ((size + (long) k * cell - 1) / ((long) k * cell));
            byte[][][] cells = new byte[stripes][k + m][cell];
            for (int s = 0; s < stripes; s++) {
                for (int i = 0; i < k + m; i++) {
                    parts.next();
                    parts.body(cells[s][i], cell);
                }
            }
            writer.get(60, TimeUnit.SECONDS);
            return cells;
        }
    }

    // ---- back-pressure, disconnects, failures ----------------------------------------------------

    /**
     * A client that sends a 1 GiB object and never reads the response: the service stops reading once
     * its pipeline is full, so the bytes the client manages to send stay far below the object (the
     * pipeline plus the sockets' buffers) while the native bytes stay within their bound. Closing the
     * connection then frees everything ({@link #nothingHeld}).
     */
    @Test
    void slowReader_pausesTheRequest_andADisconnectFreesEverything() throws Exception {
        int cell = 64 * 1024;
        long size = 1024L * MIB;
        long bound = (long) StreamProfile.DEPTH * (K + M) * cell + HEADER_BLOCK;
        AtomicLong sent = new AtomicLong();
        StreamClient client = new StreamClient(base.getPort());
        try (Sampler sampler = new Sampler(pool)) {
            client.send("POST /v1/stripes/encode?k=" + K + "&m=" + M + "&cell=" + cell + " HTTP/1.1\r\nHost: test\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + size + "\r\n\r\n");
            CompletableFuture<IOException> writer = sendUntilCut(client, new ObjectBytes(3), size, sent);
            long last = -1;
            int still = 0;
            for (int i = 0; i < 600 && still < 10; i++) { // until the count stops moving for 2 s (at most 2 min)
                Thread.sleep(200);
                long now = sent.get();
                still = now == last ? still + 1 : 0;
                last = now;
            }
            assertThat(sent.get()).as("bytes the client could send while nobody reads the response")
                    .isLessThan(64L * MIB);
            sampler.close();
            assertThat(sampler.max.get()).as("native bytes in use (bound %d)", bound).isLessThanOrEqualTo(bound);
            client.close();
            writer.get(30, TimeUnit.SECONDS); // the socket is closed: the writer has stopped
        } finally {
            client.close();
        }
    }

    /**
     * Writes the object's bytes (a body of {@code size} bytes, its head already sent) from a virtual
     * thread, counting them in {@code sent}; completes with the IOException that stopped it (the
     * connection was closed) or null when the whole body was written.
     */
    static CompletableFuture<IOException> sendUntilCut(StreamClient client, ObjectBytes object, long size,
            AtomicLong sent) {
        CompletableFuture<IOException> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                while (sent.get() < size) {
                    int n = (int) Math.min(buffer.length, size - sent.get());
                    object.fill(sent.get(), buffer, 0, n);
                    client.out.write(buffer, 0, n);
                    sent.addAndGet(n);
                }
                result.complete(null);
            } catch (IOException e) {
                result.complete(e);
            }
        });
        return result;
    }

    /**
     * Stripe 1 arrives with fewer than k cells after stripe 0 was answered: the stream ends with a
     * problem part (422) and the closing delimiter, and the chunked body is never terminated.
     */
    @Test
    void failureMidStream_endsWithAProblemPart_andNoEndOfBody() throws Exception {
        int k = 4;
        int m = 2;
        int cell = 4096;
        byte[][][] cells = encodeInMemory(new ObjectBytes(8), 3L * k * cell, k, m, cell);
        String boundary = "midway";
        try (StreamClient client = new StreamClient(base.getPort())) {
            client.send("POST /v1/stripes/reconstruct?k=" + k + "&m=" + m + "&cell=" + cell + "&want=0 HTTP/1.1\r\n"
                    + "Host: test\r\nContent-Type: multipart/mixed; boundary=" + boundary
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            java.util.function.BiConsumer<Integer, Integer> part = (s, i) -> {
                try {
                    byte[] head = ("\r\n--" + boundary + "\r\nStripe-Index: " + s + "\r\nShard-Index: " + i + "\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                    client.chunk(head, 0, head.length);
                    client.chunk(cells[s][i], 0, cell);
                    client.out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            for (int i = 0; i < k + m; i++) {
                part.accept(0, i);
            }
            part.accept(1, 0); // stripe 0 is complete now
            client.readHead();
            assertThat(client.status).isEqualTo(200);
            StreamClient.Parts parts = new StreamClient.Parts(client.body(), client.boundary());
            assertThat(parts.next()).containsEntry("stripe-index", "0");
            byte[] body = new byte[cell];
            parts.body(body, cell);
            assertThat(body).isEqualTo(cells[0][0]);
            part.accept(1, 1);
            part.accept(1, 2); // three cells, k = 4
            part.accept(2, 0);
            Map<String, String> problem = parts.next();
            assertThat(problem).containsEntry("content-type", "application/problem+json");
            JsonObject json = new JsonObject(parts.text());
            assertThat(json.getInteger("status")).isEqualTo(422);
            assertThat(json.getString("detail")).contains("stripe 1");
            assertThat(parts.next()).as("closing delimiter after the problem").isNull();
            assertThatThrownBy(() -> client.body().read()).as("the chunked body is never ended")
                    .isInstanceOf(EOFException.class);
        }
    }

    // ---- failures and disconnects mid-stream, decode and reconstruct ------------------------------

    /** The shape of the mid-stream cases: 3 stripes of k = 4, m = 2 cells of 4 KiB (the last partial). */
    private static final int MK = 4;
    private static final int MM = 2;
    private static final int MCELL = 4096;
    private static final long MSIZE = 3L * MK * MCELL - 100;

    /** A decode or reconstruct request whose response has started: stripe 0 was answered. */
    private record Started(StreamClient client, String boundary, byte[][][] cells, StreamClient.Parts parts) {
    }

    /**
     * Opens {@code /v1/stripes/decode} (want == null) or {@code /v1/stripes/reconstruct?want=...}
     * for the object of seed 11, sends stripe 0 whole (with CRCs) and the first cell of stripe 1
     * (which completes stripe 0), and reads stripe 0's answer: the object's first k * cell bytes, or
     * the part of the first wanted shard (checked).
     */
    private Started startCellStream(String want) throws Exception {
        byte[][][] cells = encodeInMemory(new ObjectBytes(11), MSIZE, MK, MM, MCELL);
        String boundary = "cells-midway";
        StreamClient client = new StreamClient(base.getPort());
        String query = "k=" + MK + "&m=" + MM + "&cell=" + MCELL
                + (want == null ? "&size=" + MSIZE : "&want=" + want);
        client.send("POST /v1/stripes/" + (want == null ? "decode" : "reconstruct") + "?" + query + " HTTP/1.1\r\n"
                + "Host: test\r\nContent-Type: multipart/mixed; boundary=" + boundary
                + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < MK + MM; i++) {
            sendCell(client, boundary, 0, i, crc(cells[0][i]), cells[0][i]);
        }
        sendCell(client, boundary, 1, 0, crc(cells[1][0]), cells[1][0]);
        client.readHead();
        assertThat(client.status).isEqualTo(200);
        if (want == null) {
            byte[] first = new byte[MK * MCELL];
            StreamClient.readFully(client.body(), first, 0, first.length);
            byte[] expected = new byte[first.length];
            new ObjectBytes(11).fill(0, expected, 0, expected.length);
            assertThat(first).as("stripe 0 of the decoded object").isEqualTo(expected);
            return new Started(client, boundary, cells, null);
        }
        StreamClient.Parts parts = new StreamClient.Parts(client.body(), client.boundary());
        int first = Integer.parseInt(want.split(",")[0]);
        assertThat(parts.next()).containsEntry("stripe-index", "0").containsEntry("shard-index", Integer.toString(first));
        byte[] body = new byte[MCELL];
        parts.body(body, MCELL);
        assertThat(body).isEqualTo(cells[0][first]);
        return new Started(client, boundary, cells, parts);
    }

    /** One part of a cells body, as two chunks (headers, then the body), flushed. */
    private static void sendCell(StreamClient client, String boundary, long stripe, int shard, String crc, byte[] body)
            throws IOException {
        byte[] head = ("\r\n--" + boundary + "\r\nStripe-Index: " + stripe + "\r\nShard-Index: " + shard + "\r\n"
                + (crc == null ? "" : "Shard-CRC32C: " + crc + "\r\n") + "\r\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        client.chunk(head, 0, head.length);
        client.chunk(body, 0, body.length);
        client.out.flush();
    }

    private static String crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return String.format("%08x", crc.getValue());
    }

    private static byte[] flipped(byte[] cell) {
        byte[] copy = cell.clone();
        copy[copy.length / 3] ^= 0x21;
        return copy;
    }

    /** What a case sends of stripe 1 after its cell 0. */
    private interface Stripe1 {
        void send(Started stream) throws IOException;
    }

    /**
     * A way for stripe 1 to fail. When {@code completed}, stripe 1 is only complete (and fails)
     * when the next stripe's first part arrives: then the head of stripe 2's cell 0 is sent, and
     * nothing after it, so the service never has unread bytes when it closes the connection.
     */
    private record Failure(String name, Stripe1 stripe1, boolean completed, int status, String type,
            String... details) {
    }

    private static final List<Failure> FAILURES = List.of(
            new Failure("3 cells, k = 4 (found on the event loop)", stream -> {
                for (int i = 1; i <= 2; i++) {
                    sendCell(stream.client, stream.boundary, 1, i, crc(stream.cells[1][i]), stream.cells[1][i]);
                }
            }, true, 422, "/problems/too-few-shards", "stripe 1 has 3 cells"),
            new Failure("5 cells, 2 of them CRC-broken: 3 usable (found on the worker)", stream -> {
                for (int i = 1; i <= 4; i++) {
                    byte[] cell = stream.cells[1][i];
                    sendCell(stream.client, stream.boundary, 1, i, crc(cell), i == 2 || i == 3 ? flipped(cell) : cell);
                }
            }, true, 422, "/problems/too-few-shards", "stripe 1: ", "Shard-CRC32C did not match"),
            new Failure("a cell one byte longer than cell", stream -> sendCell(stream.client, stream.boundary, 1, 1,
                    null, Arrays.copyOf(stream.cells[1][1], MCELL + 1)),
                    false, 400, "/problems/invalid-shard-set", "stripe 1, shard 1", "longer than cell"),
            new Failure("a part without Shard-Index", stream -> sendHead(stream.client, stream.boundary,
                    "Stripe-Index: 1\r\n"), false, 400, "/problems/invalid-shard-set", "no Shard-Index header"));

    /** The delimiter and headers of a part (no body), flushed. */
    private static void sendHead(StreamClient client, String boundary, String headers) throws IOException {
        byte[] head = ("\r\n--" + boundary + "\r\n" + headers + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        client.chunk(head, 0, head.length);
        client.out.flush();
    }

    /** Sends stripe 1 of the failure, and the head of stripe 2's first part if that is what completes it. */
    private static void sendFailingStripe(Started stream, Failure failure) throws IOException {
        failure.stripe1.send(stream);
        if (failure.completed) {
            sendHead(stream.client, stream.boundary, "Stripe-Index: 2\r\nShard-Index: 0\r\n");
        }
    }

    /**
     * Reconstruct: a stripe s > 0 that fails (too few cells, too many CRC-broken cells, a malformed
     * part) ends the response with an application/problem+json part naming the failure, then the
     * closing delimiter, and the chunked body is never ended: the connection is closed (a reset
     * counts too), so no client can take the response for a whole one. Shard 5 is wanted: no case
     * sends it for stripe 1, so the CRC-broken cells matter (a wanted shard that arrived intact is
     * answered without any rebuilding).
     */
    @Test
    void reconstruct_failureMidStream_endsWithAProblemPart_forEachKindOfFailure() throws Exception {
        for (Failure failure : FAILURES) {
            Started stream = startCellStream("5");
            try (StreamClient client = stream.client) {
                sendFailingStripe(stream, failure);
                Map<String, String> part = stream.parts.next();
                assertThat(part).as(failure.name).containsEntry("content-type", "application/problem+json");
                JsonObject json = new JsonObject(stream.parts.text());
                assertThat(json.getInteger("status")).as(failure.name).isEqualTo(failure.status);
                assertThat(json.getString("type")).as(failure.name).endsWith(failure.type);
                assertThat(json.getString("detail")).as(failure.name).contains(failure.details);
                assertThat(stream.parts.next()).as("closing delimiter after the problem (%s)", failure.name).isNull();
                assertThatThrownBy(() -> client.body().read()).as("the chunked body is never ended (%s)", failure.name)
                        .isInstanceOf(IOException.class);
            }
            nothingHeld();
        }
    }

    /**
     * Decode answers the raw object with Content-Length, so there is no part to carry the problem:
     * a stripe s > 0 that fails (too few cells, more than m unusable with CRC-broken ones, a
     * malformed part) closes the connection after stripe 0's bytes, short of Content-Length.
     */
    @Test
    void decode_failureMidStream_cutsTheObjectShortOfContentLength() throws Exception {
        for (Failure failure : FAILURES) {
            Started stream = startCellStream(null);
            try (StreamClient client = stream.client) {
                assertThat(client.headers).containsEntry("content-length", Long.toString(MSIZE));
                sendFailingStripe(stream, failure);
                byte[] rest = new byte[(int) (MSIZE - MK * MCELL)];
                assertThatThrownBy(() -> StreamClient.readFully(client.body(), rest, 0, rest.length))
                        .as("the object is cut short (%s)", failure.name).isInstanceOf(IOException.class);
            }
            nothingHeld();
        }
    }

    /**
     * A client that disconnects from a decode or reconstruct stream whose response has started (its
     * stripes hold native memory then) gets everything freed ({@link #nothingHeld}).
     */
    @Test
    void disconnectMidStream_decodeAndReconstruct_freeEverything() throws Exception {
        for (String want : new String[] {null, "0,5"}) {
            Started stream = startCellStream(want);
            assertThat(pool.bytesInUse()).as("native bytes held by the open stream").isPositive();
            sendCell(stream.client, stream.boundary, 1, 1, null, stream.cells[1][1]);
            stream.client.close();
            nothingHeld();
        }
    }

    // ---- refusals before the first byte ----------------------------------------------------------

    @Test
    void problemsBeforeTheFirstByte_areOrdinaryProblemResponses() throws Exception {
        assertRefused("/v1/stripes/encode?k=4&m=2&cell=0", "application/octet-stream", "Content-Length: 10", 400, "cell");
        assertRefused("/v1/stripes/encode?k=4&m=2&cell=8388608", "application/octet-stream", "Content-Length: 10", 400,
                "max-cell-size");
        assertRefused("/v1/stripes/encode?k=200&m=50&cell=1048576", "application/octet-stream", "Content-Length: 10",
                400, "budget");
        assertRefused("/v1/stripes/encode?k=4&m=2", "text/plain", "Content-Length: 10", 415, "octet-stream");
        assertRefused("/v1/stripes/encode?k=4&m=2", "application/octet-stream", "Content-Length: 0", 400, "at least 1 byte");
        assertRefused("/v1/stripes/encode?k=4&m=2", "application/octet-stream", "Content-Length: 2199023255553", 413,
                "max-object-size");
        assertRefused("/v1/stripes/encode?k=4&m=2", "application/octet-stream", "Transfer-Encoding: chunked", 400,
                "at least 1 byte");
        assertRefused("/v1/stripes/decode?k=4&m=2", "multipart/mixed; boundary=x", "Content-Length: 10", 400, "size");
        assertRefused("/v1/stripes/reconstruct?k=4&m=2", "multipart/mixed; boundary=x", "Content-Length: 10", 400, "want");
        assertRefused("/v1/stripes/decode?k=4&m=2&size=5", "application/octet-stream", "Content-Length: 10", 415,
                "use multipart/mixed or multipart/form-data");
        // correction is not done per stripe: asking for it is refused, not ignored
        assertRefused("/v1/stripes/decode?k=4&m=2&size=5&correct=true", "multipart/mixed; boundary=x",
                "Content-Length: 10", 400, "correct=true is not supported by /v1/stripes/decode");
        assertRefused("/v1/stripes/reconstruct?k=4&m=2&want=1&correct=true", "multipart/mixed; boundary=x",
                "Content-Length: 10", 400, "correct=true is not supported by /v1/stripes/reconstruct");
        assertRefused("/v1/stripes/decode?k=4&m=2&size=5&correct=maybe", "multipart/mixed; boundary=x",
                "Content-Length: 10", 400, "correct must be true or false");
    }

    /** Sends a request head (and a body of 10 bytes, or an empty chunked body) and checks the problem answer. */
    private void assertRefused(String target, String contentType, String framing, int status, String detail)
            throws IOException {
        try (StreamClient client = new StreamClient(base.getPort())) {
            client.send("POST " + target + " HTTP/1.1\r\nHost: test\r\nContent-Type: " + contentType + "\r\n" + framing
                    + "\r\n\r\n");
            if (framing.equals("Transfer-Encoding: chunked")) {
                client.lastChunk();
            } else if (framing.equals("Content-Length: 10")) {
                client.send("0123456789");
            }
            client.out.flush();
            client.readHead();
            assertThat(client.status).as(target).isEqualTo(status);
            assertThat(client.headers.get("content-type")).isEqualTo("application/problem+json");
            assertThat(new JsonObject(client.bodyText()).getString("detail")).as(target).contains(detail);
        }
    }
}
