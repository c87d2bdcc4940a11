package dev.erasure.codec;

import dev.erasure.codec.leopard.LeopardKernels;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Our Leopard-RS codec against catid/leopard itself, in one process: a libleopard shared library
 * built by the user (catid/leopard is not packaged; bin/bench-leopard says how to build it) is
 * called through FFM, and the two alternate round by round, each round timed on the thread's CPU
 * time. The ratio is taken per round, so that the VM's slow and fast minutes, which move one
 * build's JMH score by up to 1.5x (docs/benchmarks.md, Leopard), hit both sides of a ratio alike.
 *
 * <p>Per stripe it first checks that the library's parity equals ours byte for byte and that both
 * decodes rebuild the data, then measures encode and decode (the first min(k, m) data shards
 * lost, as in {@link LeopardBenchmark}) and prints, per operation, GB/s of data by CPU time for
 * each side and ours / catid per round (min, median, max), a ratio above 1 meaning ours is faster.
 *
 * <p>Usage: {@code LeopardPeerComparison <libleopard.so> <seconds per round> <rounds> <k x m x size,...>}.
 */
public final class LeopardPeerComparison {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final AddressLayout POINTER = ValueLayout.ADDRESS;

    private LeopardPeerComparison() {
    }

    /** leo_init_, leo_encode_work_count, leo_decode_work_count, leo_encode and leo_decode of leopard.h. */
    private record Library(MethodHandle encodeWorkCount, MethodHandle decodeWorkCount, MethodHandle encode,
            MethodHandle decode) {

        static Library load(Path path) throws Throwable {
            SymbolLookup lookup = SymbolLookup.libraryLookup(path, Arena.global());
            Linker linker = Linker.nativeLinker();
            MethodHandle init = linker.downcallHandle(lookup.find("leo_init_").orElseThrow(),
                    FunctionDescriptor.of(INT, INT));
            // The API version leopard.h passes (LEO_VERSION).
            if ((int) init.invokeExact(2) != 0) {
                throw new IllegalStateException("leo_init failed: the library does not support this CPU or version");
            }
            return new Library(
                    linker.downcallHandle(lookup.find("leo_encode_work_count").orElseThrow(),
                            FunctionDescriptor.of(INT, INT, INT)),
                    linker.downcallHandle(lookup.find("leo_decode_work_count").orElseThrow(),
                            FunctionDescriptor.of(INT, INT, INT)),
                    linker.downcallHandle(lookup.find("leo_encode").orElseThrow(),
                            FunctionDescriptor.of(INT, LONG, INT, INT, INT, POINTER, POINTER)),
                    linker.downcallHandle(lookup.find("leo_decode").orElseThrow(),
                            FunctionDescriptor.of(INT, LONG, INT, INT, INT, POINTER, POINTER, POINTER)));
        }
    }

    public static void main(String[] args) throws Throwable {
        Library library = Library.load(Path.of(args[0]));
        double seconds = Double.parseDouble(args[1]);
        int rounds = Integer.parseInt(args[2]);
        for (String stripe : args[3].split(",")) {
            int[] numbers = BenchStripes.numbers(stripe);
            compare(library, numbers[0], numbers[1], numbers[2], seconds, rounds);
        }
    }

