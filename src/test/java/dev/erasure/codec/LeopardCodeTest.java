package dev.erasure.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.erasure.codec.leopard.LeopardEngine;
import dev.erasure.codec.leopard.LeopardKernel;
import dev.erasure.codec.leopard.LeopardKernels;
import dev.erasure.codec.leopard.ScalarLeopardKernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LeopardCode} through the {@link ErasureCode} contract: every loss pattern of up to m
 * shards (data and parity in any mix) reconstructs, exhaustively at small shapes and at random at
 * large ones (GF(2^16) included); m + 1 losses are refused; and the argument rules.
 */
class LeopardCodeTest {

    private static final long SIZE = 128;

    static List<LeopardKernel> kernels() {
        List<LeopardKernel> kernels = new ArrayList<>();
        kernels.add(new ScalarLeopardKernel());
        if (LeopardKernels.vectorUsable()) {
            kernels.add(LeopardKernels.select(true));
        }
        return kernels;
    }

    static Stream<Arguments> smallShapes() {
        int[][] shapes = {{1, 1}, {2, 1}, {3, 1}, {2, 2}, {3, 2}, {4, 2}, {4, 3}, {5, 3}, {4, 4}, {6, 4}, {7, 5}};
        List<Arguments> arguments = new ArrayList<>();
        for (LeopardKernel kernel : kernels()) {
            for (int[] shape : shapes) {
                arguments.add(Arguments.of(shape[0], shape[1], kernel));
            }
        }
        return arguments.stream();
    }

    static Stream<Arguments> largeShapes() {
        // 300+4, 260+3 and 300+2: the fused small-m encode over GF(2^16).
        int[][] shapes = {{100, 28}, {128, 128}, {200, 40}, {1000, 200}, {3000, 1000}, {300, 4}, {260, 3}, {300, 2}};
        List<Arguments> arguments = new ArrayList<>();
        for (LeopardKernel kernel : kernels()) {
            for (int[] shape : shapes) {
                arguments.add(Arguments.of(shape[0], shape[1], kernel));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0}+{1} on {2}")
    @MethodSource("smallShapes")
    void everyPatternOfUpToMLosses_reconstructs(int k, int m, LeopardKernel kernel) {
        LeopardCode code = LeopardCode.create(k, m, kernel);
        int total = k + m;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] original = TestShards.randomStripe(arena, k, total, SIZE, new Random(k * 31L + m));
            code.encode(original, CancelSignal.NEVER);
            assertThat(code.verify(original, CancelSignal.NEVER)).isEmpty();
            int patterns = 0;
            for (int mask = 1; mask < (1 << total); mask++) {
                int lost = Integer.bitCount(mask);
                if (lost > m) {
                    continue;
                }
                patterns++;
                assertReconstructs(code, arena, original, mask);
            }
            assertThat(patterns).isPositive();
        }
    }

