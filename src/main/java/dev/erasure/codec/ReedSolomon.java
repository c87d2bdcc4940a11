package dev.erasure.codec;

import dev.erasure.codec.kernel.Kernel;
import java.lang.foreign.MemorySegment;

/**
 * A systematic Reed-Solomon code for one stripe shape ({@code dataShards} + {@code parityShards})
 * over GF(2^8), computing on shards held in {@link MemorySegment}s through one {@link Kernel}.
 *
 * <p>Shard arrays always have {@link #totalShards()} entries, indexed like the stripe: data shards
 * 0..dataShards-1, then parity. All non-null segments of one call must have the same byte size
 * (>= 1). Instances are immutable and thread-safe; concurrent calls on different shard arrays are
 * fine. Every method validates all arguments before writing any byte, so a call that throws
 * {@link InvalidShapeException}, {@link ShardSizeMismatchException} or
 * {@link TooFewShardsException} has not touched the caller's buffers. The caller owns every
 * segment before and after the call; the codec keeps no reference to them.
 *
 * <p>Long operations work in column chunks and ask the {@link CancelSignal} between chunks.
 *
 * <p>STUB: the signatures are the contract shared with the service; the implementation lands with
 * the codec engine (issue 2).
 */
public final class ReedSolomon {

    private ReedSolomon() {
    }

    /**
     * Builds the code. The matrices are computed here; decode matrices for erasure patterns are
     * built on first use and cached (bounded).
     *
     * @throws InvalidShapeException if not 1 <= dataShards, 1 <= parityShards, dataShards + parityShards <= 256
     */
    public static ReedSolomon create(CodecKind kind, int dataShards, int parityShards, Kernel kernel) {
        throw new UnsupportedOperationException("codec engine not implemented yet");
    }

    public CodecKind kind() {
        throw new UnsupportedOperationException();
    }

    public int dataShards() {
        throw new UnsupportedOperationException();
    }

    public int parityShards() {
        throw new UnsupportedOperationException();
    }

    public int totalShards() {
        throw new UnsupportedOperationException();
    }

    /**
     * Computes parity: reads shards[0..dataShards), writes shards[dataShards..totalShards).
     * No entry may be null.
     */
    public void encode(MemorySegment[] shards, CancelSignal cancel) {
        throw new UnsupportedOperationException();
    }

    /**
     * Rebuilds missing shards. {@code present[i]} says whether shards[i] holds valid bytes (read
     * only). Every entry with {@code present[i] == false} and {@code shards[i] != null} is written
     * with the reconstructed shard; entries that are null are neither read nor written (so a caller
     * wanting only data shards, or only some indexes, passes null for the rest).
     *
     * @throws TooFewShardsException if fewer than dataShards entries are present
     */
    public void reconstruct(MemorySegment[] shards, boolean[] present, CancelSignal cancel) {
        throw new UnsupportedOperationException();
    }

    /**
     * Checks parity against data. Reads every shard (no entry may be null); writes nothing of the
     * caller's (uses bounded internal scratch).
     *
     * @return the indexes (dataShards..totalShards-1) of parity shards that do not match, ascending;
     *     empty when the stripe is consistent
     */
    public int[] verify(MemorySegment[] shards, CancelSignal cancel) {
        throw new UnsupportedOperationException();
    }
}
