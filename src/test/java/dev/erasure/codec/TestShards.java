package dev.erasure.codec;

import dev.erasure.codec.kernel.Kernel;
import dev.erasure.codec.select.KernelSelector;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Helpers for tests: native shard sets with random data, copies, and the kernel under test. */
public final class TestShards {

    private TestShards() {
    }

    /**
     * The kernel the suite runs on: {@code -Derasure.codec.kernel=scalar|vector|isal} forces one,
     * otherwise {@code auto}.
     */
    public static Kernel kernelUnderTest() {
        return KernelSelector.select("auto").kernel();
    }

    /** totalShards native segments of shardSize bytes; data shards random, parity zero. */
    public static MemorySegment[] randomStripe(Arena arena, int dataShards, int totalShards, long shardSize,
            Random random) {
        MemorySegment[] shards = new MemorySegment[totalShards];
        byte[] bytes = new byte[(int) shardSize];
        for (int i = 0; i < totalShards; i++) {
            shards[i] = arena.allocate(shardSize, 64);
            if (i < dataShards) {
                random.nextBytes(bytes);
                MemorySegment.copy(bytes, 0, shards[i], ValueLayout.JAVA_BYTE, 0, bytes.length);
            }
        }
        return shards;
    }

    /** Deep copy of every non-null shard into new native segments of the arena. */
    public static MemorySegment[] copy(Arena arena, MemorySegment[] shards) {
        MemorySegment[] result = new MemorySegment[shards.length];
        for (int i = 0; i < shards.length; i++) {
            if (shards[i] != null) {
                result[i] = arena.allocate(shards[i].byteSize(), 64);
                result[i].copyFrom(shards[i]);
            }
        }
        return result;
    }

    public static byte[] bytes(MemorySegment segment) {
        return segment.toArray(ValueLayout.JAVA_BYTE);
    }

    /** Fills a segment with a marker byte, to prove later that nothing wrote there. */
    public static void fill(MemorySegment segment, int value) {
        segment.fill((byte) value);
    }
}
