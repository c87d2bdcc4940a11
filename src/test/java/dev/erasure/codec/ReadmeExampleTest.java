package dev.erasure.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.codec.select.KernelSelector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * The worked example of README.md (section codec) and docs/codec.md, k=4, m=2: the code between
 * the EXAMPLE markers is copied there verbatim; keep them in sync.
 */
class ReadmeExampleTest {

    @Test
    void workedExample_fourPlusTwo_loseDataShard1AndParityShard4() {
        // EXAMPLE-START
        KernelSelector.Choice choice = KernelSelector.select("auto");   // isal, else vector, else scalar
        CodeCache codecs = new CodeCache(choice.kernel(), 16);
        ErasureCode codec = codecs.get(new StripeShape(CodecKind.RS_VANDERMONDE, 4, 2)); // 4 data + 2 parity
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment object = arena.allocate(4 * 1024);               // the object, already split:
            MemorySegment[] shards = new MemorySegment[6];                 // shard i = bytes [i*1024, (i+1)*1024)
            System.arraycopy(ShardLayout.slices(object, 4, 1024), 0, shards, 0, 4);
            shards[4] = arena.allocate(1024);
            shards[5] = arena.allocate(1024);
            object.set(ValueLayout.JAVA_BYTE, 1500, (byte) 42);            // byte 476 of data shard 1

            codec.encode(shards, CancelSignal.NEVER);                      // writes shards 4 and 5

            shards[1].fill((byte) 0);                                      // lose data shard 1 ...
            shards[4].fill((byte) 0);                                      // ... and parity shard 4
            boolean[] present = {true, false, true, true, false, true};
            codec.reconstruct(shards, present, CancelSignal.NEVER);        // rebuilds both from 0, 2, 3, 5

            assertThat(object.get(ValueLayout.JAVA_BYTE, 1500)).isEqualTo((byte) 42);
            assertThat(codec.verify(shards, CancelSignal.NEVER)).isEmpty(); // parity consistent again
        }
        // EXAMPLE-END
    }
}