    @ParameterizedTest(name = "{0}+{1} on {2}")
    @MethodSource("largeShapes")
    void randomPatternsOfMLosses_reconstruct(int k, int m, LeopardKernel kernel) {
        LeopardCode code = LeopardCode.create(k, m, kernel);
        int total = k + m;
        Random random = new Random(k * 131L + m);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] original = TestShards.randomStripe(arena, k, total, 64, random);
            code.encode(original, CancelSignal.NEVER);
            for (int round = 0; round < 3; round++) {
                boolean[] lost = new boolean[total];
                // Round 0: the first m data shards; then random mixes of data and parity, m or fewer.
                int count = round == 2 ? 1 + random.nextInt(m) : m;
                for (int c = 0; c < count; ) {
                    int i = round == 0 ? c : random.nextInt(total);
                    if (!lost[i]) {
                        lost[i] = true;
                        c++;
                    }
                }
                assertReconstructs(code, arena, original, lost);
            }
        }
    }

    @ParameterizedTest(name = "{0}+{1} on {2}")
    @MethodSource("smallShapes")
    void mPlusOneLosses_areRefused(int k, int m, LeopardKernel kernel) {
        LeopardCode code = LeopardCode.create(k, m, kernel);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] shards = TestShards.randomStripe(arena, k, k + m, SIZE, new Random(1));
            code.encode(shards, CancelSignal.NEVER);
            boolean[] present = new boolean[k + m];
            for (int i = m + 1; i < k + m; i++) {
                present[i] = true;
            }
            assertThatThrownBy(() -> code.reconstruct(shards, present, CancelSignal.NEVER))
                    .isInstanceOf(TooFewShardsException.class);
        }
    }

    @Test
    void reconstruct_writesOnlyWantedEntries_andRebuildsParityFromDecodedData() {
        LeopardCode code = LeopardCode.create(10, 4, new ScalarLeopardKernel());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] original = TestShards.randomStripe(arena, 10, 14, 256, new Random(5));
            code.encode(original, CancelSignal.NEVER);
            MemorySegment[] shards = TestShards.copy(arena, original);
            boolean[] present = new boolean[14];
            java.util.Arrays.fill(present, true);
            present[0] = false;
            present[1] = false;
            present[12] = false;
            shards[0] = null;                       // lost, not wanted: neither read nor written
            shards[1].fill((byte) 0x55);            // lost, wanted
            shards[12].fill((byte) 0x55);           // lost parity, wanted: needs data shard 0 decoded internally
            code.reconstruct(shards, present, CancelSignal.NEVER);
            assertThat(shards[1].mismatch(original[1])).isEqualTo(-1L);
            assertThat(shards[12].mismatch(original[12])).isEqualTo(-1L);
        }
    }

    @Test
    void verify_namesTheCorruptedParityShards() {
        LeopardCode code = LeopardCode.create(100, 28, new ScalarLeopardKernel());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] shards = TestShards.randomStripe(arena, 100, 128, 192, new Random(9));
            code.encode(shards, CancelSignal.NEVER);
            shards[103].set(java.lang.foreign.ValueLayout.JAVA_BYTE, 130, (byte) ~shards[103].get(
                    java.lang.foreign.ValueLayout.JAVA_BYTE, 130));
            shards[127].fill((byte) 0);
            assertThat(code.verify(shards, CancelSignal.NEVER)).containsExactly(103, 127);
        }
    }

    @Test
    void shapeRules_nameTheRule() {
        assertThatThrownBy(() -> new StripeShape(CodecKind.LEOPARD, 4, 5)).isInstanceOf(InvalidShapeException.class)
                .hasMessageContaining("m <= k");
        assertThatThrownBy(() -> new StripeShape(CodecKind.LEOPARD, 40000, 30000))
                .isInstanceOf(InvalidShapeException.class).hasMessageContaining("k + m must be <= 65536");
        assertThatThrownBy(() -> new StripeShape(CodecKind.LEOPARD, 0, 0)).isInstanceOf(InvalidShapeException.class);
        assertThat(new StripeShape(CodecKind.LEOPARD, 32768, 32768).totalShards()).isEqualTo(65536);
        assertThat(CodecKind.fromWireName("leopard")).isEqualTo(CodecKind.LEOPARD);
        assertThat(new StripeShape(CodecKind.LEOPARD, 10, 4).shardSizeFor(1000)).isEqualTo(128);
        assertThat(new StripeShape(CodecKind.LEOPARD, 10, 4).shardSizeFor(1)).isEqualTo(64);
        assertThat(LeopardEngine.methodFor(1, 1)).isEqualTo(LeopardEngine.Method.COPY);
        assertThat(LeopardEngine.methodFor(200, 1)).isEqualTo(LeopardEngine.Method.XOR);
        assertThat(LeopardEngine.methodFor(128, 128)).isEqualTo(LeopardEngine.Method.FF8);
        assertThat(LeopardEngine.methodFor(129, 127)).isEqualTo(LeopardEngine.Method.FF16);
        assertThat(LeopardEngine.methodFor(200, 40)).isEqualTo(LeopardEngine.Method.FF16);
    }

    @Test
    void codecCache_buildsLeopardForTheLeopardKind() {
        CodeCache codecs = new CodeCache(new dev.erasure.codec.kernel.ScalarKernel(), 4);
        ErasureCode code = codecs.get(new StripeShape(CodecKind.LEOPARD, 10, 4));
        assertThat(code).isInstanceOf(LeopardCode.class);
        assertThat(code.shape()).isEqualTo(new StripeShape(CodecKind.LEOPARD, 10, 4));
        assertThat(code.toString()).contains("scalar");
        assertThat(codecs.get(new StripeShape(CodecKind.RS_CAUCHY, 10, 4))).isInstanceOf(ReedSolomon.class);
    }

    @Test
    void shardSizeNotAMultipleOf64_isRefusedBeforeWriting() {
        LeopardCode code = LeopardCode.create(4, 2, new ScalarLeopardKernel());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] shards = TestShards.randomStripe(arena, 4, 6, 100, new Random(2));
            assertThatThrownBy(() -> code.encode(shards, CancelSignal.NEVER))
                    .isInstanceOf(ShardSizeMismatchException.class).hasMessageContaining("multiple of 64");
            assertThat(shards[4].asByteBuffer().get(0)).isZero();
        }
    }

    @Test
    void cancel_stopsTheWork() {
        LeopardCode code = LeopardCode.create(100, 28, new ScalarLeopardKernel());
        AtomicInteger asked = new AtomicInteger();
        CancelSignal cancelOnThird = () -> asked.incrementAndGet() >= 3;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] shards = TestShards.randomStripe(arena, 100, 128, 64, new Random(3));
            assertThatThrownBy(() -> code.encode(shards, cancelOnThird)).isInstanceOf(CodingCancelledException.class);
        }
    }

    /**
     * The fused small-m encode (10+4 and 6+3, GF(2^8)) over shards wider than one column chunk
     * (512 KiB at m = 4) with a tail chunk: losing any m data shards decodes back, and the cancel
     * signal is asked between chunks.
     */
    @ParameterizedTest(name = "{0}+{1} on {2}")
    @MethodSource("smallMShapes")
    void smallM_acrossColumnChunks_roundTripsAndCancels(int k, int m, LeopardKernel kernel) {
        LeopardCode code = LeopardCode.create(k, m, kernel);
        long size = (512L << 10) + 192;
        Random random = new Random(k * 7L + m);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] original = TestShards.randomStripe(arena, k, k + m, size, random);
            code.encode(original, CancelSignal.NEVER);
            assertThat(code.verify(original, CancelSignal.NEVER)).isEmpty();
            boolean[] lost = new boolean[k + m];
            for (int c = 0; c < m; ) {
                int i = random.nextInt(k);
                if (!lost[i]) {
                    lost[i] = true;
                    c++;
                }
            }
            assertReconstructs(code, arena, original, lost);
            AtomicInteger asked = new AtomicInteger();
            CancelSignal cancelOnSecond = () -> asked.incrementAndGet() >= 2;
            assertThatThrownBy(() -> code.encode(original, cancelOnSecond)).isInstanceOf(CodingCancelledException.class);
            assertThat(asked.get()).isEqualTo(2);
        }
    }

    static Stream<Arguments> smallMShapes() {
        List<Arguments> arguments = new ArrayList<>();
        for (LeopardKernel kernel : kernels()) {
            arguments.add(Arguments.of(10, 4, kernel));
            arguments.add(Arguments.of(6, 3, kernel));
        }
        return arguments.stream();
    }

    private static void assertReconstructs(LeopardCode code, Arena arena, MemorySegment[] original, int mask) {
        boolean[] lost = new boolean[original.length];
        for (int i = 0; i < original.length; i++) {
            lost[i] = (mask >>> i & 1) != 0;
        }
        assertReconstructs(code, arena, original, lost);
    }

    private static void assertReconstructs(LeopardCode code, Arena arena, MemorySegment[] original, boolean[] lost) {
        MemorySegment[] shards = TestShards.copy(arena, original);
        boolean[] present = new boolean[original.length];
        for (int i = 0; i < original.length; i++) {
            present[i] = !lost[i];
            if (lost[i]) {
                shards[i].fill((byte) 0xA5);
            }
        }
        code.reconstruct(shards, present, CancelSignal.NEVER);
        for (int i = 0; i < original.length; i++) {
            assertThat(shards[i].mismatch(original[i])).as("shard %d, lost %s", i, java.util.Arrays.toString(lost))
                    .isEqualTo(-1L);
        }
    }
}
