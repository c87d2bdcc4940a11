package dev.erasure.codec;

import dev.erasure.codec.isal.IsalKernel;
import dev.erasure.codec.kernel.Kernel;
import dev.erasure.codec.kernel.ScalarKernel;
import dev.erasure.codec.kernel.VectorKernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;

/**
 * The set-up the codec benchmarks share: shapes written as "k x m" parameters, native shards of
 * random bytes (the same bytes for the same seed, so runs compare), loss patterns, the kernel
 * named by a parameter, and the CPU-time loop of the harnesses that alternate their contenders.
 */
final class BenchStripes {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private BenchStripes() {
    }

    /**
     * Runs {@code op} until it has used {@code seconds} of this thread's CPU time (time the thread
     * was not scheduled does not count); returns CPU nanoseconds per call.
     */
    static double cpuNanosPerCall(Runnable op, double seconds) {
        long budget = (long) (seconds * 1e9);
        long start = THREADS.getCurrentThreadCpuTime();
        long calls = 0;
        long used;
        do {
            op.run();
            calls++;
            used = THREADS.getCurrentThreadCpuTime() - start;
        } while (used < budget);
        return (double) used / calls;
    }

    /** "10x4" -> {10, 4}; "1000x200x65536" -> {1000, 200, 65536}. */
    static int[] numbers(String parameter) {
        return Arrays.stream(parameter.split("x")).mapToInt(Integer::parseInt).toArray();
    }

    /** {@code count} native shards of {@code shardSize} random bytes (seed 1), 64-byte aligned. */
    static MemorySegment[] randomShards(Arena arena, int count, int shardSize) {
        MemorySegment[] shards = new MemorySegment[count];
        Random random = new Random(1);
        byte[] bytes = new byte[shardSize];
        for (int i = 0; i < count; i++) {
            shards[i] = arena.allocate(shardSize, 64);
            random.nextBytes(bytes);
            shards[i].copyFrom(MemorySegment.ofArray(bytes));
        }
        return shards;
    }

    /** Native copies of the shards. */
    static MemorySegment[] copies(Arena arena, MemorySegment[] shards) {
        MemorySegment[] copies = new MemorySegment[shards.length];
        for (int i = 0; i < shards.length; i++) {
            copies[i] = arena.allocate(shards[i].byteSize(), 64);
            copies[i].copyFrom(shards[i]);
        }
        return copies;
    }

    /** A present mask of {@code total} shards with shards 0..lost-1 missing. */
    static boolean[] firstLost(int total, int lost) {
        boolean[] present = new boolean[total];
        Arrays.fill(present, true);
        Arrays.fill(present, 0, lost, false);
        return present;
    }

    /** The matrix-code kernel named "isal", "vector" or "scalar". */
    static Kernel kernel(String name) {
        return switch (name) {
            case "isal" -> new IsalKernel(new ScalarKernel());
            case "vector" -> new VectorKernel();
            case "scalar" -> new ScalarKernel();
            default -> throw new IllegalArgumentException("unknown kernel " + name);
        };
    }
}
