package dev.erasure.codec.gf;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CodingMatricesTest {

    @Test
    void bothMatrices_areSystematic() {
        for (byte[][] matrix : new byte[][][] {CodingMatrices.vandermonde(10, 4), CodingMatrices.cauchy(10, 4)}) {
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
            }
        }
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
