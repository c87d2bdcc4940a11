package dev.erasure.codec;

import dev.erasure.codec.kernel.Kernel;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A companion to the JMH run for a shared, noisy machine: runs the kernels in alternation, each
 * round timed on the thread's CPU time (time the thread was not scheduled does not count), and
 * prints the median GB/s of data input per kernel and operation, one line each:
 * {@code java-cpu <kernel> <encode|reconstruct> <k> <m> <size> <median GB/s>}.
 * The C baseline (bench.c) prints its CPU-time figure the same way, so bin/bench-codec can form
 * ratios that survive other load on the machine better than wall-clock scores.
 *
 * <p>Usage: {@code CpuTimeComparison <seconds per round> <rounds> <kxm,...> <size,...> <kernel,...>};
 * the kernel list may include {@code isal-c}, the C loop of bench.c loaded from
 * {@code -Dbench.isal.lib=target/bench/libbench-isal.so}, which then alternates with the Java
 * kernels in the same process.
 */
public final class CpuTimeComparison {

    /** Pseudo-kernel name of the C loop in libbench-isal.so (system property bench.isal.lib gives its path). */
    static final String NATIVE = "isal-c";

    private CpuTimeComparison() {
    }

    private static MethodHandle nativeLoop;

    /** isal_c_cpu_gbs(reconstruct, k, m, size, seconds) of bench.c, loaded on first use. */
    private static double nativeBaseline(String op, int dataShards, int parityShards, int size, double seconds) {
        try {
            if (nativeLoop == null) {
                SymbolLookup lookup = SymbolLookup.libraryLookup(Path.of(System.getProperty("bench.isal.lib")),
                        Arena.global());
                nativeLoop = Linker.nativeLinker().downcallHandle(lookup.find("isal_c_cpu_gbs").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_DOUBLE, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_DOUBLE));
            }
            return (double) nativeLoop.invokeExact(op.equals("encode") ? 0 : 1, dataShards, parityShards, size,
                    seconds);
        } catch (Throwable e) {
            throw new IllegalStateException("native baseline failed (set -Dbench.isal.lib=.../libbench-isal.so)", e);
        }
    }

    public static void main(String[] args) {
        double seconds = Double.parseDouble(args[0]);
        int rounds = Integer.parseInt(args[1]);
        String[] kernels = args[4].split(",");
        for (String shape : args[2].split(",")) {
            int dataShards = Integer.parseInt(shape.split("x")[0]);
            int parityShards = Integer.parseInt(shape.split("x")[1]);
            for (String size : args[3].split(",")) {
                compare(dataShards, parityShards, Integer.parseInt(size), kernels, seconds, rounds);
            }
        }
    }

    private static void compare(int dataShards, int parityShards, int size, String[] kernels, double seconds,
            int rounds) {
        int total = dataShards + parityShards;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] shards = BenchStripes.randomShards(arena, total, size);
            boolean[] present = BenchStripes.firstLost(total, Math.min(dataShards, parityShards));
            ReedSolomon[] codes = new ReedSolomon[kernels.length];
            for (int j = 0; j < kernels.length; j++) {
                if (!kernels[j].equals(NATIVE)) {
                    Kernel kernel = BenchStripes.kernel(kernels[j]);
                    codes[j] = ReedSolomon.create(CodecKind.RS_CAUCHY, dataShards, parityShards, kernel);
                }
            }
            for (String op : new String[] {"encode", "reconstruct"}) {
                double[][] results = new double[kernels.length][rounds];
                for (int round = -2; round < rounds; round++) {
                    for (int j = 0; j < kernels.length; j++) {
                        double gbs = codes[j] == null
                                ? nativeBaseline(op, dataShards, parityShards, size, seconds)
                                : measure(codes[j], op, shards, present, seconds, (long) dataShards * size);
                        if (round >= 0) {
                            results[j][round] = gbs;
                        }
                    }
                }
                for (int j = 0; j < kernels.length; j++) {
                    Arrays.sort(results[j]);
                    System.out.printf("java-cpu %s %s %d %d %d %.3f%n", kernels[j], op, dataShards, parityShards, size,
                            results[j][rounds / 2]);
                }
            }
        }
    }

    private static double measure(ReedSolomon codec, String op, MemorySegment[] shards, boolean[] present,
            double seconds, long bytesPerOp) {
        Runnable call = op.equals("encode")
                ? () -> codec.encode(shards, CancelSignal.NEVER)
                : () -> codec.reconstruct(shards, present, CancelSignal.NEVER);
        return bytesPerOp / BenchStripes.cpuNanosPerCall(call, seconds);
    }
}
