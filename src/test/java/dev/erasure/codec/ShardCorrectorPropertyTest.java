package dev.erasure.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.erasure.codec.kernel.Kernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link ShardCorrector} over random shapes of both codecs, random missing shards
 * and random corruption: within floor((r - k) / 2) corrupted shards per column everything is
 * corrected and reported exactly; beyond it the answer is an exception or a consistent stripe that
 * changed only the shards it names. A fast subset runs by default; the full set is tagged slow.
 */
class ShardCorrectorPropertyTest {

    /** How the corruption is spread over the stripe. */
    enum Damage { WHOLE_SHARDS, SINGLE_BYTE, SINGLE_BITS, PER_COLUMN }

    private final Kernel kernel = TestShards.kernelUnderTest();

    @Test
    void withinTheBound_fastSubset() {
        Random random = new Random(17_2026L);
        for (int n = 0; n < 160; n++) {
            withinBound(random, 20, 12, random.nextInt(8) == 0 ? 70_000 : 600, Damage.values()[n % 4]);
        }
    }

    @Test
    void beyondTheBound_fastSubset() {
        Random random = new Random(4711L);
        for (int n = 0; n < 160; n++) {
            beyondBound(random, 12, 8, 300, Damage.values()[n % 4]);
        }
    }

    @Test
    @Tag("slow")
    void withinAndBeyondTheBound_fullSet() {
        Random random = new Random(99L);
        for (int n = 0; n < 600; n++) {
            withinBound(random, 120, 60, random.nextInt(10) == 0 ? 300_000 : 3000, Damage.values()[n % 4]);
            beyondBound(random, 40, 20, 2000, Damage.values()[n % 4]);
        }
    }

