package dev.erasure.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.erasure.codec.kernel.Kernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Properties over random shapes, sizes and erasure patterns, on the kernel under test: any loss of
 * up to parityShards shards reconstructs exactly, one more fails cleanly without writing. A fast
 * subset runs by default; the full set is tagged slow ({@code -DexcludedGroups= -Dgroups=slow}).
 */
class RandomShapePropertyTest {

    private final Kernel kernel = TestShards.kernelUnderTest();

    @Test
    void randomShapes_fastSubset() {
        runCases(new Random(20261122L), 40, 24, 8, 5000);
    }

    @Test
    @Tag("slow")
    void randomShapes_fullSet() {
        runCases(new Random(42L), 600, 200, 56, 300_000);
    }

    private void runCases(Random random, int cases, int maxData, int maxParity, int maxSize) {
        for (int n = 0; n < cases; n++) {
            CodecKind kind = CodecKind.values()[random.nextInt(2)];
            int dataShards = 1 + random.nextInt(maxData);
            int parityShards = 1 + random.nextInt(Math.min(maxParity, 256 - dataShards));
            int size = 1 + random.nextInt(random.nextBoolean() ? 100 : maxSize);
            checkCase(kind, dataShards, parityShards, size, random);
        }
    }

    private void checkCase(CodecKind kind, int dataShards, int parityShards, int size, Random random) {
        int total = dataShards + parityShards;
        String label = kind.wireName() + " " + dataShards + "+" + parityShards + " size " + size;
        ReedSolomon codec = ReedSolomon.create(kind, dataShards, parityShards, kernel);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] original = TestShards.randomStripe(arena, dataShards, total, size, random);
            codec.encode(original, CancelSignal.NEVER);
            assertThat(codec.verify(original, CancelSignal.NEVER)).as(label).isEmpty();

            List<Integer> lost = shuffledIndexes(total, random).subList(0, 1 + random.nextInt(parityShards));
            MemorySegment[] shards = TestShards.copy(arena, original);
            boolean[] present = presentExcept(total, lost);
            lost.forEach(i -> shards[i].fill((byte) 0x3C));
            codec.reconstruct(shards, present, CancelSignal.NEVER);
            for (int i = 0; i < total; i++) {
                assertThat(TestShards.bytes(shards[i])).as("%s lost %s shard %d", label, lost, i)
                        .isEqualTo(TestShards.bytes(original[i]));
            }

            List<Integer> tooMany = shuffledIndexes(total, random).subList(0, parityShards + 1);
            MemorySegment[] broken = TestShards.copy(arena, original);
            tooMany.forEach(i -> broken[i].fill((byte) 0x3C));
            assertThatThrownBy(() -> codec.reconstruct(broken, presentExcept(total, tooMany), CancelSignal.NEVER))
                    .as(label).isInstanceOf(TooFewShardsException.class);
            for (int i : tooMany) {
                assertThat(TestShards.bytes(broken[i])).as("%s untouched shard %d", label, i).containsOnly((byte) 0x3C);
            }
        }
    }

    private static List<Integer> shuffledIndexes(int total, Random random) {
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            indexes.add(i);
        }
        Collections.shuffle(indexes, random);
        return indexes;
    }

    private static boolean[] presentExcept(int total, List<Integer> lost) {
        boolean[] present = new boolean[total];
        java.util.Arrays.fill(present, true);
        lost.forEach(i -> present[i] = false);
        return present;
    }
}
