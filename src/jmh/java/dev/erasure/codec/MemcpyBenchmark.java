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
 * The copy-only baseline: copying the dataShards x shardSize bytes of a stripe's data shards
 * (segment to segment, i.e. memcpy), the floor any kernel pays for touching the data once.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MemcpyBenchmark {

    @Param({"4x2", "6x3", "10x4", "16x4", "32x8"})
    public String shape;

    @Param({"4096", "65536", "1048576"})
    public int shardSize;

    private Arena arena;
    private MemorySegment[] sources;
    private MemorySegment[] targets;

    @Setup(Level.Trial)
    public void setUp() {
        int dataShards = Integer.parseInt(shape.split("x")[0]);
        arena = Arena.ofShared();
        sources = new MemorySegment[dataShards];
        targets = new MemorySegment[dataShards];
        for (int i = 0; i < dataShards; i++) {
            sources[i] = arena.allocate(shardSize, 64);
            sources[i].fill((byte) i);
            targets[i] = arena.allocate(shardSize, 64);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void copyDataShards() {
        for (int i = 0; i < sources.length; i++) {
            targets[i].copyFrom(sources[i]);
        }
    }
}
