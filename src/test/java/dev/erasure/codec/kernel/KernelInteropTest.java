package dev.erasure.codec.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.codec.CancelSignal;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.ReedSolomon;
import dev.erasure.codec.TestShards;
import dev.erasure.codec.isal.IsalKernel;
import dev.erasure.codec.isal.IsalLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Shards encoded by one kernel reconstruct on every other, byte for byte (Hadoop's
 * Interoperable tests). ISA-L takes part where the library is available.
 */
class KernelInteropTest {

    private static List<Kernel> kernels() {
        List<Kernel> kernels = new ArrayList<>(List.of(new ScalarKernel(), new VectorKernel()));
        if (IsalLibrary.system().available()) {
            kernels.add(new IsalKernel(new ScalarKernel()));
        }
        return kernels;
    }

    @Test
    void encodeOnOneKernel_reconstructOnAnother_randomShapes() {
        Random random = new Random(7);
        List<Kernel> kernels = kernels();
        for (int n = 0; n < 12; n++) {
            CodecKind kind = CodecKind.values()[n % 2];
            int dataShards = 1 + random.nextInt(16);
            int parityShards = 1 + random.nextInt(6);
            int size = 1 + random.nextInt(20_000);
            for (Kernel encoder : kernels) {
                for (Kernel decoder : kernels) {
                    check(kind, dataShards, parityShards, size, encoder, decoder, new Random(n));
                }
            }
        }
    }

    private static void check(CodecKind kind, int dataShards, int parityShards, int size, Kernel encoder,
            Kernel decoder, Random random) {
        int total = dataShards + parityShards;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] original = TestShards.randomStripe(arena, dataShards, total, size, random);
            ReedSolomon.create(kind, dataShards, parityShards, encoder).encode(original, CancelSignal.NEVER);
            MemorySegment[] shards = TestShards.copy(arena, original);
            boolean[] present = new boolean[total];
            java.util.Arrays.fill(present, true);
            for (int lost = 0; lost < parityShards; lost++) {
                int index = random.nextInt(total);
                present[index] = false;
                shards[index].fill((byte) 0);
            }
            ReedSolomon.create(kind, dataShards, parityShards, decoder).reconstruct(shards, present, CancelSignal.NEVER);
            for (int i = 0; i < total; i++) {
                assertThat(TestShards.bytes(shards[i])).as("%s %d+%d size %d, %s -> %s, shard %d", kind, dataShards,
                        parityShards, size, encoder.name(), decoder.name(), i).isEqualTo(TestShards.bytes(original[i]));
            }
        }
    }
}
