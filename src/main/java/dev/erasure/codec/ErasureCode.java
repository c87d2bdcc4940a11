package dev.erasure.codec;

import java.lang.foreign.MemorySegment;

/**
 * One erasure code for one {@link StripeShape}, whatever its family (a GF(2^8) matrix code such as
 * {@link ReedSolomon}, or an FFT code). The job and HTTP sides only talk to this interface.
 *
 * <p>Shard arrays have {@code shape().totalShards()} entries, data shards first; the contract of
 * each method (what is read, what is written, what a null entry means, which exceptions leave the
 * caller's buffers untouched) is the one documented on {@link ReedSolomon}.
 */
public interface ErasureCode {

    StripeShape shape();

    /** Reads the data shards, writes every parity shard. */
    void encode(MemorySegment[] shards, CancelSignal cancel);

    /** Rebuilds every non-null entry whose {@code present} flag is false from the present ones. */
    void reconstruct(MemorySegment[] shards, boolean[] present, CancelSignal cancel);

    /** Indexes of the parity shards that do not match the data, ascending; empty when consistent. */
    int[] verify(MemorySegment[] shards, CancelSignal cancel);

    /**
     * The locator and corrector of corrupted shards for this code (see {@link ShardCorrector}).
     * A code offers one only if it was shown to be a generalized Reed-Solomon code.
     *
     * @throws CorrectionUnsupportedException saying why this code cannot locate corrupted shards
     */
    default ShardCorrector corrector() {
        throw new CorrectionUnsupportedException("codec " + shape().kind().wireName()
                + " cannot locate corrupted shards: it is not a code the error locator applies to");
    }
}
