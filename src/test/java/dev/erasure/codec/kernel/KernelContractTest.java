package dev.erasure.codec.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.erasure.codec.CancelSignal;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.CodingCancelledException;
import dev.erasure.codec.ReedSolomon;
import dev.erasure.codec.TestShards;
import dev.erasure.codec.TooFewShardsException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link Kernel} must meet, run through {@link ReedSolomon}: one small subclass
 * per kernel. Results are compared with the scalar reference kernel byte for byte.
 */
public abstract class KernelContractTest {

    private static final Kernel REFERENCE = new ScalarKernel();

    /** The kernel under test. */
    protected abstract Kernel kernel();

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 7, 15, 63, 64, 65, 4095, 4097, 70_001})
    void encode_10x4_oddSizes_matchesReferenceAndVerifies(long shardSize) {
        for (CodecKind kind : new CodecKind[] {CodecKind.RS_VANDERMONDE, CodecKind.RS_CAUCHY}) {
            assertEncodeMatchesReference(kind, 10, 4, shardSize, new Random(shardSize));
        }
    }

    @Test
    void encode_shardLargerThanCancelChunk_matchesReference() {
        assertEncodeMatchesReference(CodecKind.RS_CAUCHY, 6, 3, ReedSolomon.CANCEL_CHUNK * 2L + 17, new Random(7));
    }

    @Test
    void encode_extremeShapes_matchReference() {
        assertEncodeMatchesReference(CodecKind.RS_VANDERMONDE, 1, 1, 100, new Random(1));
        assertEncodeMatchesReference(CodecKind.RS_CAUCHY, 1, 255, 33, new Random(2));
        assertEncodeMatchesReference(CodecKind.RS_VANDERMONDE, 255, 1, 33, new Random(3));
        assertEncodeMatchesReference(CodecKind.RS_CAUCHY, 32, 8, 1000, new Random(4));
    }

    @ParameterizedTest
    @EnumSource(value = CodecKind.class, names = {"RS_VANDERMONDE", "RS_CAUCHY"})
    void reconstruct_everyErasurePatternUpToParityShards_restoresStripe(CodecKind kind) {
        int[][] shapes = {{1, 1}, {2, 1}, {2, 2}, {3, 2}, {4, 2}, {5, 3}};
        for (int[] shape : shapes) {
            for (long size : new long[] {1, 65}) {
                assertEveryPatternReconstructs(kind, shape[0], shape[1], size);
            }
        }
    }

    @Test
    void reconstruct_moreErasuresThanParity_failsAndWritesNothing() {
        try (Arena arena = Arena.ofConfined()) {
            ReedSolomon codec = ReedSolomon.create(CodecKind.RS_VANDERMONDE, 4, 2, kernel());
            MemorySegment[] shards = TestShards.randomStripe(arena, 4, 6, 100, new Random(5));
            codec.encode(shards, CancelSignal.NEVER);
            boolean[] present = {true, false, false, true, false, true};
            for (int i = 0; i < 6; i++) {
                if (!present[i]) {
                    TestShards.fill(shards[i], 0x5A);
                }
            }
            assertThatThrownBy(() -> codec.reconstruct(shards, present, CancelSignal.NEVER))
                    .isInstanceOf(TooFewShardsException.class)
                    .hasMessage("need at least 4 shards to reconstruct, got 3 (present: [0, 3, 5])");
            for (int i : new int[] {1, 2, 4}) {
                assertThat(TestShards.bytes(shards[i])).containsOnly((byte) 0x5A);
            }
        }
    }

    @Test
    void reconstruct_sameCodeTwiceWithDifferentPatterns_usesRightTables() {
        try (Arena arena = Arena.ofConfined()) {
            ReedSolomon codec = ReedSolomon.create(CodecKind.RS_CAUCHY, 6, 3, kernel());
            MemorySegment[] original = TestShards.randomStripe(arena, 6, 9, 300, new Random(9));
            codec.encode(original, CancelSignal.NEVER);
            for (int round = 0; round < 2; round++) {
                for (int lost = 0; lost < 9; lost++) {
                    MemorySegment[] shards = TestShards.copy(arena, original);
                    boolean[] present = allPresent(9);
                    present[lost] = false;
                    TestShards.fill(shards[lost], 0);
                    codec.reconstruct(shards, present, CancelSignal.NEVER);
                    assertThat(TestShards.bytes(shards[lost])).isEqualTo(TestShards.bytes(original[lost]));
                }
            }
        }
    }

    @Test
    void encode_heapSegments_matchNativeSegments() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] direct = TestShards.randomStripe(arena, 5, 8, 1000, new Random(11));
            MemorySegment[] heap = new MemorySegment[8];
            for (int i = 0; i < 8; i++) {
                heap[i] = MemorySegment.ofArray(TestShards.bytes(direct[i]));
            }
            ReedSolomon codec = ReedSolomon.create(CodecKind.RS_VANDERMONDE, 5, 3, kernel());
            codec.encode(direct, CancelSignal.NEVER);
            codec.encode(heap, CancelSignal.NEVER);
            for (int i = 5; i < 8; i++) {
                assertThat(TestShards.bytes(heap[i])).isEqualTo(TestShards.bytes(direct[i]));
            }
        }
    }

    @Test
    void encode_cancelledBeforeFirstChunk_throws() {
        try (Arena arena = Arena.ofConfined()) {
            ReedSolomon codec = ReedSolomon.create(CodecKind.RS_CAUCHY, 4, 2, kernel());
            MemorySegment[] shards = TestShards.randomStripe(arena, 4, 6, 10, new Random(1));
            assertThatThrownBy(() -> codec.encode(shards, () -> true)).isInstanceOf(CodingCancelledException.class);
        }
    }

    @Test
    void encode_cancelledBetweenChunks_stopsAfterAskingAgain() {
        try (Arena arena = Arena.ofConfined()) {
            ReedSolomon codec = ReedSolomon.create(CodecKind.RS_CAUCHY, 2, 1, kernel());
            MemorySegment[] shards = TestShards.randomStripe(arena, 2, 3, ReedSolomon.CANCEL_CHUNK * 3L, new Random(1));
            AtomicInteger asked = new AtomicInteger();
            assertThatThrownBy(() -> codec.encode(shards, () -> asked.incrementAndGet() > 1))
                    .isInstanceOf(CodingCancelledException.class);
            assertThat(asked).hasValue(2);
        }
    }

    @Test
    void verify_detectsEachCorruptedParityShard() {
        try (Arena arena = Arena.ofConfined()) {
            ReedSolomon codec = ReedSolomon.create(CodecKind.RS_VANDERMONDE, 5, 3, kernel());
            MemorySegment[] shards = TestShards.randomStripe(arena, 5, 8, 5000, new Random(3));
            codec.encode(shards, CancelSignal.NEVER);
            assertThat(codec.verify(shards, CancelSignal.NEVER)).isEmpty();
            shards[7].set(java.lang.foreign.ValueLayout.JAVA_BYTE, 4999, (byte) (shards[7].get(
                    java.lang.foreign.ValueLayout.JAVA_BYTE, 4999) ^ 1));
            assertThat(codec.verify(shards, CancelSignal.NEVER)).containsExactly(7);
            shards[2].set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) (shards[2].get(
                    java.lang.foreign.ValueLayout.JAVA_BYTE, 0) ^ 1));
            assertThat(codec.verify(shards, CancelSignal.NEVER)).hasSizeGreaterThanOrEqualTo(1).doesNotContain(0, 1, 2);
        }
    }

    private void assertEncodeMatchesReference(CodecKind kind, int dataShards, int parityShards, long size,
            Random random) {
        try (Arena arena = Arena.ofConfined()) {
            int total = dataShards + parityShards;
            MemorySegment[] shards = TestShards.randomStripe(arena, dataShards, total, size, random);
            MemorySegment[] expected = TestShards.copy(arena, shards);
            ReedSolomon.create(kind, dataShards, parityShards, REFERENCE).encode(expected, CancelSignal.NEVER);
            ReedSolomon codec = ReedSolomon.create(kind, dataShards, parityShards, kernel());
            codec.encode(shards, CancelSignal.NEVER);
            for (int i = 0; i < total; i++) {
                assertThat(TestShards.bytes(shards[i])).as("%s %d+%d size %d shard %d", kind, dataShards,
                        parityShards, size, i).isEqualTo(TestShards.bytes(expected[i]));
            }
            assertThat(codec.verify(shards, CancelSignal.NEVER)).isEmpty();
        }
    }

    private void assertEveryPatternReconstructs(CodecKind kind, int dataShards, int parityShards, long size) {
        int total = dataShards + parityShards;
        ReedSolomon codec = ReedSolomon.create(kind, dataShards, parityShards, kernel());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] original = TestShards.randomStripe(arena, dataShards, total, size, new Random(total));
            codec.encode(original, CancelSignal.NEVER);
            for (List<Integer> lost : subsetsUpTo(total, parityShards)) {
                MemorySegment[] shards = TestShards.copy(arena, original);
                boolean[] present = allPresent(total);
                for (int i : lost) {
                    present[i] = false;
                    TestShards.fill(shards[i], 0xEE);
                }
                codec.reconstruct(shards, present, CancelSignal.NEVER);
                for (int i = 0; i < total; i++) {
                    assertThat(TestShards.bytes(shards[i])).as("%s %d+%d lost %s shard %d", kind, dataShards,
                            parityShards, lost, i).isEqualTo(TestShards.bytes(original[i]));
                }
            }
        }
    }

    static boolean[] allPresent(int total) {
        boolean[] present = new boolean[total];
        java.util.Arrays.fill(present, true);
        return present;
    }

    /** Every non-empty subset of 0..n-1 with at most max elements. */
    static List<List<Integer>> subsetsUpTo(int n, int max) {
        List<List<Integer>> result = new ArrayList<>();
        for (int mask = 1; mask < (1 << n); mask++) {
            if (Integer.bitCount(mask) <= max) {
                List<Integer> subset = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if ((mask & (1 << i)) != 0) {
                        subset.add(i);
                    }
                }
                result.add(subset);
            }
        }
        return result;
    }
}
