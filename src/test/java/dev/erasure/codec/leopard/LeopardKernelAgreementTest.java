package dev.erasure.codec.leopard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.lang.reflect.Method;
import java.util.Random;
import java.util.stream.Stream;
import jdk.incubator.vector.Vector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property: the vector kernel computes exactly what the scalar reference computes, for every
 * operation, random multipliers (including 0, 1 and the modulus), offsets and lengths, native and
 * heap segments; and the scalar reference multiplies like the field's logarithm tables say.
 */
class LeopardKernelAgreementTest {

    private static final int ROUNDS = 300;

    @ParameterizedTest(name = "GF(2^{0})")
    @ValueSource(ints = {8, 16})
    void vectorMatchesScalar_forEveryOperation(int bits) {
        assumeTrue(LeopardKernels.vectorUsable(), "the Vector API is not usable on this JVM/CPU");
        LeopardField field = bits == 8 ? LeopardField.ff8() : LeopardField.ff16();
        LeopardKernel scalar = new ScalarLeopardKernel();
        LeopardKernel vector = new VectorLeopardKernel();
        Random random = new Random(bits * 7919L);
        try (Arena arena = Arena.ofConfined()) {
            for (int round = 0; round < ROUNDS; round++) {
                int length = 64 * (1 + random.nextInt(20));
                long xOffset = 64L * random.nextInt(4);
                long yOffset = 64L * random.nextInt(4);
                boolean heap = round % 10 == 9;
                int logM = switch (round % 7) {
                    case 0 -> 0;
                    case 1 -> field.modulus;
                    default -> random.nextInt(field.order);
                };
                MemorySegment x = randomSegment(arena, xOffset + length, random, heap);
                MemorySegment y = randomSegment(arena, yOffset + length, random, heap);
                int op = round % 4;
                MemorySegment[] expected = {copy(arena, x), copy(arena, y)};
                MemorySegment[] actual = {copy(arena, x), copy(arena, y)};
                apply(scalar, field, op, expected[0], xOffset, expected[1], yOffset, length, logM);
                apply(vector, field, op, actual[0], xOffset, actual[1], yOffset, length, logM);
                assertThat(actual[0].mismatch(expected[0])).as("x after op %d, logM %d, round %d", op, logM, round)
                        .isEqualTo(-1L);
                assertThat(actual[1].mismatch(expected[1])).as("y after op %d, logM %d, round %d", op, logM, round)
                        .isEqualTo(-1L);
            }
        }
    }

    /**
     * The fused radix-4 steps equal four two-slot butterflies of the scalar reference, with zero
     * skew factors (logM = modulus: XOR only) mixed in, on native and heap work areas.
     */
    @ParameterizedTest(name = "GF(2^{0})")
    @ValueSource(ints = {8, 16})
    void radix4_matchesComposedScalarButterflies(int bits) {
        assumeTrue(LeopardKernels.vectorUsable(), "the Vector API is not usable on this JVM/CPU");
        LeopardField field = bits == 8 ? LeopardField.ff8() : LeopardField.ff16();
        LeopardKernel scalar = new ScalarLeopardKernel();
        LeopardKernel vector = new VectorLeopardKernel();
        Random random = new Random(bits * 31L);
        try (Arena arena = Arena.ofConfined()) {
            for (int round = 0; round < ROUNDS; round++) {
                int length = 64 * (1 + random.nextInt(20));
                long stride = length + 64L * random.nextInt(3);
                long first = 64L * random.nextInt(3);
                boolean heap = round % 10 == 9;
                int[] logs = skewLogs(field, 3, random);
                MemorySegment work = randomSegment(arena, first + 4 * stride, random, heap);
                MemorySegment expected = copy(arena, work);
                MemorySegment actual = copy(arena, work);
                long a = first;
                boolean inverse = round % 2 == 0;
                for (LeopardKernel k : new LeopardKernel[] {scalar, vector}) {
                    MemorySegment w = k == scalar ? expected : actual;
                    if (inverse) {
                        k.ifft4(field, w, a, a + stride, a + 2 * stride, a + 3 * stride, length, logs[0], logs[1],
                                logs[2]);
                    } else {
                        k.fft4(field, w, a, a + stride, a + 2 * stride, a + 3 * stride, length, logs[0], logs[1],
                                logs[2]);
                    }
                }
                assertThat(actual.mismatch(expected)).as("%s, logs %s, round %d", inverse ? "ifft4" : "fft4",
                        Arrays.toString(logs), round).isEqualTo(-1L);
            }
        }
    }

