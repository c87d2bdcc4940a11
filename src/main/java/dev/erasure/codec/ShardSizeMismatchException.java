package dev.erasure.codec;

/** A shard's byte size differs from the others (or is zero). */
public final class ShardSizeMismatchException extends CodecException {
    private final int index;
    private final long size;
    private final long expected;

    public ShardSizeMismatchException(int index, long size, long expected) {
        super("shard " + index + " has " + size + " bytes, expected " + expected + " like the other shards");
        this.index = index;
        this.size = size;
        this.expected = expected;
    }

    public int index() {
        return index;
    }

    public long size() {
        return size;
    }

    public long expected() {
        return expected;
    }
}
