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

    private ShardSizeMismatchException(String message, int index) {
        super(message);
        this.index = index;
        this.size = 0;
        this.expected = 0;
    }

    /** A shard of zero bytes: every shard must hold at least one byte. */
    public static ShardSizeMismatchException empty(int index) {
        return new ShardSizeMismatchException("shard " + index + " has 0 bytes, expected >= 1", index);
    }

    /** A shard whose size is not a multiple of what the code needs (Leopard-RS: 64 bytes). */
    public static ShardSizeMismatchException notMultiple(int index, long size, String codec, int multiple) {
        return new ShardSizeMismatchException("shard " + index + " has " + size + " bytes; codec " + codec
                + " needs a shard size that is a multiple of " + multiple + " bytes", index);
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
