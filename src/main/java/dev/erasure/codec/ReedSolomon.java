package dev.erasure.codec;

import dev.erasure.codec.gf.CodingMatrices;
import dev.erasure.codec.gf.GrsCode;
import dev.erasure.codec.kernel.Kernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A systematic Reed-Solomon code for one stripe shape ({@code dataShards} + {@code parityShards})
 * over GF(2^8), computing on shards held in {@link MemorySegment}s through one {@link Kernel}.
 *
 * <p>Shard arrays always have {@link #totalShards()} entries, indexed like the stripe: data shards
 * 0..dataShards-1, then parity. All non-null segments of one call must have the same byte size
 * (>= 1). Instances are immutable and thread-safe; concurrent calls on different shard arrays are
 * fine. Every method validates all arguments before writing any byte, so a call that throws
 * {@link InvalidShapeException}, {@link ShardSizeMismatchException},
 * {@link TooFewShardsException} or {@link IllegalArgumentException} has not touched the caller's
 * buffers. The caller owns every segment before and after the call; the codec keeps no reference
 * to them. Segments may be native or heap; the ISA-L kernel needs native ones to run natively.
 *
 * <p>Long operations work in column chunks of {@value #CANCEL_CHUNK} bytes and ask the
 * {@link CancelSignal} before each chunk; when it is raised they throw
 * {@link CodingCancelledException} and the shards being written hold partial results.
 *
 * <p>Worked example (k=4, m=2, {@link CodecKind#RS_VANDERMONDE}): encode reads shards 0..3 and
 * writes parity shards 4 and 5. If shards 1 and 4 are lost, {@code reconstruct} with
 * {@code present = {t, f, t, t, f, t}} rebuilds both from shards 0, 2, 3 and 5 (see
 * {@code docs/codec.md}); losing three shards raises {@link TooFewShardsException}.
 */
public final class ReedSolomon implements ErasureCode {

    /** Bytes of each shard processed between two checks of the cancel signal. */
    public static final int CANCEL_CHUNK = 256 * 1024;

    /** Erasure patterns whose decode tables are kept per code. */
    static final int DECODE_CACHE_CAPACITY = 64;

    /** Upper bound of the scratch memory {@link #verify} allocates, in bytes. */
    static final int VERIFY_SCRATCH_BYTES = 4 * 1024 * 1024;

    private final CodecKind kind;
    private final int dataShards;
    private final int parityShards;
    private final Kernel kernel;
    private final Kernel.Tables parityTables;
    private final DecodeMatrices decodeMatrices;
    private final byte[][] encodeMatrix;
    /** The corrector, or the reason there is none; computed on first use (benign race). */
    private volatile Object corrector;

    private ReedSolomon(CodecKind kind, int dataShards, int parityShards, Kernel kernel) {
        this.kind = kind;
        this.dataShards = dataShards;
        this.parityShards = parityShards;
        this.kernel = kernel;
        byte[][] encodeMatrix = switch (kind) {
            case RS_VANDERMONDE -> CodingMatrices.vandermonde(dataShards, parityShards);
            case RS_CAUCHY -> CodingMatrices.cauchy(dataShards, parityShards);
            case ZFEC -> CodingMatrices.zfec(dataShards, parityShards);
            case ISAL_RS -> CodingMatrices.isalRs(dataShards, parityShards);
            case JERASURE_REED_SOL_VAN -> CodingMatrices.jerasureReedSolVan(dataShards, parityShards);
            case LEOPARD -> throw new IllegalArgumentException("leopard is not a matrix code; use LeopardCode");
        };
        this.parityTables = kernel.prepare(Arrays.copyOfRange(encodeMatrix, dataShards, dataShards + parityShards));
        this.decodeMatrices = new DecodeMatrices(encodeMatrix, dataShards, kernel, DECODE_CACHE_CAPACITY);
        this.encodeMatrix = encodeMatrix;
    }

    /**
     * Builds the code. The matrices are computed here; decode matrices for erasure patterns are
     * built on first use and cached (bounded).
     *
     * @throws InvalidShapeException if {@link CodecKind#checkShape} refuses the shape
     * @throws NullPointerException if kind or kernel is null
     */
    public static ReedSolomon create(CodecKind kind, int dataShards, int parityShards, Kernel kernel) {
        if (kind == null || kernel == null) {
            throw new NullPointerException("kind and kernel must not be null");
        }
        kind.checkShape(dataShards, parityShards);
        return new ReedSolomon(kind, dataShards, parityShards, kernel);
    }

    @Override
    public StripeShape shape() {
        return new StripeShape(kind, dataShards, parityShards);
    }

    public CodecKind kind() {
        return kind;
    }

    public int dataShards() {
        return dataShards;
    }

    public int parityShards() {
        return parityShards;
    }

    public int totalShards() {
        return dataShards + parityShards;
    }

    /** The kernel this code computes with. */
    public Kernel kernel() {
        return kernel;
    }

    /**
     * Computes parity: reads shards[0..dataShards), writes shards[dataShards..totalShards).
     * No entry may be null.
     *
     * @throws IllegalArgumentException if the array length is wrong, an entry is null or a parity segment is read-only
     * @throws ShardSizeMismatchException if the shards differ in size or one is empty
     * @throws CodingCancelledException if {@code cancel} was raised (parity then partly written)
     */
    @Override
    public void encode(MemorySegment[] shards, CancelSignal cancel) {
        ShardChecks.arrayLength("shards", shards.length, totalShards());
        ShardChecks.noneNull(shards, 0, totalShards(), "encode");
        long size = ShardChecks.commonSize(shards);
        for (int i = dataShards; i < totalShards(); i++) {
            ShardChecks.writable(shards[i], i);
        }
        MemorySegment[] data = Arrays.copyOfRange(shards, 0, dataShards);
        MemorySegment[] parity = Arrays.copyOfRange(shards, dataShards, totalShards());
        multiplyInChunks(parityTables, data, parity, size, cancel);
    }

    /**
     * Rebuilds missing shards. {@code present[i]} says whether shards[i] holds valid bytes (read
     * only). Every entry with {@code present[i] == false} and {@code shards[i] != null} is written
     * with the reconstructed shard; entries that are null are neither read nor written (so a caller
     * wanting only data shards, or only some indexes, passes null for the rest). Only the first
     * dataShards present shards are read. Nothing to rebuild is not an error.
     *
     * @throws TooFewShardsException if fewer than dataShards entries are present
     * @throws IllegalArgumentException if an array length is wrong, a present entry is null or a
     *     segment to write is read-only
     * @throws ShardSizeMismatchException if the non-null shards differ in size or one is empty
     * @throws CodingCancelledException if {@code cancel} was raised (rebuilt shards partly written)
     */
    @Override
    public void reconstruct(MemorySegment[] shards, boolean[] present, CancelSignal cancel) {
        ShardChecks.arrayLength("shards", shards.length, totalShards());
        ShardChecks.arrayLength("present", present.length, totalShards());
        int[] presentIndexes = indexes(present, true, shards);
        for (int i : presentIndexes) {
            if (shards[i] == null) {
                throw new IllegalArgumentException("shard " + i + " is marked present but is null");
            }
        }
        if (presentIndexes.length < dataShards) {
            throw new TooFewShardsException(presentIndexes, dataShards);
        }
        long size = ShardChecks.commonSize(shards);
        int[] wanted = indexes(present, false, shards);
        for (int i : wanted) {
            ShardChecks.writable(shards[i], i);
        }
        if (wanted.length == 0) {
            return;
        }
        int[] survivors = Arrays.copyOf(presentIndexes, dataShards);
        Kernel.Tables tables = decodeMatrices.tables(survivors, wanted);
        multiplyInChunks(tables, select(shards, survivors), select(shards, wanted), size, cancel);
    }

    /**
     * Checks parity against data. Reads every shard (no entry may be null); writes nothing of the
     * caller's (uses bounded internal scratch of at most {@value #VERIFY_SCRATCH_BYTES} bytes,
     * freed before returning).
     *
     * @return the indexes (dataShards..totalShards-1) of parity shards that do not match, ascending;
     *     empty when the stripe is consistent
     * @throws IllegalArgumentException if the array length is wrong or an entry is null
     * @throws ShardSizeMismatchException if the shards differ in size or one is empty
     * @throws CodingCancelledException if {@code cancel} was raised
     */
    @Override
    public int[] verify(MemorySegment[] shards, CancelSignal cancel) {
        ShardChecks.arrayLength("shards", shards.length, totalShards());
        ShardChecks.noneNull(shards, 0, totalShards(), "verify");
        long size = ShardChecks.commonSize(shards);
        long chunk = Math.min(size, Math.max(4096, VERIFY_SCRATCH_BYTES / parityShards));
        boolean[] bad = new boolean[parityShards];
        MemorySegment[] data = Arrays.copyOfRange(shards, 0, dataShards);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] scratch = new MemorySegment[parityShards];
            for (int p = 0; p < parityShards; p++) {
                scratch[p] = arena.allocate(chunk, 64);
            }
            for (long offset = 0; offset < size; offset += chunk) {
                checkCancel(cancel);
                long length = Math.min(chunk, size - offset);
                parityTables.multiply(slices(data, offset, length), scratch, 0, length);
                for (int p = 0; p < parityShards; p++) {
                    MemorySegment actual = shards[dataShards + p].asSlice(offset, length);
                    bad[p] |= scratch[p].asSlice(0, length).mismatch(actual) >= 0;
                }
            }
        }
        return indexes(bad, true, null, dataShards);
    }

    /**
     * The corrector of this code. The encoding matrix is recognized as a generalized Reed-Solomon
     * code on first use ({@link GrsCode#derive}: its points and multipliers must regenerate the
     * matrix exactly); a matrix that is not one has no corrector.
     *
     * @throws CorrectionUnsupportedException if the matrix is not a generalized Reed-Solomon code
     */
    @Override
    public ShardCorrector corrector() {
        Object known = corrector;
        if (known == null) {
            known = GrsCode.derive(encodeMatrix, dataShards)
                    .<Object>map(code -> new ShardCorrector(code, decodeMatrices))
                    .orElseGet(() -> "codec " + kind.wireName() + " (" + dataShards + "+" + parityShards
                            + ") cannot locate corrupted shards: its coding matrix is not a generalized"
                            + " Reed-Solomon code, so no error locator applies to it");
            corrector = known;
        }
        if (known instanceof ShardCorrector found) {
            return found;
        }
        throw new CorrectionUnsupportedException((String) known);
    }

    @Override
    public String toString() {
        return kind.wireName() + "(" + dataShards + "+" + parityShards + ", " + kernel.name() + ")";
    }

    private static void multiplyInChunks(Kernel.Tables tables, MemorySegment[] inputs, MemorySegment[] outputs,
            long size, CancelSignal cancel) {
        for (long offset = 0; offset < size; offset += CANCEL_CHUNK) {
            checkCancel(cancel);
            tables.multiply(inputs, outputs, offset, Math.min(CANCEL_CHUNK, size - offset));
        }
    }

    private static void checkCancel(CancelSignal cancel) {
        if (cancel != null && cancel.isCancelled()) {
            throw new CodingCancelledException();
        }
    }

    private static MemorySegment[] slices(MemorySegment[] segments, long offset, long length) {
        MemorySegment[] result = new MemorySegment[segments.length];
        for (int i = 0; i < segments.length; i++) {
            result[i] = segments[i].asSlice(offset, length);
        }
        return result;
    }

    private static MemorySegment[] select(MemorySegment[] shards, int[] indexes) {
        MemorySegment[] result = new MemorySegment[indexes.length];
        for (int i = 0; i < indexes.length; i++) {
            result[i] = shards[indexes[i]];
        }
        return result;
    }

    /** Indexes i with flags[i] == value (and, when shards is given, shards[i] != null for value false). */
    private static int[] indexes(boolean[] flags, boolean value, MemorySegment[] shards) {
        return indexes(flags, value, shards, 0);
    }

    private static int[] indexes(boolean[] flags, boolean value, MemorySegment[] shards, int base) {
        int[] result = new int[flags.length];
        int count = 0;
        for (int i = 0; i < flags.length; i++) {
            if (flags[i] == value && (value || shards == null || shards[i] != null)) {
                result[count++] = base + i;
            }
        }
        return Arrays.copyOf(result, count);
    }
}
