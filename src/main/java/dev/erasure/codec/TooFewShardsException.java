package dev.erasure.codec;

import java.util.Arrays;

/**
 * Fewer shards are present than the operation needs: dataShards to reconstruct, dataShards + 1 to
 * check and correct ({@link #forCorrection}).
 */
public final class TooFewShardsException extends CodecException {
    private final int[] present;
    private final int needed;

    public TooFewShardsException(int[] present, int needed) {
        this("need at least " + needed + " shards to reconstruct, got " + present.length
                + " (present: " + Arrays.toString(present) + ")", present, needed);
    }

    private TooFewShardsException(String message, int[] present, int needed) {
        super(message);
        this.present = present.clone();
        this.needed = needed;
    }

    /** Too few shards to check for corruption: {@code needed} is dataShards + 1. */
    public static TooFewShardsException forCorrection(int[] present, int needed) {
        return new TooFewShardsException("need at least " + needed + " shards to locate corrupted shards ("
                + (needed - 1) + " to decode and at least one more to check them against), got " + present.length
                + " (present: " + Arrays.toString(present) + ")", present, needed);
    }

    /** Indexes of the shards that were present, ascending. */
    public int[] present() {
        return present.clone();
    }

    public int needed() {
        return needed;
    }
}
