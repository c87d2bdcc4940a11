package dev.erasure.codec;

import java.util.Arrays;

/** Fewer than dataShards shards are present, so the stripe cannot be reconstructed. */
public final class TooFewShardsException extends CodecException {
    private final int[] present;
    private final int needed;

    public TooFewShardsException(int[] present, int needed) {
        super("need at least " + needed + " shards to reconstruct, got " + present.length
                + " (present: " + Arrays.toString(present) + ")");
        this.present = present.clone();
        this.needed = needed;
    }

    /** Indexes of the shards that were present, ascending. */
    public int[] present() {
        return present.clone();
    }

    public int needed() {
        return needed;
    }
}
