package dev.erasure.codec;

import dev.erasure.codec.leopard.LeopardEngine;
import dev.erasure.codec.leopard.LeopardKernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Leopard-RS ({@link CodecKind#LEOPARD}) for one stripe shape: the FFT-based Reed-Solomon code of
 * catid/leopard, parity byte-identical to its {@code leo_encode}, decoding in O(n log n) per byte
 * column (see {@link LeopardEngine} and docs/codec.md).
 *
 * <p>Same contracts as {@link ReedSolomon} (array layout, null entries, validation before any write,
 * cancellation), plus Leopard's own rules: 1 <= m <= k, k + m <= 65536, and every shard size a
 * multiple of {@value #SHARD_SIZE_MULTIPLE} bytes (else {@link ShardSizeMismatchException}).
 * {@code reconstruct} reads only the first k present shards; lost data shards are decoded, lost
 * parity shards are recomputed by encoding the (restored) data.
 *
 * <p>Worked example (k=4, m=2): encode reads shards 0..3 and writes 4 and 5; with shards 1 and 4
 * lost, {@code reconstruct} decodes shard 1 from 0, 2, 3 and 5, then encodes shard 4 again.
 */
public final class LeopardCode implements ErasureCode {

    /** Every shard size is a multiple of this many bytes (leopard's SIMD block). */
    public static final int SHARD_SIZE_MULTIPLE = 64;

    /** Largest k + m. */
    public static final int MAX_TOTAL_SHARDS = 65536;

    private final int dataShards;
    private final int parityShards;
    private final LeopardEngine engine;

    private LeopardCode(int dataShards, int parityShards, LeopardKernel kernel) {
        this.dataShards = dataShards;
        this.parityShards = parityShards;
        this.engine = new LeopardEngine(dataShards, parityShards, kernel);
    }

    /**
     * @throws InvalidShapeException if not 1 <= m <= k and k + m <= 65536
     * @throws NullPointerException if kernel is null
     */
    public static LeopardCode create(int dataShards, int parityShards, LeopardKernel kernel) {
        if (kernel == null) {
            throw new NullPointerException("kernel must not be null");
        }
        checkShape(dataShards, parityShards);
        return new LeopardCode(dataShards, parityShards, kernel);
    }

    /** Leopard's shape rules, each failure naming the rule and the values received. */
    static void checkShape(long dataShards, long parityShards) {
        ShardChecks.shape(dataShards, parityShards, MAX_TOTAL_SHARDS);
        if (parityShards > dataShards) {
            throw new InvalidShapeException("codec leopard needs m <= k (got k=" + dataShards + ", m="
                    + parityShards + ")", (int) dataShards, (int) parityShards);
        }
    }

    @Override
    public StripeShape shape() {
        return new StripeShape(CodecKind.LEOPARD, dataShards, parityShards);
    }

    public int totalShards() {
        return dataShards + parityShards;
    }

    /** How leopard codes this shape (copy, XOR, GF(2^8) or GF(2^16)). */
    public LeopardEngine.Method method() {
        return engine.method();
    }

    /**
     * Computes parity: reads shards[0..k), writes shards[k..k+m). No entry may be null.
     *
     * @throws IllegalArgumentException if the array length is wrong, an entry is null or a parity segment is read-only
     * @throws ShardSizeMismatchException if the shards differ in size, one is empty or the size is not a multiple of 64
     * @throws CodingCancelledException if {@code cancel} was raised (parity then partly written)
     */
    @Override
    public void encode(MemorySegment[] shards, CancelSignal cancel) {
        ShardChecks.arrayLength("shards", shards.length, totalShards());
        ShardChecks.noneNull(shards, 0, totalShards(), "encode");
        long size = commonSize(shards);
        for (int i = dataShards; i < totalShards(); i++) {
            ShardChecks.writable(shards[i], i);
        }
        engine.encode(Arrays.copyOfRange(shards, 0, dataShards), Arrays.copyOfRange(shards, dataShards,
                totalShards()), size, cancel);
    }

    /**
     * Rebuilds every entry with {@code present[i] == false} and {@code shards[i] != null}; null
     * entries are neither read nor written. Reads only the first k present shards.
     *
     * @throws TooFewShardsException if fewer than k entries are present
     * @throws IllegalArgumentException if an array length is wrong, a present entry is null or a
     *     segment to write is read-only
     * @throws ShardSizeMismatchException if the non-null shards differ in size, one is empty or the
     *     size is not a multiple of 64
     * @throws CodingCancelledException if {@code cancel} was raised (rebuilt shards partly written)
     */
    @Override
    public void reconstruct(MemorySegment[] shards, boolean[] present, CancelSignal cancel) {
        ShardChecks.arrayLength("shards", shards.length, totalShards());
        ShardChecks.arrayLength("present", present.length, totalShards());
        int presentCount = 0;
        for (int i = 0; i < present.length; i++) {
            if (present[i]) {
                if (shards[i] == null) {
                    throw new IllegalArgumentException("shard " + i + " is marked present but is null");
                }
                presentCount++;
            }
        }
        if (presentCount < dataShards) {
            int[] presentIndexes = new int[presentCount];
            for (int i = 0, c = 0; i < present.length; i++) {
                if (present[i]) {
                    presentIndexes[c++] = i;
                }
            }
            throw new TooFewShardsException(presentIndexes, dataShards);
        }
        long size = commonSize(shards);
        boolean wantData = false;
        boolean wantParity = false;
        for (int i = 0; i < totalShards(); i++) {
            if (!present[i] && shards[i] != null) {
                ShardChecks.writable(shards[i], i);
                wantData |= i < dataShards;
                wantParity |= i >= dataShards;
            }
        }
        if (!wantData && !wantParity) {
            return;
        }
        // The survivors: every present data shard, then present parity shards up to k in all.
        MemorySegment[] data = new MemorySegment[dataShards];
        int used = 0;
        for (int i = 0; i < dataShards; i++) {
            if (present[i]) {
                data[i] = shards[i];
                used++;
            }
        }
        MemorySegment[] parity = new MemorySegment[parityShards];
        for (int j = 0; j < parityShards && used < dataShards; j++) {
            if (present[dataShards + j]) {
                parity[j] = shards[dataShards + j];
                used++;
            }
        }
        try (Arena scratch = Arena.ofConfined()) {
            MemorySegment[] out = new MemorySegment[dataShards];
            MemorySegment[] restored = data.clone();
            for (int i = 0; i < dataShards; i++) {
                if (data[i] == null) {
                    // A lost data shard the caller did not ask for is still needed to re-encode parity.
                    out[i] = shards[i] != null ? shards[i] : wantParity ? scratch.allocate(size, 64) : null;
                    restored[i] = out[i];
                }
            }
            engine.decode(data, parity, out, size, cancel);
            if (wantParity) {
                MemorySegment[] parityOut = new MemorySegment[parityShards];
                for (int j = 0; j < parityShards; j++) {
                    int i = dataShards + j;
                    parityOut[j] = !present[i] ? shards[i] : null;
                }
                engine.encode(restored, parityOut, size, cancel);
            }
        }
    }

    /**
     * Checks parity against data. Reads every shard (no entry may be null); writes nothing of the
     * caller's (uses a bounded internal work area, freed before returning).
     *
     * @return the indexes (k..k+m-1) of parity shards that do not match, ascending; empty when consistent
     * @throws IllegalArgumentException if the array length is wrong or an entry is null
     * @throws ShardSizeMismatchException if the shards differ in size, one is empty or the size is not a multiple of 64
     * @throws CodingCancelledException if {@code cancel} was raised
     */
    @Override
    public int[] verify(MemorySegment[] shards, CancelSignal cancel) {
        ShardChecks.arrayLength("shards", shards.length, totalShards());
        ShardChecks.noneNull(shards, 0, totalShards(), "verify");
        long size = commonSize(shards);
        boolean[] bad = engine.verify(Arrays.copyOfRange(shards, 0, dataShards),
                Arrays.copyOfRange(shards, dataShards, totalShards()), size, cancel);
        return IntStream.range(0, parityShards).filter(j -> bad[j]).map(j -> j + dataShards)
                .toArray();
    }

    /** The common size of the non-null shards, which must also be a multiple of 64. */
    private static long commonSize(MemorySegment[] shards) {
        long size = ShardChecks.commonSize(shards);
        if (size % SHARD_SIZE_MULTIPLE != 0) {
            int first = 0;
            while (shards[first] == null) {
                first++;
            }
            throw ShardSizeMismatchException.notMultiple(first, size, CodecKind.LEOPARD.wireName(),
                    SHARD_SIZE_MULTIPLE);
        }
        return size;
    }

    @Override
    public String toString() {
        return engine.toString();
    }
}
