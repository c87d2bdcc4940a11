package dev.erasure.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.erasure.codec.kernel.Kernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Argument validation and the shard-array conventions of {@link ReedSolomon}, on the kernel under test. */
class ReedSolomonTest {

    private final Kernel kernel = TestShards.kernelUnderTest();

    @Test
    void create_outOfRangeShapes_sayValueAndLimit() {
        assertThatThrownBy(() -> ReedSolomon.create(CodecKind.RS_CAUCHY, 0, 2, kernel))
                .isInstanceOf(InvalidShapeException.class)
                .hasMessage("k must be >= 1 (got 0)");
        assertThatThrownBy(() -> ReedSolomon.create(CodecKind.RS_CAUCHY, 4, 0, kernel))
                .isInstanceOf(InvalidShapeException.class)
                .hasMessage("m must be >= 1 (got 0)");
        assertThatThrownBy(() -> ReedSolomon.create(CodecKind.RS_VANDERMONDE, 200, 100, kernel))
                .isInstanceOf(InvalidShapeException.class)
                .hasMessage("k + m must be <= 256 (got 300)")
                .satisfies(e -> assertThat(((InvalidShapeException) e).dataShards()).isEqualTo(200));
    }

    @Test
    void create_largestShape_works() {
        ReedSolomon codec = ReedSolomon.create(CodecKind.RS_VANDERMONDE, 128, 128, kernel);
        assertThat(codec.totalShards()).isEqualTo(256);
        assertThat(codec).hasToString("rs-vandermonde(128+128, " + kernel.name() + ")");
    }

    @Test
    void encode_unequalSizes_throwsAndWritesNothing() {
        try (Arena arena = Arena.ofConfined()) {
            ReedSolomon codec = ReedSolomon.create(CodecKind.RS_CAUCHY, 3, 2, kernel);
            MemorySegment[] shards = TestShards.randomStripe(arena, 3, 5, 64, new Random(1));
            shards[4] = arena.allocate(63);
            TestShards.fill(shards[3], 0x77);
            TestShards.fill(shards[4], 0x77);
            assertThatThrownBy(() -> codec.encode(shards, CancelSignal.NEVER))
                    .isInstanceOf(ShardSizeMismatchException.class)
                    .hasMessage("shard 4 has 63 bytes, expected 64 like the other shards");
            assertThat(TestShards.bytes(shards[3])).containsOnly((byte) 0x77);
            assertThat(TestShards.bytes(shards[4])).containsOnly((byte) 0x77);
        }
    }

    @Test
    void encode_emptyShard_isRejected() {
        MemorySegment[] shards = {MemorySegment.ofArray(new byte[0]), MemorySegment.ofArray(new byte[0])};
        assertThatThrownBy(() -> ReedSolomon.create(CodecKind.RS_CAUCHY, 1, 1, kernel).encode(shards, null))
                .isInstanceOf(ShardSizeMismatchException.class)
                .hasMessage("shard 0 has 0 bytes, expected >= 1");
    }

    @Test
    void encode_wrongArrayLengthOrNullShard_isRejected() {
        ReedSolomon codec = ReedSolomon.create(CodecKind.RS_CAUCHY, 2, 1, kernel);
        MemorySegment one = MemorySegment.ofArray(new byte[4]);
        assertThatThrownBy(() -> codec.encode(new MemorySegment[] {one, one}, CancelSignal.NEVER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shards must have 3 entries, one per shard (got 2)");
        assertThatThrownBy(() -> codec.encode(new MemorySegment[] {one, null, one}, CancelSignal.NEVER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("encode needs shard 1 but it is null");
    }

    @Test
    void encode_readOnlyParity_isRejectedBeforeWriting() {
        ReedSolomon codec = ReedSolomon.create(CodecKind.RS_CAUCHY, 1, 1, kernel);
        MemorySegment data = MemorySegment.ofArray(new byte[] {1, 2});
        MemorySegment parity = MemorySegment.ofArray(new byte[2]).asReadOnly();
        assertThatThrownBy(() -> codec.encode(new MemorySegment[] {data, parity}, CancelSignal.NEVER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shard 1 must be written but its segment is read-only");
    }

    @Test
    void encode_heapSegments_work() {
        ReedSolomon codec = ReedSolomon.create(CodecKind.RS_VANDERMONDE, 2, 2, kernel);
        MemorySegment[] shards = {MemorySegment.ofArray(new byte[] {1, 2, 3}), MemorySegment.ofArray(new byte[] {4, 5, 6}),
            MemorySegment.ofArray(new byte[3]), MemorySegment.ofArray(new byte[3])};
        codec.encode(shards, CancelSignal.NEVER);
        assertThat(codec.verify(shards, CancelSignal.NEVER)).isEmpty();
    }

    @Test
    void reconstruct_nullEntriesAreNeitherReadNorWritten_dataOnly() {
        try (Arena arena = Arena.ofConfined()) {
            ReedSolomon codec = ReedSolomon.create(CodecKind.RS_VANDERMONDE, 4, 2, kernel);
            MemorySegment[] original = TestShards.randomStripe(arena, 4, 6, 999, new Random(2));
            codec.encode(original, CancelSignal.NEVER);
            MemorySegment[] shards = TestShards.copy(arena, original);
            shards[1] = arena.allocate(999);
            shards[4] = null;
            boolean[] present = {true, false, true, true, false, true};
            codec.reconstruct(shards, present, CancelSignal.NEVER);
            assertThat(TestShards.bytes(shards[1])).isEqualTo(TestShards.bytes(original[1]));
            assertThat(shards[4]).isNull();
        }
    }

    @Test
    void reconstruct_presentButNull_isRejected() {
        ReedSolomon codec = ReedSolomon.create(CodecKind.RS_CAUCHY, 1, 1, kernel);
        assertThatThrownBy(() -> codec.reconstruct(new MemorySegment[] {null, MemorySegment.ofArray(new byte[1])},
                new boolean[] {true, true}, CancelSignal.NEVER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shard 0 is marked present but is null");
    }

    @Test
    void reconstruct_unequalSizes_throwsAndWritesNothing() {
        try (Arena arena = Arena.ofConfined()) {
            ReedSolomon codec = ReedSolomon.create(CodecKind.RS_CAUCHY, 2, 2, kernel);
            MemorySegment[] shards = TestShards.randomStripe(arena, 2, 4, 10, new Random(3));
            codec.encode(shards, CancelSignal.NEVER);
            shards[0] = arena.allocate(10);
            TestShards.fill(shards[0], 0x33);
            shards[3] = arena.allocate(11);
            boolean[] present = {false, true, true, true};
            assertThatThrownBy(() -> codec.reconstruct(shards, present, CancelSignal.NEVER))
                    .isInstanceOf(ShardSizeMismatchException.class)
                    .hasMessage("shard 3 has 11 bytes, expected 10 like the other shards");
            assertThat(TestShards.bytes(shards[0])).containsOnly((byte) 0x33);
        }
    }

    @Test
    void reconstruct_nothingMissing_isANoOp() {
        ReedSolomon codec = ReedSolomon.create(CodecKind.RS_CAUCHY, 1, 1, kernel);
        MemorySegment[] shards = {MemorySegment.ofArray(new byte[] {9}), MemorySegment.ofArray(new byte[] {7})};
        codec.reconstruct(shards, new boolean[] {true, true}, CancelSignal.NEVER);
        assertThat(shards[1].get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 7);
    }
}
