package dev.erasure.codec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
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
        String[] parts = shape.split("x");
        int dataShards = Integer.parseInt(parts[0]);
        int parityShards = Integer.parseInt(parts[1]);
        code = ReedSolomon.create(CodecKind.fromWireName(codec), dataShards, parityShards, CodecBenchmark.kernel(kernel));
        corrector = code.corrector();
        int shardSize = (objectSize + dataShards - 1) / dataShards;
        arena = Arena.ofShared();
        shards = new MemorySegment[dataShards + parityShards];
        Random random = new Random(1);
        byte[] bytes = new byte[shardSize];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = arena.allocate(shardSize, 64);
            random.nextBytes(bytes);
            shards[i].copyFrom(MemorySegment.ofArray(bytes));
        }
        code.encode(shards, CancelSignal.NEVER);
        corrupted = new MemorySegment[shards.length];
        for (int i = 0; i < shards.length; i++) {
            corrupted[i] = arena.allocate(shardSize, 64);
            corrupted[i].copyFrom(shards[i]);
        }
        for (long b = 0; b < shardSize; b++) {
            corrupted[3].set(java.lang.foreign.ValueLayout.JAVA_BYTE, b,
                    (byte) (corrupted[3].get(java.lang.foreign.ValueLayout.JAVA_BYTE, b) ^ 0x5A));
        }
        all = new boolean[shards.length];
        Arrays.fill(all, true);
        lost2 = all.clone();
        lost2[0] = false;
        lost2[1] = false;
        lost4 = lost2.clone();
        lost4[2] = false;
        lost4[3] = false;
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
