package dev.erasure.codec;

import dev.erasure.codec.CodecDescription.ShapeRange;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The codes of the HTTP contract. The Reed-Solomon matrix codes are systematic over GF(2^8) with
 * polynomial 0x11D and differ only in their matrix ({@link dev.erasure.codec.gf.CodingMatrices});
 * Leopard-RS is an FFT code of its own:
 *
 * <ul>
 *   <li>{@link #RS_VANDERMONDE}: the Vandermonde matrix made systematic, byte-compatible with
 *       klauspost/reedsolomon's default encoder and Backblaze JavaReedSolomon.</li>
 *   <li>{@link #RS_CAUCHY}: parity row r, column c = 1 / (r XOR c), byte-compatible with ISA-L's
 *       {@code gf_gen_cauchy1_matrix} and klauspost's {@code WithCauchyMatrix()}.</li>
 *   <li>{@link #ZFEC}: zfec's (Tahoe-LAFS) systematic Vandermonde matrix on the points 0, 2^i.</li>
 *   <li>{@link #ISAL_RS}: ISA-L's {@code gf_gen_rs_matrix} (Ceph's isa plugin, reed_sol_van);
 *       accepted only for the shapes where it is MDS.</li>
 *   <li>{@link #JERASURE_REED_SOL_VAN}: Jerasure's {@code reed_sol_vandermonde_coding_matrix} with
 *       w = 8 (Ceph's jerasure plugin, reed_sol_van).</li>
 *   <li>{@link #LEOPARD}: the FFT-based Reed-Solomon code of catid/leopard (GF(2^8) or GF(2^16)),
 *       byte-compatible with its {@code leo_encode}; up to 65536 shards, m <= k, shard sizes a
 *       multiple of 64 bytes.</li>
 * </ul>
 *
 * {@link #describe()} gives each code's limits and compatibility ({@code GET /v1/codecs}).
 */
public enum CodecKind {
    RS_VANDERMONDE("rs-vandermonde"),
    RS_CAUCHY("rs-cauchy"),
    ZFEC("zfec"),
    ISAL_RS("isal-rs") {
        /**
         * Refuses the shapes where {@code gf_gen_rs_matrix} is not MDS, naming rs-cauchy as the
         * code that carries them.
         */
        @Override
        public void checkShape(long dataShards, long parityShards) {
            super.checkShape(dataShards, parityShards);
            int k = (int) dataShards;
            int m = (int) parityShards;
            if (ISAL_RS_MDS_SHAPES.stream().noneMatch(range -> range.contains(k, m))) {
                throw new InvalidShapeException("isal-rs (ISA-L gf_gen_rs_matrix) is not MDS at k=" + k + ", m=" + m
                        + ": some losses of " + m + " shards could not be decoded. It accepts only k <= 3, m <= 3,"
                        + " k = 4 with m <= 21, m = 4 with k <= 21, or k = m = 5; use codec=rs-cauchy, which is MDS"
                        + " for every k + m <= 256", k, m);
            }
        }
    },
    JERASURE_REED_SOL_VAN("jerasure-reed-sol-van"),
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

    private static final String GF256 = "GF(2^8), polynomial 0x11D";

    /** Every shape of a GF(2^8) code: 1 <= k, 1 <= m, k + m <= 256 (the sum is checked separately). */
    private static final List<ShapeRange> ALL_SHAPES = List.of(new ShapeRange(1, 255, 1, 255));

    /**
     * The shapes where ISA-L's gf_gen_rs_matrix is MDS, found by checking every square sub-matrix of
     * its parity block (IsalRsMdsTest repeats the search and fails if this list differs from it). Its
     * parity block is symmetric in k and m (entry p, c = 2^(p*c)), and so is this list. The same
     * bounds as the comment on gf_gen_rs_matrix in ISA-L's erasure_code.h.
     */
    static final List<ShapeRange> ISAL_RS_MDS_SHAPES = List.of(
            new ShapeRange(1, 255, 1, 3),
            new ShapeRange(1, 21, 1, 4),
            new ShapeRange(1, 5, 1, 5),
            new ShapeRange(1, 4, 1, 21),
            new ShapeRange(1, 3, 1, 255));

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

    /** This code's limits, accepted shapes and compatible systems, as served by {@code GET /v1/codecs}. */
    public CodecDescription describe() {
        return switch (this) {
            case RS_VANDERMONDE -> new CodecDescription(wireName, GF256,
                    "Vandermonde matrix V[r][c] = r^c (r = 0..k+m-1) times the inverse of its top k x k square",
                    maxTotalShards(), shardSizeMultiple(), ALL_SHAPES,
                    List.of("klauspost/reedsolomon New(k, m)", "Backblaze JavaReedSolomon"),
                    List.of("MinIO erasure sets (klauspost/reedsolomon New with its default matrix)"));
            case RS_CAUCHY -> new CodecDescription(wireName, GF256,
                    "identity, then parity row r (r = k..k+m-1), column c = 1 / (r XOR c)",
                    maxTotalShards(), shardSizeMultiple(), ALL_SHAPES,
                    List.of("ISA-L gf_gen_cauchy1_matrix + ec_encode_data", "klauspost/reedsolomon WithCauchyMatrix()"),
                    List.of("Ceph erasure-code plugin isa, technique cauchy"));
            case ZFEC -> new CodecDescription(wireName, GF256,
                    "Vandermonde matrix on the points 0, 1, 2, 4, ..., 2^(k+m-2) times the inverse of its top k x k"
                            + " square (Luigi Rizzo's fec)",
                    maxTotalShards(), shardSizeMultiple(), ALL_SHAPES,
                    List.of("zfec 1.5: blocks k..k+m-1 of zfec.Encoder(k, k+m)"),
                    List.of("Tahoe-LAFS (shares are zfec blocks; its default is k=3 of 10)"));
            case ISAL_RS -> new CodecDescription(wireName, GF256,
                    "identity, then parity row p (p = 0..m-1), column c = 2^(p*c)",
                    maxTotalShards(), shardSizeMultiple(), ISAL_RS_MDS_SHAPES,
                    List.of("ISA-L gf_gen_rs_matrix + ec_encode_data"),
                    List.of("Ceph erasure-code plugin isa, technique reed_sol_van (its default;"
                            + " Ceph itself allows k <= 32, m <= 4, and k <= 21 when m = 4)"));
            case JERASURE_REED_SOL_VAN -> new CodecDescription(wireName, GF256,
                    "Jerasure's extended Vandermonde matrix (points 0..k+m-2 and infinity) made systematic, then"
                            + " scaled so the first parity row and the first parity column are all ones",
                    maxTotalShards(), shardSizeMultiple(), ALL_SHAPES,
                    List.of("Jerasure 2.0 reed_sol_vandermonde_coding_matrix(k, m, 8) + jerasure_matrix_encode"),
                    List.of("Ceph erasure-code plugin jerasure, technique reed_sol_van, w=8 (its defaults)"));
            case LEOPARD -> new CodecDescription(wireName,
                    "copy (k = 1), XOR (m = 1), else GF(2^8) 0x11D when NextPow2(NextPow2(m) + k) <= 256,"
                            + " else GF(2^16) 0x1002D, both in a Cantor basis",
                    "Leopard-RS: additive FFT (Lin, Chung, Han) of the data in m-sized groups; needs m <= k,"
                            + " decodes any k shards in O(n log n)",
                    maxTotalShards(), shardSizeMultiple(), List.of(new ShapeRange(1, 65535, 1, 32768, true)),
                    List.of("catid/leopard leo_encode / leo_decode"),
                    List.of("Codex / logos-storage (through nim-leopard)"));
        };
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
