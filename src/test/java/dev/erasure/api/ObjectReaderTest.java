package dev.erasure.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.StripeShape;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The object read as a stripe: data shards hold the object, zero padded, and the CRC-32C computed
 * while copying equals the CRC-32C of each data shard as finished, whatever the chunking.
 */
class ObjectReaderTest {

    private final NativeMemoryPool pool = new NativeMemoryPool(64L << 20, false);
    private final JobArena arena = pool.open();

    @AfterEach
    void close() {
        arena.release();
        pool.close();
    }

    @ParameterizedTest
    @CsvSource({
        "1, 1", "4096, 4096", "4096, 1000", "4095, 7", "1048576, 65536", "100001, 65536", "10, 3", "11, 64"
    })
    void dataShardCrcsComputedWhileReadingMatchTheShards(int size, int chunk) {
        StripeShape shape = new StripeShape(CodecKind.RS_VANDERMONDE, 10, 4);
        byte[] object = new byte[size];
        new Random(size).nextBytes(object);
        ObjectReader reader = ObjectReader.stripe(arena, shape, size);
        for (int at = 0; at < size; at += chunk) {
            reader.accept(Buffer.buffer(Arrays.copyOfRange(object, at, Math.min(size, at + chunk))));
        }
        ObjectReader.StripeBuffer stripe = reader.finish();

        assertEquals(10, stripe.dataCrcs().length);
        assertStripe(object, stripe);
    }

    /**
     * Chunks in native memory (as lent chunks are) are read through their address: a chunk that is
     * a view starting inside a larger direct buffer, past bytes that are not part of the body, is
     * copied from its own first readable byte.
     */
    @ParameterizedTest
    @CsvSource({"1048576, 65536", "100001, 4096", "11, 3"})
    void directChunksAreCopiedFromTheirReadableBytes(int size, int chunk) {
        StripeShape shape = new StripeShape(CodecKind.RS_VANDERMONDE, 10, 4);
        byte[] object = new byte[size];
        new Random(size).nextBytes(object);
        ObjectReader reader = ObjectReader.stripe(arena, shape, size);
        ObjectReader echo = ObjectReader.object(arena, size);
        for (int at = 0; at < size; at += chunk) {
            int n = Math.min(size - at, chunk);
            ByteBuf direct = Unpooled.directBuffer(n + 20);
            try {
                direct.writeBytes(new byte[13]).writeBytes(object, at, n).writeBytes(new byte[7]);
                ByteBuf view = direct.slice(13, n); // readerIndex 0 of a slice 13 bytes into the buffer
                direct.readerIndex(13).writerIndex(13 + n); // and the buffer itself, read from index 13
                assertEquals(true, view.hasMemoryAddress());
                reader.accept(Buffer.buffer(view));
                echo.accept(Buffer.buffer(direct));
            } finally {
                direct.release();
            }
        }
        ObjectReader.StripeBuffer stripe = reader.finish();
        assertStripe(object, stripe);
        assertEquals(Arrays.toString(object), Arrays.toString(echo.finish().shards()[0].toArray(ValueLayout.JAVA_BYTE)));
    }

    @ParameterizedTest
    @CsvSource({"-1", "0"})
    void withoutAContentLengthOrForEchoNoCrcIsComputed(int shape) {
        ObjectReader reader = shape < 0
                ? ObjectReader.stripe(arena, new StripeShape(CodecKind.RS_VANDERMONDE, 4, 2), -1)
                : ObjectReader.object(arena, 100);
        reader.accept(Buffer.buffer(new byte[100]));
        assertNull(reader.finish().dataCrcs());
    }

    /** The 10 data shards hold the object then zeros, and each CRC computed while reading is its shard's. */
    private static void assertStripe(byte[] object, ObjectReader.StripeBuffer stripe) {
        assertNotNull(stripe.dataCrcs());
        byte[] data = new byte[(int) (10 * stripe.shardSize())];
        for (int i = 0; i < 10; i++) {
            byte[] shard = stripe.shards()[i].toArray(ValueLayout.JAVA_BYTE);
            System.arraycopy(shard, 0, data, (int) (i * stripe.shardSize()), shard.length);
            assertEquals(Checksums.crc32c(stripe.shards()[i]), stripe.dataCrcs()[i], "CRC of data shard " + i);
        }
        assertEquals(Arrays.toString(Arrays.copyOf(object, data.length)), Arrays.toString(data), "object, then zeros");
    }
}
