package dev.erasure.codec;

/**
 * The supplied shards disagree and no change of at most {@link #correctable()} of them explains it
 * in some byte column: more shards are corrupted there than can be located. Nothing is presented
 * as corrected; a caller that asked for in-place correction may find earlier columns already
 * corrected (like the partial outputs of a cancelled call).
 */
public final class UncorrectableShardsException extends CodecException {
    private final long column;
    private final int supplied;
    private final int correctable;

    public UncorrectableShardsException(long column, int supplied, int dataShards, int correctable) {
        super(message(column, supplied, dataShards, correctable));
        this.column = column;
        this.supplied = supplied;
        this.correctable = correctable;
    }

    private static String message(long column, int supplied, int dataShards, int correctable) {
        String where = "the supplied shards are inconsistent at byte " + column + " of the shards";
        if (correctable == 0) {
            return where + " and the corrupted shard cannot be located: with " + supplied + " shards supplied and k = "
                    + dataShards + ", corruption is detected but locating one corrupted shard needs k + 2 = "
                    + (dataShards + 2) + " shards";
        }
        return where + " and more than " + correctable + " of the " + supplied + " supplied shards are corrupted there"
                + " (with k = " + dataShards + ", at most floor((" + supplied + " - " + dataShards + ") / 2) = "
                + correctable + " can be located and corrected)";
    }

    /** Byte offset within the shards of the first column found uncorrectable. */
    public long column() {
        return column;
    }

    public int supplied() {
        return supplied;
    }

    /** floor((supplied - dataShards) / 2): the most corrupted shards per column that can be corrected. */
    public int correctable() {
        return correctable;
    }
}
