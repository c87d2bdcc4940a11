package dev.erasure.codec.gf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CodingMatricesTest {

    @Test
    void everyMatrix_isSystematic() {
        for (byte[][] matrix : new byte[][][] {CodingMatrices.vandermonde(10, 4), CodingMatrices.cauchy(10, 4),
            CodingMatrices.zfec(10, 4), CodingMatrices.isalRs(10, 4), CodingMatrices.jerasureReedSolVan(10, 4)}) {
            assertThat(matrix).hasNumberOfRows(14);
            for (int r = 0; r < 10; r++) {
                assertThat(matrix[r]).isEqualTo(Matrix.identity(10)[r]);
            }
        }
    }

    @Test
    void cauchy_parityEntry_isInverseOfRowXorColumn() {
        byte[][] matrix = CodingMatrices.cauchy(4, 2);
        assertThat(matrix[4][0] & 0xFF).isEqualTo(Galois.inverse(4));
        assertThat(matrix[5][3] & 0xFF).isEqualTo(Galois.inverse(5 ^ 3));
    }

    @Test
    void everySquareRowSelection_isInvertible_forSmallShapes() {
        for (int total = 2; total <= 9; total++) {
            for (int dataShards = 1; dataShards < total; dataShards++) {
                int parityShards = total - dataShards;
                assertAllSelectionsInvertible(CodingMatrices.vandermonde(dataShards, parityShards), dataShards);
                assertAllSelectionsInvertible(CodingMatrices.cauchy(dataShards, parityShards), dataShards);
                assertAllSelectionsInvertible(CodingMatrices.zfec(dataShards, parityShards), dataShards);
                assertAllSelectionsInvertible(CodingMatrices.jerasureReedSolVan(dataShards, parityShards), dataShards);
                // every isal-rs shape up to k + m = 9 is one it accepts (IsalRsMdsTest covers the rest)
                assertAllSelectionsInvertible(CodingMatrices.isalRs(dataShards, parityShards), dataShards);
            }
        }
    }

    @Test
    void isalRs_parityEntry_isTwoToThePowerOfRowTimesColumn() {
        byte[][] matrix = CodingMatrices.isalRs(6, 3);
        for (int c = 0; c < 6; c++) {
            assertThat(matrix[6][c]).as("first parity row is all ones").isEqualTo((byte) 1);
            assertThat(matrix[8][c] & 0xFF).isEqualTo(Galois.power(2, 2 * c));
        }
    }

    @Test
    void jerasure_firstParityRowAndColumn_areOnes() {
        byte[][] matrix = CodingMatrices.jerasureReedSolVan(7, 5);
        for (int c = 0; c < 7; c++) {
            assertThat(matrix[7][c]).isEqualTo((byte) 1);
        }
        for (int r = 7; r < 12; r++) {
            assertThat(matrix[r][0]).isEqualTo((byte) 1);
        }
        // one parity shard: Jerasure's point at infinity scaled to ones, i.e. plain XOR parity
        assertThat(CodingMatrices.jerasureReedSolVan(5, 1)[5]).containsOnly(1);
    }

    @Test
    void zfec_matchesKlauspostsVandermonde_onlyWhileThePointsCoincide() {
        // both use the points 0, 1, 2 for the first three rows; zfec's fourth point is 4, klauspost's 3
        assertThat(CodingMatrices.zfec(2, 1)).isDeepEqualTo(CodingMatrices.vandermonde(2, 1));
        assertThat(java.util.Arrays.deepEquals(CodingMatrices.zfec(2, 2), CodingMatrices.vandermonde(2, 2))).isFalse();
    }

    @Test
    void invert_timesOriginal_isIdentity() {
        byte[][] matrix = Matrix.selectRows(CodingMatrices.cauchy(5, 5), new int[] {1, 5, 6, 8, 9});
        assertThat(Matrix.multiply(matrix, Matrix.invert(matrix))).isDeepEqualTo(Matrix.identity(5));
    }

    private static void assertAllSelectionsInvertible(byte[][] matrix, int dataShards) {
        int total = matrix.length;
        for (int mask = 0; mask < (1 << total); mask++) {
            if (Integer.bitCount(mask) != dataShards) {
                continue;
            }
            int[] rows = new int[dataShards];
            int n = 0;
            for (int i = 0; i < total; i++) {
                if ((mask & (1 << i)) != 0) {
                    rows[n++] = i;
                }
            }
            byte[][] square = Matrix.selectRows(matrix, rows);
            assertThat(Matrix.multiply(square, Matrix.invert(square))).isDeepEqualTo(Matrix.identity(dataShards));
        }
    }
}
