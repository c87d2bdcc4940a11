package dev.erasure.codec.gf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GrsCodeTest {

    @Test
    void bothCodecs_areRecognized_forEverySmallShape_andRegenerateTheirMatrix() {
        for (int total = 2; total <= 24; total++) {
            for (int k = 1; k < total; k++) {
                assertRecognized(CodingMatrices.vandermonde(k, total - k), k);
                assertRecognized(CodingMatrices.cauchy(k, total - k), k);
            }
        }
    }

    @Test
    void bothCodecs_areRecognized_forLargeShapes() {
        int[][] shapes = {{128, 128}, {200, 56}, {1, 255}, {255, 1}, {17, 239}, {100, 3}};
        for (int[] shape : shapes) {
            assertRecognized(CodingMatrices.vandermonde(shape[0], shape[1]), shape[0]);
            assertRecognized(CodingMatrices.cauchy(shape[0], shape[1]), shape[0]);
        }
    }

    @Test
    void aCodeWithAPointAtInfinity_isRecognizedWithFinitePoints() {
        // rows (1, a, ..., a^(k-1)) for finite points and (0, ..., 0, 1) for the point at infinity,
        // made systematic: a GRS code that only a Möbius change of points makes finite
        int k = 5;
        int n = 12;
        byte[][] extended = new byte[n][k];
        for (int j = 0; j < n - 1; j++) {
            for (int c = 0; c < k; c++) {
                extended[j][c] = (byte) Galois.power(Galois.power(2, j), c);
            }
        }
        extended[n - 1][k - 1] = 1;
        byte[][] top = Matrix.selectRows(extended, new int[] {0, 1, 2, 3, 4});
        assertRecognized(Matrix.multiply(extended, Matrix.invert(top)), k);
    }

    @Test
    void aRandomParityBlock_isRefused() {
        Random random = new Random(17);
        int k = 6;
        byte[][] matrix = new byte[10][k];
        for (int c = 0; c < k; c++) {
            matrix[c][c] = 1;
        }
        for (int r = k; r < 10; r++) {
            for (int c = 0; c < k; c++) {
                matrix[r][c] = (byte) (1 + random.nextInt(255));
            }
        }
        assertThat(GrsCode.derive(matrix, k)).isEmpty();
    }

    @Test
    void aZeroParityCoefficientOrAMissingIdentity_isRefused() {
        byte[][] matrix = CodingMatrices.cauchy(4, 3);
        matrix[5][2] = 0;
        assertThat(GrsCode.derive(matrix, 4)).isEmpty();
        byte[][] notSystematic = CodingMatrices.cauchy(4, 3);
        notSystematic[1][0] = 7;
        assertThat(GrsCode.derive(notSystematic, 4)).isEmpty();
    }

    @Test
    void onlyMultiplierChanges_stillRecognized_butAnyOtherSingleEntryChange_isRefused() {
        byte[][] matrix = CodingMatrices.vandermonde(6, 4);
        for (int c = 0; c < 6; c++) {
            matrix[7][c] = (byte) Galois.multiply(matrix[7][c] & 0xFF, 0x53); // scales one parity position
        }
        assertRecognized(matrix, 6);
        matrix[8][3] ^= 1;
        assertThat(GrsCode.derive(matrix, 6)).isEmpty();
    }

    private static void assertRecognized(byte[][] generator, int k) {
        Optional<GrsCode> code = GrsCode.derive(generator, k);
        assertThat(code).as("n=%d k=%d", generator.length, k).isPresent();
        assertThat(code.get().systematicGenerator()).isDeepEqualTo(generator);
        boolean[] seen = new boolean[256];
        for (int j = 0; j < generator.length; j++) {
            assertThat(seen[code.get().point(j)]).isFalse();
            seen[code.get().point(j)] = true;
            assertThat(code.get().multiplier(j)).isNotZero();
        }
    }
}
