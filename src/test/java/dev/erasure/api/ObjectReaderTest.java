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
import java.lang.foreign.MemorySegment;
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

    /**
     * In-place reads: the bytes a "socket read" put into a region the reader handed out are not
     * copied again (counted in place), chunks that arrive elsewhere are copied, regions end at the
     * end of their shard and of the body, and the stripe and its CRCs are the same as when copied.
     */
    @ParameterizedTest
    @CsvSource({"1048576, 65536, 10", "100001, 4096, 3", "11, 3, 2", "300000, 40000, 1"})
    void bytesReadIntoRegionsAreNotCopiedAgain(int size, int maxRead, int copyEvery) {
        StripeShape shape = new StripeShape(CodecKind.RS_VANDERMONDE, 10, 4);
        byte[] object = new byte[size];
        new Random(size).nextBytes(object);
        ObjectReader reader = ObjectReader.stripe(arena, shape, size);
        long inPlaceBefore = InPlaceReads.BYTES.sum();
        long inPlace = 0;
        int read = 0;
        for (int at = 0; at < size; read++) {
            if (read % copyEvery == copyEvery - 1) {
                // This read went to some other buffer: the reader copies it.
                int n = Math.min(size - at, maxRead);
                reader.accept(Buffer.buffer(Arrays.copyOfRange(object, at, at + n)));
                at += n;
                continue;
            }
            MemorySegment region = reader.region(at, maxRead);
            assertNotNull(region);
            long shardSize = shape.shardSizeFor(size);
            assertEquals(Math.min(Math.min(maxRead, size - at), shardSize - at % shardSize), region.byteSize(),
                    "region at " + at + " ends at the read's size, the shard's end or the body's end");
            InPlaceReads.Region buf = new InPlaceReads.Region(region);
            buf.writeBytes(object, at, (int) region.byteSize());
            // The decoder hands the read on in chunks (slices) of at most 1000 bytes.
            while (buf.isReadable()) {
                reader.accept(Buffer.buffer(buf.readSlice(Math.min(1000, buf.readableBytes()))));
            }
            inPlace += region.byteSize();
            at += (int) region.byteSize();
        }
        assertNull(reader.region(size, maxRead), "no region past the body");
        ObjectReader.StripeBuffer stripe = reader.finish();
        assertNull(reader.region(0, maxRead), "no region once finished");
        assertEquals(inPlace, InPlaceReads.BYTES.sum() - inPlaceBefore, "bytes found in place");
        assertStripe(object, stripe);
    }

    @ParameterizedTest
    @CsvSource({"-1", "0"})
    void withoutAContentLengthOrForLargeShardsNothingIsReadInPlace(int declared) {
        ObjectReader reader = declared < 0
                ? ObjectReader.stripe(arena, new StripeShape(CodecKind.RS_VANDERMONDE, 4, 2), -1)
                : ObjectReader.object(arena, ObjectReader.DIRECT_SHARD_BYTES + 1);
        assertNull(reader.region(0, 65536));
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
