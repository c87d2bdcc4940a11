package dev.erasure.codec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
 * The price of {@code correct=true} on a clean stripe, single thread, against the plain decodes of
 * the same stripe: one object of {@code objectSize} bytes cut into k data shards (10 + 4 by
 * default, so 1 MiB gives shards of 104,858 bytes). Average time per operation.
 *
 * <ul>
 *   <li>{@code decodeLost2} / {@code correctLost2}: data shards 0 and 1 missing (12 supplied):
 *       rebuild them, and with correction also check the two extra shards;</li>
 *   <li>{@code decodeLost4}: data shards 0..3 missing (the costliest plain decode, 10 supplied,
 *       nothing left to check);</li>
 *   <li>{@code correctAll}: all 14 supplied, nothing to rebuild, four shards checked (a plain
 *       decode of that request computes nothing at the codec level);</li>
 *   <li>{@code locateWholeShard}: all 14 supplied, data shard 3 wrong in every byte (a copy of
 *       the stripe): the locator runs on every column (nothing written);</li>
 *   <li>{@code encode}: the parity of the stripe, for scale.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CorrectBenchmark {

    @Param({"isal", "vector"})
    public String kernel;

    @Param({"rs-cauchy", "rs-vandermonde"})
    public String codec;

    @Param({"10x4"})
    public String shape;

    @Param({"1048576"})
    public int objectSize;

    private Arena arena;
    private ReedSolomon code;
    private ShardCorrector corrector;
    private MemorySegment[] shards;
    private MemorySegment[] corrupted;
    private boolean[] all;
    private boolean[] lost2;
    private boolean[] lost4;

    @Setup(Level.Trial)
    public void setUp() {
        int[] km = BenchStripes.numbers(shape);
        code = ReedSolomon.create(CodecKind.fromWireName(codec), km[0], km[1], BenchStripes.kernel(kernel));
        corrector = code.corrector();
        int shardSize = (objectSize + km[0] - 1) / km[0];
        arena = Arena.ofShared();
        shards = BenchStripes.randomShards(arena, km[0] + km[1], shardSize);
        code.encode(shards, CancelSignal.NEVER);
        corrupted = BenchStripes.copies(arena, shards);
        for (long b = 0; b < shardSize; b++) {
            corrupted[3].set(ValueLayout.JAVA_BYTE, b, (byte) (corrupted[3].get(ValueLayout.JAVA_BYTE, b) ^ 0x5A));
        }
        all = BenchStripes.firstLost(shards.length, 0);
        lost2 = BenchStripes.firstLost(shards.length, 2);
        lost4 = BenchStripes.firstLost(shards.length, 4);
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
    public void decodeLost2() {
        code.reconstruct(shards, lost2, CancelSignal.NEVER);
    }

    @Benchmark
    public Correction correctLost2() {
        return corrector.correct(shards, lost2, CancelSignal.NEVER);
    }

    @Benchmark
    public void decodeLost4() {
        code.reconstruct(shards, lost4, CancelSignal.NEVER);
    }

    @Benchmark
    public Correction locateWholeShard() {
        return corrector.locate(corrupted, all, CancelSignal.NEVER);
    }

    @Benchmark
    public Correction correctAll() {
        return corrector.correct(shards, all, CancelSignal.NEVER);
    }
}
