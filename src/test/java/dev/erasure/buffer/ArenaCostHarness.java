package dev.erasure.buffer;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Not a test: a small harness that prints what one job's arena costs (open, allocate a stripe,
 * release), for each way of getting memory, all measured in the same run so that the ratios mean
 * something on a busy machine. The figures in docs/engine.md come from it.
 *
 * <pre>
 * . bin/jdk.sh && ./mvnw -B -ntp -q test-compile && java --enable-native-access=ALL-UNNAMED \
 *     -cp target/classes:target/test-classes dev.erasure.buffer.ArenaCostHarness 14 1048576 40
 * </pre>
 * Arguments: shards per stripe, shard size in bytes, idle threads to start (a Quarkus process has
 * dozens; closing a shared arena is a handshake with every thread).
 */
public final class ArenaCostHarness {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle ALIGNED_ALLOC = LINKER.downcallHandle(LINKER.defaultLookup().find("aligned_alloc").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    private static final MethodHandle FREE = LINKER.downcallHandle(LINKER.defaultLookup().find("free").orElseThrow(),
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));

    private ArenaCostHarness() {
    }

    public static void main(String[] args) throws Throwable {
        int shards = Integer.parseInt(args[0]);
        long shardSize = Long.parseLong(args[1]);
        startIdleThreads(Integer.parseInt(args[2]));
        NativeMemoryPool checked = new NativeMemoryPool(1L << 32, false, true);
        NativeMemoryPool unchecked = new NativeMemoryPool(1L << 32, false, false);
        int iterations = (int) Math.max(200, Math.min(50_000, (1L << 30) / (shards * shardSize)));
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            arenas(checked, iterations, shards, shardSize, true);
            long t1 = System.nanoTime();
            arenas(checked, iterations, shards, shardSize, false);
            long t2 = System.nanoTime();
            arenas(unchecked, iterations, shards, shardSize, false);
            long t3 = System.nanoTime();
            mallocZeroFree(iterations, shards, shardSize);
            long t4 = System.nanoTime();
            if (round >= 2) { // the first rounds warm up
                System.out.printf("%d x %d B: checked+zeroed %.1f us, checked+uninitialized %.1f us, "
                        + "unchecked+uninitialized %.1f us, malloc+memset+free %.1f us (per job)%n",
                        shards, shardSize, perJob(t0, t1, iterations), perJob(t1, t2, iterations),
                        perJob(t2, t3, iterations), perJob(t3, t4, iterations));
            }
        }
        checked.close();
        unchecked.close();
    }

    private static void arenas(NativeMemoryPool pool, int iterations, int shards, long shardSize, boolean zeroed) {
        for (int i = 0; i < iterations; i++) {
            JobArena arena = pool.open();
            for (int s = 0; s < shards; s++) {
                if (zeroed) {
                    arena.allocate(shardSize);
                } else {
                    arena.allocateUninitialized(shardSize);
                }
            }
            arena.release();
        }
    }

    private static void mallocZeroFree(int iterations, int shards, long shardSize) throws Throwable {
        MemorySegment[] segments = new MemorySegment[shards];
        for (int i = 0; i < iterations; i++) {
            for (int s = 0; s < shards; s++) {
                segments[s] = ((MemorySegment) ALIGNED_ALLOC.invokeExact(64L, JobArena.alignUp(shardSize))).reinterpret(shardSize);
                segments[s].fill((byte) 0);
            }
            for (MemorySegment segment : segments) {
                FREE.invokeExact(segment);
            }
        }
    }

    private static double perJob(long from, long to, int iterations) {
        return (to - from) / 1e3 / iterations;
    }

    private static void startIdleThreads(int count) {
        for (int i = 0; i < count; i++) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }
}
