package dev.erasure.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.codec.kernel.Kernel;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Parity computed by klauspost/reedsolomon, ISA-L, zfec and Jerasure (see src/test/resources/vectors/README.md)
 * must come out of our encoder byte for byte, and every single loss must reconstruct.
 */
class GoldenVectorTest {

    private final Kernel kernel = TestShards.kernelUnderTest();

    /** A parsed vector file: the code and the shards (data then parity). */
    record Vector(CodecKind kind, int dataShards, int parityShards, byte[][] shards) {
        static Vector load(String name) throws IOException {
            try (InputStream in = GoldenVectorTest.class.getResourceAsStream("/vectors/" + name)) {
                assertThat(in).as("vector file %s", name).isNotNull();
                List<String> lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                        .filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
                CodecKind kind = CodecKind.fromWireName(lines.get(0).split(" ")[1]);
                int dataShards = Integer.parseInt(lines.get(1).split(" ")[1]);
                int parityShards = Integer.parseInt(lines.get(2).split(" ")[1]);
                byte[][] shards = new byte[dataShards + parityShards][];
                for (int i = 0; i < shards.length; i++) {
                    String[] parts = lines.get(3 + i).split(" ");
                    assertThat(Integer.parseInt(parts[1])).isEqualTo(i);
                    shards[i] = HexFormat.of().parseHex(parts[2]);
                }
                return new Vector(kind, dataShards, parityShards, shards);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"klauspost-vandermonde-5x5-2.txt", "klauspost-vandermonde-4x2-33.txt",
        "klauspost-vandermonde-10x4-64.txt", "klauspost-vandermonde-17x3-17.txt", "klauspost-cauchy-4x2-33.txt",
        "klauspost-cauchy-10x4-64.txt", "isal-cauchy-4x2-33.txt", "isal-cauchy-10x4-64.txt", "isal-cauchy-20x8-7.txt",
        "zfec-zfec-3x7-33.txt", "zfec-zfec-10x4-64.txt", "isal-rs-4x2-33.txt", "isal-rs-21x4-7.txt",
        "jerasure-reed_sol_van-4x2-33.txt", "jerasure-reed_sol_van-10x4-64.txt", "jerasure-reed_sol_van-8x3-7.txt"})
    void encode_matchesPeerParity_andEachLossReconstructs(String name) throws IOException {
        Vector vector = Vector.load(name);
        int total = vector.dataShards() + vector.parityShards();
        ReedSolomon codec = ReedSolomon.create(vector.kind(), vector.dataShards(), vector.parityShards(), kernel);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] shards = toNative(arena, vector.shards());
            for (int i = vector.dataShards(); i < total; i++) {
                shards[i].fill((byte) 0);
            }
            codec.encode(shards, CancelSignal.NEVER);
            for (int i = 0; i < total; i++) {
                assertThat(TestShards.bytes(shards[i])).as("%s shard %d", name, i).isEqualTo(vector.shards()[i]);
            }
            for (int lost = 0; lost < total; lost++) {
                MemorySegment[] copy = toNative(arena, vector.shards());
                copy[lost].fill((byte) 0);
                boolean[] present = new boolean[total];
                java.util.Arrays.fill(present, true);
                present[lost] = false;
                codec.reconstruct(copy, present, CancelSignal.NEVER);
                assertThat(TestShards.bytes(copy[lost])).as("%s lost %d", name, lost).isEqualTo(vector.shards()[lost]);
            }
        }
    }

    @Test
    void encode_backblazeFivePlusFiveExample_givesKnownParity() {
        HexFormat hex = HexFormat.of();
        MemorySegment[] shards = new MemorySegment[10];
        String[] data = {"0001", "0405", "0203", "0607", "0809"};
        for (int i = 0; i < 10; i++) {
            shards[i] = MemorySegment.ofArray(i < 5 ? hex.parseHex(data[i]) : new byte[2]);
        }
        ReedSolomon.create(CodecKind.RS_VANDERMONDE, 5, 5, kernel).encode(shards, CancelSignal.NEVER);
        String[] parity = {"0c0d", "0a0b", "0e0f", "5a5b", "5e5f"};
        for (int p = 0; p < 5; p++) {
            assertThat(hex.formatHex(TestShards.bytes(shards[5 + p]))).isEqualTo(parity[p]);
        }
    }

    private static MemorySegment[] toNative(Arena arena, byte[][] shards) {
        MemorySegment[] result = new MemorySegment[shards.length];
        for (int i = 0; i < shards.length; i++) {
            result[i] = arena.allocate(shards[i].length, 64);
            result[i].copyFrom(MemorySegment.ofArray(shards[i]));
        }
        return result;
    }
}
