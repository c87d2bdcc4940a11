package dev.erasure.codec;

import java.util.Objects;

/**
 * A stripe's shape: which code, how many data shards (k) and how many parity shards (m). The one
 * value that travels from the request parameters through the job to the codec. Creating one
 * checks the code's own limits ({@link CodecKind#checkShape}), so a shape that exists is codable.
 */
public record StripeShape(CodecKind kind, int dataShards, int parityShards) {

    /** @throws InvalidShapeException naming the rule of {@code kind} that k and m break */
    public StripeShape {
        Objects.requireNonNull(kind, "kind");
        kind.checkShape(dataShards, parityShards);
    }

    /**
     * The shape of k and m as parsed from text (the HTTP query), checked before they are narrowed
     * to int, so a value beyond int is refused rather than wrapped.
     *
     * @throws InvalidShapeException naming the rule of {@code kind} that k and m break
     */
    public static StripeShape of(CodecKind kind, long dataShards, long parityShards) {
        Objects.requireNonNull(kind, "kind");
        kind.checkShape(dataShards, parityShards);
        return new StripeShape(kind, (int) dataShards, (int) parityShards);
    }

    public int totalShards() {
        return dataShards + parityShards;
    }

    /**
     * The shard size an object of {@code objectSize} bytes is cut into: ceil(size / k), rounded up
     * to the code's shard-size multiple.
     */
    public long shardSizeFor(long objectSize) {
        return kind.roundShardSize(ShardLayout.shardSize(objectSize, dataShards));
    }

    @Override
    public String toString() {
        return kind.wireName() + "(" + dataShards + "+" + parityShards + ")";
    }
}