    /**
     * ifft4Load (inputs read block by block, null inputs as zeros, scaled by their multipliers in
     * every other round) equals the scalar load-then-transform.
     */
    @ParameterizedTest(name = "GF(2^{0})")
    @ValueSource(ints = {8, 16})
    void radix4Load_matchesScalar(int bits) {
        assumeTrue(LeopardKernels.vectorUsable(), "the Vector API is not usable on this JVM/CPU");
        LeopardField field = bits == 8 ? LeopardField.ff8() : LeopardField.ff16();
        Random random = new Random(bits * 131L);
        try (Arena arena = Arena.ofConfined()) {
            for (int round = 0; round < ROUNDS; round++) {
                int length = 64 * (1 + random.nextInt(80));
                long inOffset = 64L * random.nextInt(3);
                MemorySegment[] in = new MemorySegment[4];
                for (int i = 0; i < 4; i++) {
                    in[i] = random.nextInt(4) == 0 ? null : randomSegment(arena, inOffset + length, random, round % 10 == 9);
                }
                int[] logs = skewLogs(field, 3, random);
                int[] inLogs = round % 2 == 0 ? null : random.ints(4, 0, field.order).toArray();
                MemorySegment expected = randomSegment(arena, 4L * length, random, false);
                MemorySegment actual = copy(arena, expected);
                new ScalarLeopardKernel().ifft4Load(field, in, inLogs, inOffset, expected, 0, length, 2L * length,
                        3L * length, length, logs[0], logs[1], logs[2]);
                new VectorLeopardKernel().ifft4Load(field, in, inLogs, inOffset, actual, 0, length, 2L * length,
                        3L * length, length, logs[0], logs[1], logs[2]);
                assertThat(actual.mismatch(expected)).as("logs %s, round %d", Arrays.toString(logs), round)
                        .isEqualTo(-1L);
            }
        }
    }

    /**
     * fft4Store (outputs written block by block, null outputs skipped, scaled by their multipliers
     * in every other round) equals the scalar transform then write: same work area, same outputs,
     * nothing written to an output's other bytes; unscaled outputs are the slots themselves.
     */
    @ParameterizedTest(name = "GF(2^{0})")
    @ValueSource(ints = {8, 16})
    void radix4Store_matchesScalar(int bits) {
        assumeTrue(LeopardKernels.vectorUsable(), "the Vector API is not usable on this JVM/CPU");
        LeopardField field = bits == 8 ? LeopardField.ff8() : LeopardField.ff16();
        Random random = new Random(bits * 137L);
        try (Arena arena = Arena.ofConfined()) {
            for (int round = 0; round < ROUNDS; round++) {
                int length = 64 * (1 + random.nextInt(80));
                long outOffset = 64L * random.nextInt(3);
                boolean heap = round % 10 == 9;
                int[] logs = skewLogs(field, 3, random);
                MemorySegment[] expectedOut = new MemorySegment[4];
                MemorySegment[] actualOut = new MemorySegment[4];
                for (int i = 0; i < 4; i++) {
                    if (random.nextInt(4) != 0) {
                        expectedOut[i] = randomSegment(arena, outOffset + length + 64, random, heap);
                        actualOut[i] = copy(arena, expectedOut[i]);
                    }
                }
                MemorySegment expected = randomSegment(arena, 4L * length, random, false);
                MemorySegment actual = copy(arena, expected);
                int[] outLogs = round % 2 == 0 ? null : random.ints(4, 0, field.order).toArray();
                new ScalarLeopardKernel().fft4Store(field, expected, 0, length, 2L * length, 3L * length, length,
                        logs[0], logs[1], logs[2], expectedOut, outLogs, outOffset);
                new VectorLeopardKernel().fft4Store(field, actual, 0, length, 2L * length, 3L * length, length,
                        logs[0], logs[1], logs[2], actualOut, outLogs, outOffset);
                assertThat(actual.mismatch(expected)).as("work, logs %s, round %d", Arrays.toString(logs), round)
                        .isEqualTo(-1L);
                for (int i = 0; i < 4; i++) {
                    if (expectedOut[i] != null) {
                        assertThat(actualOut[i].mismatch(expectedOut[i])).as("output %d, round %d", i, round)
                                .isEqualTo(-1L);
                    }
                    if (expectedOut[i] != null && outLogs == null) {
                        assertThat(expectedOut[i].asSlice(outOffset, length).mismatch(expected.asSlice(i * length,
                                length))).as("output %d is slot %d", i, i).isEqualTo(-1L);
                    }
                }
            }
        }
    }