    @Test
    void allSupplied_tenPlusFour_twoWholeShards_andEveryPair() {
        for (CodecKind kind : List.of(CodecKind.RS_VANDERMONDE, CodecKind.RS_CAUCHY)) {
            ReedSolomon codec = ReedSolomon.create(kind, 10, 4, kernel);
            for (int a = 0; a < 14; a++) {
                for (int b = a + 1; b < 14; b++) {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment[] original = encoded(arena, codec, 257, new Random(a * 31 + b));
                        MemorySegment[] shards = TestShards.copy(arena, original);
                        xorAll(shards[a], 0x5A);
                        xorAll(shards[b], 0xFF);
                        Correction correction = codec.corrector().correct(shards, allPresent(14), CancelSignal.NEVER);
                        assertThat(correction.shards()).containsExactly(a, b);
                        assertThat(correction.columns()).isEqualTo(257);
                        assertSameBytes(shards, original);
                    }
                }
            }
        }
    }

    @Test
    void fullLengthCode_withThePointZeroSupplied_correctsThatShardToo() {
        // k + m = 256 and every shard supplied: every field element is a point, so one position
        // has X = 0 and is located by the extra hypothesis
        for (CodecKind kind : List.of(CodecKind.RS_VANDERMONDE, CodecKind.RS_CAUCHY)) {
            ReedSolomon codec = ReedSolomon.create(kind, 250, 6, kernel);
            ShardCorrector corrector = codec.corrector();
            int zero = -1;
            for (int j = 0; j < 256; j++) {
                if (corrector.code().point(j) == 0) {
                    zero = j;
                }
            }
            int other = (zero + 100) % 256;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment[] original = encoded(arena, codec, 5, new Random(3));
                MemorySegment[] shards = TestShards.copy(arena, original);
                xorAll(shards[zero], 0x11);
                shards[other].set(ValueLayout.JAVA_BYTE, 2, (byte) ~shards[other].get(ValueLayout.JAVA_BYTE, 2));
                shards[255].set(ValueLayout.JAVA_BYTE, 4, (byte) (shards[255].get(ValueLayout.JAVA_BYTE, 4) ^ 0x80));
                Correction correction = corrector.correct(shards, allPresent(256), CancelSignal.NEVER);
                assertThat(correction.shards()).containsExactly(new TreeSet<>(List.of(zero, other, 255)).stream().mapToInt(i -> i).toArray());
                assertSameBytes(shards, original);
            }
        }
    }

    @Test
    void exactlyOneMoreShardThanK_detectsButCannotLocate() {
        ReedSolomon codec = ReedSolomon.create(CodecKind.RS_CAUCHY, 4, 2, kernel);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] shards = encoded(arena, codec, 64, new Random(5));
            shards[5] = null;
            boolean[] present = {true, true, true, true, true, false};
            assertThat(codec.corrector().correct(shards, present, CancelSignal.NEVER).clean()).isTrue();
            shards[2].set(ValueLayout.JAVA_BYTE, 9, (byte) (shards[2].get(ValueLayout.JAVA_BYTE, 9) ^ 1));
            assertThatThrownBy(() -> codec.corrector().correct(shards, present, CancelSignal.NEVER))
                    .isInstanceOf(UncorrectableShardsException.class)
                    .hasMessageContaining("at byte 9")
                    .hasMessageContaining("needs k + 2 = 6 shards");
        }
    }

    @Test
    void tooFewShards_isRefusedBeforeReading() {
        ReedSolomon codec = ReedSolomon.create(CodecKind.RS_VANDERMONDE, 4, 2, kernel);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] shards = encoded(arena, codec, 64, new Random(5));
            boolean[] present = {true, false, true, true, true, false};
            shards[1] = null;
            shards[5] = null;
            assertThatThrownBy(() -> codec.corrector().correct(shards, present, CancelSignal.NEVER))
                    .isInstanceOf(TooFewShardsException.class)
                    .hasMessageContaining("need at least 5 shards to locate corrupted shards");
        }
    }

    @Test
    void cancelSignal_stopsBetweenChunks() {
        ReedSolomon codec = ReedSolomon.create(CodecKind.RS_VANDERMONDE, 4, 2, kernel);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] shards = encoded(arena, codec, 64, new Random(5));
            assertThatThrownBy(() -> codec.corrector().correct(shards, allPresent(6), () -> true))
                    .isInstanceOf(CodingCancelledException.class);
        }
    }

    @Test
    void aCodeWithoutCorrector_refusesWithItsReason() {
        ErasureCode opaque = new ErasureCode() {
            public StripeShape shape() {
                return new StripeShape(CodecKind.RS_CAUCHY, 2, 2);
            }

            public void encode(MemorySegment[] shards, CancelSignal cancel) {
            }

            public void reconstruct(MemorySegment[] shards, boolean[] present, CancelSignal cancel) {
            }

            public int[] verify(MemorySegment[] shards, CancelSignal cancel) {
                return new int[0];
            }
        };
        assertThatThrownBy(opaque::corrector).isInstanceOf(CorrectionUnsupportedException.class)
                .hasMessageContaining("cannot locate corrupted shards");
    }

    private void withinBound(Random random, int maxData, int maxParity, int maxSize, Damage damage) {
        Case c = newCase(random, maxData, maxParity, maxSize);
        int bound = (c.supplied.size() - c.k) / 2;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] original = encoded(arena, c.codec, c.size, random);
            MemorySegment[] shards = TestShards.copy(arena, original);
            boolean[] present = new boolean[c.n];
            c.supplied.forEach(i -> present[i] = true);
            for (int i = 0; i < c.n; i++) {
                if (!present[i]) {
                    if (random.nextBoolean()) {
                        shards[i] = null;
                    } else {
                        shards[i].fill((byte) 0x3C);
                    }
                }
            }
            Expected expected = corrupt(shards, c, bound, damage, random);
            String label = c.label + " " + damage + " corrupted " + expected.shards;
            MemorySegment[] before = TestShards.copy(arena, shards);

            Correction located = c.codec.corrector().locate(shards, present, CancelSignal.NEVER);
            assertThat(located.shards()).as(label).containsExactly(expected.shards.stream().mapToInt(i -> i).toArray());
            assertThat(located.columns()).as(label).isEqualTo(expected.columns.size());
            assertSameBytes(shards, before);

            Correction corrected = c.codec.corrector().correct(shards, present, CancelSignal.NEVER);
            assertThat(corrected).as(label).isEqualTo(located);
            assertThat(corrected.correctable()).isEqualTo(bound);
            for (int i = 0; i < c.n; i++) {
                if (shards[i] != null) {
                    assertThat(TestShards.bytes(shards[i])).as(label + " shard " + i).isEqualTo(TestShards.bytes(original[i]));
                }
            }
        }
    }

    private void beyondBound(Random random, int maxData, int maxParity, int maxSize, Damage damage) {
        Case c = newCase(random, maxData, maxParity, maxSize);
        int r = c.supplied.size();
        int bound = (r - c.k) / 2;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] original = encoded(arena, c.codec, c.size, random);
            MemorySegment[] shards = TestShards.copy(arena, original);
            boolean[] present = new boolean[c.n];
            c.supplied.forEach(i -> present[i] = true);
            for (int i = 0; i < c.n; i++) {
                if (!present[i]) {
                    shards[i] = null;
                }
            }
            int count = bound + 1 + random.nextInt(r - bound);
            corrupt(shards, c, count, damage == Damage.PER_COLUMN ? Damage.WHOLE_SHARDS : damage, random, count);
            MemorySegment[] input = TestShards.copy(arena, shards);
            String label = c.label + " " + damage + " " + count + " corrupted";
            Throwable failure = catchThrowable(() -> c.codec.corrector().correct(shards, present, CancelSignal.NEVER));
            if (failure != null) {
                assertThat(failure).as(label).isInstanceOf(UncorrectableShardsException.class);
                return;
            }
            Correction correction = c.codec.corrector().locate(input, present, CancelSignal.NEVER);
            List<Integer> named = new ArrayList<>();
            for (int s : correction.shards()) {
                named.add(s);
            }
            assertThat(named.size()).as(label).isLessThanOrEqualTo(r);
            for (int i : c.supplied) {
                if (!named.contains(i)) {
                    assertThat(TestShards.bytes(shards[i])).as(label + " unnamed shard " + i + " unchanged")
                            .isEqualTo(TestShards.bytes(input[i]));
                }
            }
            // the corrected supplied shards are one codeword: rebuild the rest from them and verify all
            MemorySegment[] full = new MemorySegment[c.n];
            boolean[] have = new boolean[c.n];
            for (int i = 0; i < c.n; i++) {
                full[i] = arena.allocate(c.size);
                if (present[i]) {
                    full[i].copyFrom(shards[i]);
                    have[i] = true;
                }
            }
            c.codec.reconstruct(full, have, CancelSignal.NEVER);
            assertThat(c.codec.verify(full, CancelSignal.NEVER)).as(label + " consistent").isEmpty();
            assertThat(c.codec.corrector().locate(shards, present, CancelSignal.NEVER).clean()).as(label).isTrue();
        }
    }

    private record Case(ReedSolomon codec, int k, int n, int size, List<Integer> supplied, String label) {
    }

    private Case newCase(Random random, int maxData, int maxParity, int maxSize) {
        CodecKind kind = CodecKind.values()[random.nextInt(2)];
        int k = 1 + random.nextInt(maxData);
        int m = 1 + random.nextInt(Math.min(maxParity, 256 - k));
        int n = k + m;
        int missing = random.nextInt(m); // r = n - missing >= k + 1
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        List<Integer> supplied = new ArrayList<>(order.subList(missing, n));
        Collections.sort(supplied);
        int size = 1 + random.nextInt(maxSize);
        ReedSolomon codec = ReedSolomon.create(kind, k, m, kernel);
        return new Case(codec, k, n, size, supplied, kind.wireName() + " " + k + "+" + m + " size " + size
                + " supplied " + supplied);
    }

    private record Expected(TreeSet<Integer> shards, TreeSet<Long> columns) {
    }

    private static Expected corrupt(MemorySegment[] shards, Case c, int bound, Damage damage, Random random) {
        return corrupt(shards, c, bound == 0 ? 0 : 1 + random.nextInt(bound), damage, random, bound);
    }

    /** Corrupts {@code count} supplied shards (PER_COLUMN: up to {@code perColumn} per column). */
    private static Expected corrupt(MemorySegment[] shards, Case c, int count, Damage damage, Random random,
            int perColumn) {
        TreeSet<Integer> hit = new TreeSet<>();
        TreeSet<Long> columns = new TreeSet<>();
        List<Integer> order = new ArrayList<>(c.supplied);
        Collections.shuffle(order, random);
        List<Integer> chosen = order.subList(0, count);
        switch (damage) {
            case WHOLE_SHARDS -> {
                for (int s : chosen) {
                    for (long b = 0; b < c.size; b++) {
                        flip(shards[s], b, 1 + random.nextInt(255));
                        columns.add(b);
                    }
                    hit.add(s);
                }
            }
            case SINGLE_BYTE -> {
                long column = random.nextInt(c.size);
                for (int s : chosen) {
                    flip(shards[s], column, 1 + random.nextInt(255));
                    hit.add(s);
                    columns.add(column);
                }
            }
            case SINGLE_BITS -> {
                for (int s : chosen) {
                    long column = random.nextInt(c.size);
                    flip(shards[s], column, 1 << random.nextInt(8));
                    hit.add(s);
                    columns.add(column);
                }
            }
            case PER_COLUMN -> {
                if (perColumn == 0) {
                    break;
                }
                int places = 1 + random.nextInt(Math.min(c.size, 12));
                for (int p = 0; p < places; p++) {
                    long column = random.nextInt(c.size);
                    if (!columns.add(column)) {
                        continue;
                    }
                    Collections.shuffle(order, random);
                    for (int s : order.subList(0, 1 + random.nextInt(perColumn))) {
                        flip(shards[s], column, 1 + random.nextInt(255));
                        hit.add(s);
                    }
                }
            }
        }
        return new Expected(hit, columns);
    }

    private static void flip(MemorySegment shard, long at, int mask) {
        shard.set(ValueLayout.JAVA_BYTE, at, (byte) (shard.get(ValueLayout.JAVA_BYTE, at) ^ mask));
    }

    private static void xorAll(MemorySegment shard, int mask) {
        for (long b = 0; b < shard.byteSize(); b++) {
            flip(shard, b, mask);
        }
    }

    private MemorySegment[] encoded(Arena arena, ReedSolomon codec, int size, Random random) {
        MemorySegment[] shards = TestShards.randomStripe(arena, codec.dataShards(), codec.totalShards(), size, random);
        codec.encode(shards, CancelSignal.NEVER);
        return shards;
    }

    private static boolean[] allPresent(int n) {
        boolean[] present = new boolean[n];
        java.util.Arrays.fill(present, true);
        return present;
    }

    private static void assertSameBytes(MemorySegment[] actual, MemorySegment[] expected) {
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] != null) {
                assertThat(TestShards.bytes(actual[i])).as("shard " + i).isEqualTo(TestShards.bytes(expected[i]));
            }
        }
    }
}
