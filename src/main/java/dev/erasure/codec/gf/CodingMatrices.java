package dev.erasure.codec.gf;

/**
 * The systematic encoding matrices of the two codes: {@code totalShards x dataShards}, identity on
 * top (data shards are stored as they are), parity rows below. Parity shard p is the sum over
 * data shards d of {@code matrix[dataShards + p][d] * data[d]}.
 *
 * <p>Any dataShards rows of either matrix are linearly independent, so any dataShards surviving
 * shards determine the data (the code is MDS): for the Vandermonde construction because any
 * square sub-matrix of rows of a Vandermonde matrix with distinct points is invertible, and
 * multiplying on the right by an invertible matrix keeps that property; for Cauchy because every
 * square sub-matrix of a Cauchy matrix is invertible.
 */
public final class CodingMatrices {

    private CodingMatrices() {
    }

    /**
     * klauspost/reedsolomon's default {@code buildMatrix} (and Backblaze's): the Vandermonde matrix
     * V[r][c] = r^c of totalShards rows, multiplied on the right by the inverse of its top
     * dataShards x dataShards square, which turns the top into the identity without changing
     * which row sets are invertible.
     */
    public static byte[][] vandermonde(int dataShards, int parityShards) {
        int totalShards = dataShards + parityShards;
        byte[][] vandermonde = new byte[totalShards][dataShards];
        for (int r = 0; r < totalShards; r++) {
            for (int c = 0; c < dataShards; c++) {
                vandermonde[r][c] = (byte) Galois.power(r, c);
            }
        }
        byte[][] top = new byte[dataShards][];
        System.arraycopy(vandermonde, 0, top, 0, dataShards);
        return Matrix.multiply(vandermonde, Matrix.invert(top));
    }

    /**
     * ISA-L's {@code gf_gen_cauchy1_matrix} (and klauspost's {@code WithCauchyMatrix}): identity
     * on top, then row r (dataShards <= r < totalShards), column c = 1 / (r XOR c). r XOR c is
     * never 0 because r >= dataShards > c.
     */
    public static byte[][] cauchy(int dataShards, int parityShards) {
        int totalShards = dataShards + parityShards;
        byte[][] matrix = new byte[totalShards][dataShards];
        for (int r = 0; r < dataShards; r++) {
            matrix[r][r] = 1;
        }
        for (int r = dataShards; r < totalShards; r++) {
            for (int c = 0; c < dataShards; c++) {
                matrix[r][c] = (byte) Galois.inverse(r ^ c);
            }
        }
        return matrix;
    }

    /**
     * zfec's matrix (Luigi Rizzo's fec, as in zfec 1.5 and Tahoe-LAFS): the Vandermonde matrix on the
     * points 0, 1, 2, 4, ..., 2^(totalShards-2) (row 0 is the point 0, row r >= 1 the point
     * 2^(r-1)), multiplied on the right by the inverse of its top square. Distinct points, so MDS
     * like {@link #vandermonde}, but not the same points: the parity differs from klauspost's
     * once the stripe has more than three shards.
     */
    public static byte[][] zfec(int dataShards, int parityShards) {
        int totalShards = dataShards + parityShards;
        int[] points = new int[totalShards];
        for (int r = 1; r < totalShards; r++) {
            points[r] = Galois.power(2, r - 1);
        }
        return systematic(vandermondeRows(points, dataShards), dataShards);
    }

    /**
     * ISA-L's {@code gf_gen_rs_matrix}: identity on top, then parity row p (0-based), column c =
     * (2^p)^c, so the first parity row is all ones. Not systematic-Vandermonde: the parity block
     * is a plain Vandermonde block, and some of its square sub-matrices are singular once k and m
     * are both large enough. The code is MDS exactly for the shapes of
     * {@link dev.erasure.codec.CodecKind#ISAL_RS}'s shape check (shown by {@code IsalRsMdsTest}).
     */
    public static byte[][] isalRs(int dataShards, int parityShards) {
        int totalShards = dataShards + parityShards;
        byte[][] matrix = new byte[totalShards][dataShards];
        for (int r = 0; r < dataShards; r++) {
            matrix[r][r] = 1;
        }
        for (int p = 0; p < parityShards; p++) {
            int generator = Galois.power(2, p);
            for (int c = 0; c < dataShards; c++) {
                matrix[dataShards + p][c] = (byte) Galois.power(generator, c);
            }
        }
        return matrix;
    }

    /**
     * Jerasure 2.0's {@code reed_sol_vandermonde_coding_matrix(k, m, 8)} below the identity. Jerasure
     * starts from the extended Vandermonde matrix: rows for the points 0, 1, ..., totalShards-2
     * (row r = r^c) and a last row for the point at infinity (0, ..., 0, 1). Column operations turn
     * the top square into the identity (the result is the matrix times the inverse of its top
     * square); then each parity column is divided by its entry in the first parity row, so that row
     * is all ones, and each further parity row is divided by its first entry, so the first column
     * of the parity block is all ones. Scaling a column of the parity block or a row keeps every
     * square selection invertible, so the code stays MDS.
     */
    public static byte[][] jerasureReedSolVan(int dataShards, int parityShards) {
        int totalShards = dataShards + parityShards;
        int[] points = new int[totalShards - 1];
        for (int r = 0; r < points.length; r++) {
            points[r] = r;
        }
        byte[][] extended = new byte[totalShards][];
        System.arraycopy(vandermondeRows(points, dataShards), 0, extended, 0, points.length);
        extended[totalShards - 1] = new byte[dataShards];
        extended[totalShards - 1][dataShards - 1] = 1;
        byte[][] matrix = systematic(extended, dataShards);
        byte[] first = matrix[dataShards];
        for (int c = 0; c < dataShards; c++) {
            int scale = Galois.inverse(first[c] & 0xFF);
            for (int r = dataShards; r < totalShards; r++) {
                matrix[r][c] = (byte) Galois.multiply(matrix[r][c] & 0xFF, scale);
            }
        }
        for (int r = dataShards + 1; r < totalShards; r++) {
            int scale = Galois.inverse(matrix[r][0] & 0xFF);
            for (int c = 0; c < dataShards; c++) {
                matrix[r][c] = (byte) Galois.multiply(matrix[r][c] & 0xFF, scale);
            }
        }
        return matrix;
    }

    /** Rows point^c (c < columns) for each point, with 0^0 = 1. */
    private static byte[][] vandermondeRows(int[] points, int columns) {
        byte[][] rows = new byte[points.length][columns];
        for (int r = 0; r < points.length; r++) {
            for (int c = 0; c < columns; c++) {
                rows[r][c] = (byte) Galois.power(points[r], c);
            }
        }
        return rows;
    }

    /** {@code matrix} times the inverse of its top dataShards x dataShards square. */
    private static byte[][] systematic(byte[][] matrix, int dataShards) {
        byte[][] top = new byte[dataShards][];
        System.arraycopy(matrix, 0, top, 0, dataShards);
        return Matrix.multiply(matrix, Matrix.invert(top));
    }
}