    private static void compare(Library library, int k, int m, int size, double seconds, int rounds)
            throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] shards = BenchStripes.randomShards(arena, k + m, size);
            LeopardCode code = LeopardCode.create(k, m, LeopardKernels.select(true));
            code.encode(shards, CancelSignal.NEVER);
            int lost = Math.min(k, m);
            int encodeWork = (int) library.encodeWorkCount.invokeExact(k, m);
            int decodeWork = (int) library.decodeWorkCount.invokeExact(k, m);
            MemorySegment original = arena.allocate(POINTER, k);
            MemorySegment survivors = arena.allocate(POINTER, k);
            MemorySegment recovery = arena.allocate(POINTER, m);
            MemorySegment encodeArea = buffers(arena, encodeWork, size);
            MemorySegment decodeArea = buffers(arena, decodeWork, size);
            for (int i = 0; i < k; i++) {
                original.setAtIndex(POINTER, i, shards[i]);
                survivors.setAtIndex(POINTER, i, i < lost ? MemorySegment.NULL : shards[i]);
            }
            for (int j = 0; j < m; j++) {
                recovery.setAtIndex(POINTER, j, shards[k + j]);
            }
            // Same parity, and both decodes rebuild the lost data, before anything is timed.
            check((int) library.encode.invokeExact((long) size, k, m, encodeWork, original, encodeArea), "leo_encode");
            for (int j = 0; j < m; j++) {
                if (buffer(encodeArea, j, size).mismatch(shards[k + j]) != -1) {
                    throw new IllegalStateException(k + "+" + m + ": catid's parity shard " + j + " differs from ours");
                }
            }
            check((int) library.decode.invokeExact((long) size, k, m, decodeWork, survivors, recovery, decodeArea),
                    "leo_decode");
            MemorySegment[] ours = shards.clone();
            boolean[] present = BenchStripes.firstLost(k + m, lost);
            for (int i = 0; i < lost; i++) {
                ours[i] = arena.allocate(size, 64);
            }
            code.reconstruct(ours, present, CancelSignal.NEVER);
            for (int i = 0; i < lost; i++) {
                if (buffer(decodeArea, i, size).mismatch(shards[i]) != -1 || ours[i].mismatch(shards[i]) != -1) {
                    throw new IllegalStateException(k + "+" + m + ": a decode did not rebuild data shard " + i);
                }
            }
            double dataBytes = (double) k * size;
            Runnable[] encoders = {
                () -> code.encode(shards, CancelSignal.NEVER),
                () -> call(library.encode, size, k, m, encodeWork, original, null, encodeArea)};
            Runnable[] decoders = {
                () -> code.reconstruct(ours, present, CancelSignal.NEVER),
                () -> call(library.decode, size, k, m, decodeWork, survivors, recovery, decodeArea)};
            report(k, m, size, "encode", alternate(encoders, seconds, rounds), dataBytes);
            report(k, m, size, "decode", alternate(decoders, seconds, rounds), dataBytes);
        }
    }

    /** Work buffers of the library: an array of {@code count} pointers to {@code size} bytes each. */
    private static MemorySegment buffers(Arena arena, int count, int size) {
        MemorySegment pointers = arena.allocate(POINTER, count);
        for (int i = 0; i < count; i++) {
            pointers.setAtIndex(POINTER, i, arena.allocate(size, 64));
        }
        return pointers;
    }

    private static MemorySegment buffer(MemorySegment pointers, int i, int size) {
        return pointers.getAtIndex(POINTER, i).reinterpret(size);
    }

    private static void call(MethodHandle function, int size, int k, int m, int work, MemorySegment original,
            MemorySegment recovery, MemorySegment area) {
        try {
            int result = recovery == null
                    ? (int) function.invokeExact((long) size, k, m, work, original, area)
                    : (int) function.invokeExact((long) size, k, m, work, original, recovery, area);
            check(result, "libleopard");
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(int result, String what) {
        if (result != 0) {
            throw new IllegalStateException(what + " returned " + result);
        }
    }

    /** CPU nanoseconds per operation of each side, round by round; two warm-up rounds first. */
    private static double[][] alternate(Runnable[] sides, double seconds, int rounds) {
        double[][] perOp = new double[sides.length][rounds];
        for (int round = -2; round < rounds; round++) {
            for (int side = 0; side < sides.length; side++) {
                double nanos = BenchStripes.cpuNanosPerCall(sides[side], seconds);
                if (round >= 0) {
                    perOp[side][round] = nanos;
                }
            }
        }
        return perOp;
    }

    private static void report(int k, int m, int size, String op, double[][] perOp, double dataBytes) {
        int rounds = perOp[0].length;
        double[] ratios = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            ratios[round] = perOp[1][round] / perOp[0][round];
        }
        Arrays.sort(ratios);
        System.out.printf("leopard %6d+%-6d x %6d %s: ours %.3f GB/s, catid %.3f GB/s (CPU time, medians); "
                + "ours/catid per round min %.2f median %.2f max %.2f%n", k, m, size, op,
                dataBytes / median(perOp[0]), dataBytes / median(perOp[1]), ratios[0], ratios[rounds / 2],
                ratios[rounds - 1]);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
