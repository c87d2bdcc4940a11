package dev.erasure.codec;

/** The stripe shape is out of the code's range ({@link CodecKind#checkShape}), e.g. k + m > 256 for GF(2^8). */
public final class InvalidShapeException extends CodecException {
    private final int dataShards;
    private final int parityShards;

    public InvalidShapeException(String message, int dataShards, int parityShards) {
        super(message);
        this.dataShards = dataShards;
        this.parityShards = parityShards;
    }

    public int dataShards() {
        return dataShards;
    }

    public int parityShards() {
        return parityShards;
    }
}
