package dev.erasure.codec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
 * Encode and reconstruct throughput per kernel, single thread, on native shards (rs-cauchy, the
 * matrix ISA-L's C baseline uses). The score is operations per second; bin/bench-codec converts
 * it to GB/s of data input (dataShards x shardSize bytes per operation; parity is not counted).
 * Reconstruct loses the first min(dataShards, parityShards) data shards (all parity present):
 * the most expensive pattern. Decode tables are cached after the first call, as in service use.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CodecBenchmark {

    @Param({"isal", "vector", "scalar"})
    public String kernel;

    @Param({"4x2", "6x3", "10x4", "16x4", "32x8"})
    public String shape;

    @Param({"4096", "65536", "1048576"})
    public int shardSize;

    private Arena arena;
    private ReedSolomon codec;
    private MemorySegment[] shards;
    private boolean[] present;

    @Setup(Level.Trial)
    public void setUp() {
        int[] km = BenchStripes.numbers(shape);
        codec = ReedSolomon.create(CodecKind.RS_CAUCHY, km[0], km[1], BenchStripes.kernel(kernel));
        arena = Arena.ofShared();
        shards = BenchStripes.randomShards(arena, km[0] + km[1], shardSize);
        codec.encode(shards, CancelSignal.NEVER);
        present = BenchStripes.firstLost(shards.length, Math.min(km[0], km[1]));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void encode() {
        codec.encode(shards, CancelSignal.NEVER);
    }

    @Benchmark
    public void reconstruct() {
        codec.reconstruct(shards, present, CancelSignal.NEVER);
    }
}
