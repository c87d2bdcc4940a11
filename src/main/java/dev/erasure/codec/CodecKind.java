package dev.erasure.codec;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The codes of the HTTP contract: two Reed-Solomon matrix codes, systematic over GF(2^8) with
 * polynomial 0x11D, and Leopard-RS.
 *
 * <ul>
 *   <li>{@link #RS_VANDERMONDE}: the Vandermonde matrix made systematic, byte-compatible with
 *       klauspost/reedsolomon's default encoder and Backblaze JavaReedSolomon.</li>
 *   <li>{@link #RS_CAUCHY}: parity row r, column c = 1 / (r XOR c), byte-compatible with ISA-L's
 *       {@code gf_gen_cauchy1_matrix} and klauspost's {@code WithCauchyMatrix()}.</li>
 *   <li>{@link #LEOPARD}: the FFT-based Reed-Solomon code of catid/leopard (GF(2^8) or GF(2^16)),
 *       byte-compatible with its {@code leo_encode}; up to 65536 shards, m <= k, shard sizes a
 *       multiple of 64 bytes.</li>
 * </ul>
 */
public enum CodecKind {
    RS_VANDERMONDE("rs-vandermonde"),
    RS_CAUCHY("rs-cauchy"),
    LEOPARD("leopard") {
        @Override
        public void checkShape(long dataShards, long parityShards) {
            LeopardCode.checkShape(dataShards, parityShards);
        }

        @Override
        public int maxTotalShards() {
            return LeopardCode.MAX_TOTAL_SHARDS;
        }

        @Override
        public int shardSizeMultiple() {
            return LeopardCode.SHARD_SIZE_MULTIPLE;
        }
    };

    private final String wireName;

    CodecKind(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the wire ({@code codec} query parameter, {@code Codec} header, JSON). */
    public String wireName() {
        return wireName;
    }

    /**
     * Checks that k data and m parity shards are a shape this code can carry: the one place where
     * a code's shape rules live. Takes longs so that values parsed from text are judged before
     * they are narrowed to int.
     *
     * @throws InvalidShapeException naming the rule and the values received
     */
    public void checkShape(long dataShards, long parityShards) {
        ShardChecks.shape(dataShards, parityShards, maxTotalShards());
    }

    /** Most shards (k + m) in one stripe: GF(2^8) has 256 elements. */
    public int maxTotalShards() {
        return 256;
    }

    /** Every shard size of this code is a multiple of this many bytes. */
    public int shardSizeMultiple() {
        return 1;
    }

    /** {@code size} rounded up to {@link #shardSizeMultiple()}. */
    public long roundShardSize(long size) {
        int multiple = shardSizeMultiple();
        return (size + multiple - 1) / multiple * multiple;
    }

    /**
     * Parses a wire name.
     *
     * @throws IllegalArgumentException naming the accepted values and the value received
     */
    public static CodecKind fromWireName(String name) {
        for (CodecKind kind : values()) {
            if (kind.wireName.equals(name)) {
                return kind;
            }
        }
        String accepted = Arrays.stream(values()).map(CodecKind::wireName).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("codec must be one of " + accepted + " (got '" + name + "')");
    }
}
