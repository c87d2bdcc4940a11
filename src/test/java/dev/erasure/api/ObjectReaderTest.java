package dev.erasure.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.StripeShape;
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

        int[] crcs = stripe.dataCrcs();
        assertNotNull(crcs);
        assertEquals(10, crcs.length);
        byte[] data = new byte[(int) (10 * stripe.shardSize())];
        for (int i = 0; i < 10; i++) {
            byte[] shard = stripe.shards()[i].toArray(ValueLayout.JAVA_BYTE);
            System.arraycopy(shard, 0, data, (int) (i * stripe.shardSize()), shard.length);
            assertEquals(Checksums.crc32c(stripe.shards()[i]), crcs[i], "CRC of data shard " + i);
        }
        assertEquals(Arrays.toString(Arrays.copyOf(object, data.length)), Arrays.toString(data), "object, then zeros");
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
}
