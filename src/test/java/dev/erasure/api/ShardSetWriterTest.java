package dev.erasure.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.NativeMemoryPool;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The multipart writer, both ways: a body up to the coalescing limit copied into one buffer, a
 * larger one as a composite over the shards. Both must give the same parts, CRCs and length.
 */
class ShardSetWriterTest {

    private final NativeMemoryPool pool = new NativeMemoryPool(64L << 20, false);
    private final JobArena arena = pool.open();

    @AfterEach
    void close() {
        arena.release();
        pool.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 410, 4096})
    void coalescedAndGatheredBodiesCarryTheSameParts(int shardSize) {
        int[] indexes = {0, 1, 2, 9, 10, 13};
        MemorySegment[] shards = shards(indexes.length, shardSize, new Random(shardSize));

        Map<String, String> coalescedHeaders = new HashMap<>();
        Buffer coalesced = ShardSetWriter.multipart(response(coalescedHeaders), indexes, shards, arena,
                ApiLimits.MAX_COALESCE_RESPONSE);
        Map<String, String> gatheredHeaders = new HashMap<>();
        Buffer gathered = ShardSetWriter.multipart(response(gatheredHeaders), indexes, shards, arena, 0);

        assertEquals(1, coalesced.getByteBuf().nioBufferCount(), "one piece when coalesced");
        assertEquals(2 * indexes.length + 1, gathered.getByteBuf().nioBufferCount(), "a header and a shard per part");
        for (var written : List.of(Map.entry(coalescedHeaders, coalesced), Map.entry(gatheredHeaders, gathered))) {
            byte[] body = bytes(written.getValue());
            assertEquals(Long.toString(body.length), written.getKey().get("Content-Length"));
            List<ShardSets.Part> parts = ShardSets.parseMixed(written.getKey().get("Content-Type"), body);
            assertEquals(indexes.length, parts.size());
            for (int p = 0; p < indexes.length; p++) {
                assertEquals(indexes[p], parts.get(p).index());
                assertArrayEquals(shards[p].toArray(ValueLayout.JAVA_BYTE), parts.get(p).data());
                assertEquals(Checksums.hex(Checksums.crc32c(shards[p])), parts.get(p).crc32c());
            }
        }
    }

    @Test
    void aBodyOverTheLimitIsNotCopied() {
        int[] indexes = {0, 1};
        MemorySegment[] shards = shards(2, 1000, new Random(7));
        Map<String, String> headers = new HashMap<>();
        Buffer body = ShardSetWriter.multipart(response(headers), indexes, shards, arena, 1999);
        assertEquals(5, body.getByteBuf().nioBufferCount());
        Map<String, String> smallHeaders = new HashMap<>();
        Buffer small = ShardSetWriter.multipart(response(smallHeaders), indexes, shards, arena, 2400);
        assertEquals(1, small.getByteBuf().nioBufferCount(), "a body under the limit is copied");
        long length = Long.parseLong(smallHeaders.get("Content-Length"));
        // The boundary's length varies (a random hex number): the limit is compared with this body's length.
        Buffer exact = null;
        for (int attempt = 0; attempt < 100 && exact == null; attempt++) {
            Map<String, String> h = new HashMap<>();
            Buffer b = ShardSetWriter.multipart(response(h), indexes, shards, arena, length);
            if (Long.parseLong(h.get("Content-Length")) == length) {
                exact = b;
            }
        }
        assertEquals(1, exact.getByteBuf().nioBufferCount(), "a body exactly at the limit is copied");
    }

    @Test
    void anEmptySetIsTheCloseDelimiterAlone() {
        Map<String, String> headers = new HashMap<>();
        Buffer body = ShardSetWriter.multipart(response(headers), new int[0], new MemorySegment[0], arena,
                ApiLimits.DEFAULT_COALESCE_RESPONSE);
        String boundary = headers.get("Content-Type").substring("multipart/mixed; boundary=".length());
        assertEquals("--" + boundary + "--\r\n", new String(bytes(body), java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void theLimitIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> limits(-1));
        assertThrows(IllegalArgumentException.class, () -> limits(ApiLimits.MAX_COALESCE_RESPONSE + 1));
        assertEquals(0, limits(0).coalesceResponseBytes());
    }

    private static ApiLimits limits(long coalesce) {
        return new ApiLimits(1 << 20, 300, 8192, ApiLimits.DEFAULT_MIN_BODY_RATE, Duration.ofSeconds(5),
                Duration.ofSeconds(120), 1 << 20, true, coalesce);
    }

    private MemorySegment[] shards(int count, int size, Random random) {
        MemorySegment[] shards = new MemorySegment[count];
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            shards[i] = arena.allocateUninitialized(size);
            MemorySegment.copy(data, 0, shards[i], ValueLayout.JAVA_BYTE, 0, size);
        }
        return shards;
    }

    private static byte[] bytes(Buffer buffer) {
        ByteBuf buf = buffer.getByteBuf();
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }

    /** A response that records its headers; putHeader returns it, nothing is sent. */
    private static HttpServerResponse response(Map<String, String> headers) {
        return (HttpServerResponse) Proxy.newProxyInstance(ShardSetWriterTest.class.getClassLoader(),
                new Class<?>[] {HttpServerResponse.class}, (proxy, method, args) -> {
                    if (method.getName().equals("putHeader") && args.length == 2) {
                        headers.put(args[0].toString(), args[1].toString());
                    }
                    return method.getReturnType() == HttpServerResponse.class ? proxy : null;
                });
    }
}