    /**
     * The fused small-m encode of the vector kernel equals the scalar reference (the composed
     * default): both fields, m = 2 and 4, data shard counts that leave the last group short, null
     * inputs, zero skew factors, lengths from one 64-byte block to several column blocks, input and
     * output offsets, and heap segments (the fallback).
     */
    @ParameterizedTest(name = "GF(2^{0})")
    @ValueSource(ints = {8, 16})
    void encodeSmall_vectorMatchesScalar(int bits) {
        assumeTrue(LeopardKernels.vectorUsable(), "the Vector API is not usable on this JVM/CPU");
        LeopardField field = bits == 8 ? LeopardField.ff8() : LeopardField.ff16();
        Random random = new Random(bits * 977L);
        try (Arena arena = Arena.ofConfined()) {
            for (int round = 0; round < ROUNDS; round++) {
                int m = round % 2 == 0 ? 4 : 2;
                int k = 1 + random.nextInt(13);
                int groups = (k + m - 1) / m;
                int length = 64 * (1 + random.nextInt(round % 3 == 0 ? 4 : 150));
                long inOffset = 64L * random.nextInt(3);
                long outOffset = 64L * random.nextInt(3);
                boolean heap = round % 10 == 9;
                MemorySegment[] in = new MemorySegment[k];
                for (int i = 0; i < k; i++) {
                    in[i] = random.nextInt(8) == 0 ? null : randomSegment(arena, inOffset + length, random, heap);
                }
                int[] logs = skewLogs(field, m == 4 ? 3 * groups + 3 : groups + 1, random);
                MemorySegment[] expected = new MemorySegment[m];
                MemorySegment[] actual = new MemorySegment[m];
                for (int j = 0; j < m; j++) {
                    expected[j] = randomSegment(arena, outOffset + length, random, false);
                    actual[j] = heap && j == 0 ? MemorySegment.ofArray(expected[j].toArray(ValueLayout.JAVA_BYTE))
                            : copy(arena, expected[j]);
                }
                new ScalarLeopardKernel().encodeSmall(field, m, in, inOffset, expected, outOffset, length, logs);
                new VectorLeopardKernel().encodeSmall(field, m, in, inOffset, actual, outOffset, length, logs);
                for (int j = 0; j < m; j++) {
                    assertThat(actual[j].mismatch(expected[j])).as("output %d of m=%d k=%d length %d, logs %s, round %d",
                            j, m, k, length, Arrays.toString(logs), round).isEqualTo(-1L);
                }
            }
        }
    }

    /**
     * The scalar reference of the fused small-m encode equals the same steps written out with
     * the two-slot butterflies (m = 4: two inverse layers per group, XOR of the groups, two
     * forward layers; m = 2: one layer each way).
     */
    @ParameterizedTest(name = "GF(2^{0})")
    @ValueSource(ints = {8, 16})
    void encodeSmall_scalarMatchesTwoSlotButterflies(int bits) {
        LeopardField field = bits == 8 ? LeopardField.ff8() : LeopardField.ff16();
        LeopardKernel scalar = new ScalarLeopardKernel();
        Random random = new Random(bits * 4099L);
        try (Arena arena = Arena.ofConfined()) {
            for (int round = 0; round < 40; round++) {
                int m = round % 2 == 0 ? 4 : 2;
                int k = 1 + random.nextInt(11);
                int groups = (k + m - 1) / m;
                int length = 64 * (1 + random.nextInt(6));
                MemorySegment[] in = new MemorySegment[k];
                for (int i = 0; i < k; i++) {
                    in[i] = randomSegment(arena, length, random, false);
                }
                int[] logs = skewLogs(field, m == 4 ? 3 * groups + 3 : groups + 1, random);
                MemorySegment[] actual = new MemorySegment[m];
                for (int j = 0; j < m; j++) {
                    actual[j] = arena.allocate(length, 64);
                }
                scalar.encodeSmall(field, m, in, 0, actual, 0, length, logs);

                MemorySegment sum = arena.allocate((long) m * length, 64);
                MemorySegment slots = arena.allocate((long) m * length, 64);
                for (int g = 0; g < groups; g++) {
                    slots.fill((byte) 0);
                    for (int i = 0; i < m && g * m + i < k; i++) {
                        MemorySegment.copy(in[g * m + i], 0, slots, (long) i * length, length);
                    }
                    if (m == 4) {
                        butterfly(scalar, field, slots, 0, 1, length, logs[3 * g], false);
                        butterfly(scalar, field, slots, 2, 3, length, logs[3 * g + 1], false);
                        butterfly(scalar, field, slots, 0, 2, length, logs[3 * g + 2], false);
                        butterfly(scalar, field, slots, 1, 3, length, logs[3 * g + 2], false);
                    } else {
                        butterfly(scalar, field, slots, 0, 1, length, logs[g], false);
                    }
                    scalar.xor(sum, 0, slots, 0, (long) m * length);
                }
                if (m == 4) {
                    int f = 3 * groups;
                    butterfly(scalar, field, sum, 0, 2, length, logs[f + 2], true);
                    butterfly(scalar, field, sum, 1, 3, length, logs[f + 2], true);
                    butterfly(scalar, field, sum, 0, 1, length, logs[f], true);
                    butterfly(scalar, field, sum, 2, 3, length, logs[f + 1], true);
                } else {
                    butterfly(scalar, field, sum, 0, 1, length, logs[groups], true);
                }
                for (int j = 0; j < m; j++) {
                    assertThat(actual[j].mismatch(sum.asSlice((long) j * length, length)))
                            .as("output %d of m=%d k=%d, logs %s", j, m, k, Arrays.toString(logs)).isEqualTo(-1L);
                }
            }
        }
    }

