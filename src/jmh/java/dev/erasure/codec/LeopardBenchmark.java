package dev.erasure.codec;

import dev.erasure.codec.leopard.LeopardKernels;
import dev.erasure.codec.leopard.ScalarLeopardKernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Leopard-RS encode and decode, single thread, on native shards, with the memcpy of the same data
 * shards in the same state (the floor of touching the data once). Decode loses the first
 * min(k, m) data shards (all parity present). The score is operations per second;
 * bin/bench-leopard converts it to GB/s of data (k x shardSize per operation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class LeopardBenchmark {

    @Param({"vector", "scalar"})
    public String kernel;

    /** k x m x shardSize. */
    @Param({"10x4x65536", "100x28x65536", "1000x200x65536", "32768x32768x1024"})
    public String stripe;

    private Arena arena;
    private LeopardCode code;
    private MemorySegment[] shards;
    private MemorySegment[] copies;
    private boolean[] present;

    @Setup(Level.Trial)
    public void setUp() {
        int[] numbers = BenchStripes.numbers(stripe);
        int k = numbers[0];
        int m = numbers[1];
        code = LeopardCode.create(k, m, kernel.equals("vector") ? LeopardKernels.select(true)
                : new ScalarLeopardKernel());
        arena = Arena.ofShared();
        shards = BenchStripes.randomShards(arena, k + m, numbers[2]);
        copies = BenchStripes.copies(arena, Arrays.copyOf(shards, k));
        code.encode(shards, CancelSignal.NEVER);
        present = BenchStripes.firstLost(shards.length, Math.min(k, m));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void encode() {
        code.encode(shards, CancelSignal.NEVER);
    }

    @Benchmark
    public void decode() {
        code.reconstruct(shards, present, CancelSignal.NEVER);
    }

    @Benchmark
    public void memcpy() {
        for (int i = 0; i < copies.length; i++) {
            copies[i].copyFrom(shards[i]);
        }
    }
}
