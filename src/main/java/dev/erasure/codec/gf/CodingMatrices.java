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
}