    /** A two-slot butterfly between slots x and y of {@code work}; XOR only for a zero skew. */
    private static void butterfly(LeopardKernel kernel, LeopardField field, MemorySegment work, int x, int y,
            int length, int logM, boolean forward) {
        long xa = (long) x * length;
        long ya = (long) y * length;
        if (logM == field.modulus) {
            kernel.xor(work, ya, work, xa, length);
        } else if (forward) {
            kernel.fftButterfly(field, work, xa, work, ya, length, logM);
        } else {
            kernel.ifftButterfly(field, work, xa, work, ya, length, logM);
        }
    }

    @ParameterizedTest(name = "GF(2^{0})")
    @ValueSource(ints = {8, 16})
    void scalarMul_matchesLogTables(int bits) {
        LeopardField field = bits == 8 ? LeopardField.ff8() : LeopardField.ff16();
        Random random = new Random(bits);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment y = randomSegment(arena, 64, random, false);
            MemorySegment x = arena.allocate(64);
            for (int round = 0; round < 50; round++) {
                int logM = random.nextInt(field.order);
                new ScalarLeopardKernel().mul(field, x, 0, y, 0, 64, logM);
                for (int s = 0; s < (bits == 8 ? 64 : 32); s++) {
                    int symbol = bits == 8 ? y.get(ValueLayout.JAVA_BYTE, s) & 0xFF
                            : (y.get(ValueLayout.JAVA_BYTE, s) & 0xFF) | (y.get(ValueLayout.JAVA_BYTE, s + 32) & 0xFF) << 8;
                    int product = bits == 8 ? x.get(ValueLayout.JAVA_BYTE, s) & 0xFF
                            : (x.get(ValueLayout.JAVA_BYTE, s) & 0xFF) | (x.get(ValueLayout.JAVA_BYTE, s + 32) & 0xFF) << 8;
                    assertThat(product).as("symbol %d times exp(%d)", symbol, logM)
                            .isEqualTo(field.mulLog(symbol, logM));
                }
            }
        }
    }

    private static void apply(LeopardKernel kernel, LeopardField field, int op, MemorySegment x, long xOffset,
            MemorySegment y, long yOffset, int length, int logM) {
        switch (op) {
            case 0 -> kernel.xor(x, xOffset, y, yOffset, length);
            case 1 -> kernel.mul(field, x, xOffset, y, yOffset, length, logM);
            case 2 -> kernel.fftButterfly(field, x, xOffset, y, yOffset, length, logM);
            default -> kernel.ifftButterfly(field, x, xOffset, y, yOffset, length, logM);
        }
    }

    /** Random multipliers for skew factors, a quarter of them zero skews (logM = modulus: XOR only). */
    private static int[] skewLogs(LeopardField field, int count, Random random) {
        int[] logs = new int[count];
        for (int i = 0; i < count; i++) {
            logs[i] = random.nextInt(4) == 0 ? field.modulus : random.nextInt(field.order);
        }
        return logs;
    }

    private static MemorySegment randomSegment(Arena arena, long size, Random random, boolean heap) {
        byte[] bytes = new byte[(int) size];
        random.nextBytes(bytes);
        if (heap) {
            return MemorySegment.ofArray(bytes);
        }
        MemorySegment segment = arena.allocate(size, 64);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return segment;
    }

    private static MemorySegment copy(Arena arena, MemorySegment segment) {
        if (!segment.isNative()) {
            return MemorySegment.ofArray(segment.toArray(ValueLayout.JAVA_BYTE));
        }
        MemorySegment copy = arena.allocate(segment.byteSize(), 64);
        copy.copyFrom(segment);
        return copy;
    }

    /**
     * The vector kernel's loops must not hand vectors to methods of ours: C2 inlines such a helper
     * only where the call's profile looks hot, and runs the loop on boxed vectors (several times
     * slower) where it does not, which varied from one JVM run to the next.
     */
    @Test
    void noMethodOfTheVectorKernelTakesOrReturnsAVector() {
        Stream<String> offenders = Arrays.stream(VectorLeopardKernel.class.getDeclaredMethods())
                .filter(method -> Vector.class.isAssignableFrom(method.getReturnType())
                        || Arrays.stream(method.getParameterTypes()).anyMatch(Vector.class::isAssignableFrom))
                .map(Method::getName);
        assertThat(offenders).isEmpty();
    }
}
