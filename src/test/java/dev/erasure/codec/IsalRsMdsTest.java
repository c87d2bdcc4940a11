package dev.erasure.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.erasure.codec.gf.CodingMatrices;
import dev.erasure.codec.gf.Galois;
import dev.erasure.codec.gf.Matrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shapes {@link CodecKind#ISAL_RS} accepts are exactly the shapes where ISA-L's
 * {@code gf_gen_rs_matrix} is MDS.
 *
 * <p>A systematic code [I; A] (A the m x k parity block) is MDS iff every square sub-matrix of A
 * is invertible: when the lost shards are the data shards D and some parity shards, the surviving
 * rows are invertible iff the sub-matrix of A on the surviving parity rows and the columns D is.
 * So the test checks determinants of small sub-matrices instead of inverting k x k survivor
 * matrices; the sub-matrices of A for (k, m) are those of every larger shape, so it is enough to
 * check every sub-matrix of the largest accepted shapes (the corners of the accepted region),
 * and to find one singular sub-matrix in each smallest refused shape. Every accepted shape is
 * checked exhaustively in the default run (about 5.6 million determinants, mostly 3 x 3).
 */
class IsalRsMdsTest {

    private static final CodecDescription DESCRIPTION = CodecKind.ISAL_RS.describe();

    @Test
    void everyAcceptedShape_hasOnlyInvertibleSquareSubmatrices() {
        List<int[]> corners = corners();
        assertThat(corners).extracting(Arrays::toString).containsExactlyInAnyOrder(
                "[255, 1]", "[254, 2]", "[253, 3]", "[21, 4]", "[5, 5]", "[4, 21]", "[3, 253]", "[2, 254]", "[1, 255]");
        for (int[] corner : corners) {
            int[][] singular = firstSingularSubmatrix(parityBlock(corner[0], corner[1]));
            assertThat(singular).as("a singular square sub-matrix at k=%d, m=%d", corner[0], corner[1]).isNull();
        }
        List<String> uncovered = new ArrayList<>();
        for (int k = 1; k < 256; k++) {
            for (int m = 1; k + m <= 256; m++) {
                if (DESCRIPTION.accepts(k, m) && !under(k, m, corners)) {
                    uncovered.add(k + "+" + m);
                }
            }
        }
        assertThat(uncovered).as("accepted shapes under no checked corner").isEmpty();
    }

    private static boolean under(int k, int m, List<int[]> corners) {
        for (int[] c : corners) {
            if (c[0] >= k && c[1] >= m) {
                return true;
            }
        }
        return false;
    }

    @Test
    void everyRefusedShape_losesSomePatternOfMShards() {
        List<int[]> smallestRefused = new ArrayList<>();
        List<String> uncovered = new ArrayList<>();
        for (int k = 1; k < 256; k++) {
            for (int m = 1; k + m <= 256; m++) {
                if (DESCRIPTION.accepts(k, m)) {
                    continue;
                }
                boolean smallest = (k == 1 || DESCRIPTION.accepts(k - 1, m)) && (m == 1 || DESCRIPTION.accepts(k, m - 1));
                if (smallest) {
                    smallestRefused.add(new int[] {k, m});
                } else if (!above(k, m, smallestRefused)) {
                    uncovered.add(k + "+" + m);
                }
            }
        }
        assertThat(uncovered).as("refused shapes above no smallest refused shape").isEmpty();
        assertThat(smallestRefused).extracting(Arrays::toString)
                .containsExactlyInAnyOrder("[22, 4]", "[6, 5]", "[5, 6]", "[4, 22]");
        for (int[] shape : smallestRefused) {
            int k = shape[0];
            int m = shape[1];
            int[][] singular = firstSingularSubmatrix(parityBlock(k, m));
            assertThat(singular).as("a singular square sub-matrix at k=%d, m=%d", k, m).isNotNull();
            int[] survivors = survivorsOf(singular, k, m);
            assertThat(survivors).as("k survivors, so m shards lost").hasSize(k);
            byte[][] rows = Matrix.selectRows(CodingMatrices.isalRs(k, m), survivors);
            assertThatThrownBy(() -> Matrix.invert(rows)).as("survivors %s at k=%d, m=%d", Arrays.toString(survivors), k, m)
                    .isInstanceOf(ArithmeticException.class);
        }
    }

    /** True if a shape of {@code smallest} has k' <= k and m' <= m (found in row-major order, so earlier). */
    private static boolean above(int k, int m, List<int[]> smallest) {
        for (int[] s : smallest) {
            if (s[0] <= k && s[1] <= m) {
                return true;
            }
        }
        return false;
    }

    @Test
    void refusedShape_namesRsCauchy_andAcceptedShapesBuild() {
        assertThatThrownBy(() -> new StripeShape(CodecKind.ISAL_RS, 32, 8))
                .isInstanceOf(InvalidShapeException.class)
                .hasMessageContaining("k=32, m=8")
                .hasMessageContaining("rs-cauchy");
        assertThatThrownBy(() -> ReedSolomon.create(CodecKind.ISAL_RS, 6, 5, TestShards.kernelUnderTest()))
                .isInstanceOf(InvalidShapeException.class);
        assertThat(new StripeShape(CodecKind.ISAL_RS, 21, 4).totalShards()).isEqualTo(25);
        assertThat(new StripeShape(CodecKind.ISAL_RS, 253, 3).totalShards()).isEqualTo(256);
        assertThat(new StripeShape(CodecKind.ISAL_RS, 5, 5).totalShards()).isEqualTo(10);
        assertThatThrownBy(() -> new StripeShape(CodecKind.ISAL_RS, 254, 3))
                .hasMessage("k + m must be <= 256 (got 257)");
    }

    @Test
    void agreesWithTheBoundsOfIsalsHeader() {
        // erasure_code.h: no adjustment needed when k <= 3, or k = 4 and k + m <= 25, or k = 5 and
        // k + m <= 10, or k <= 21 and m = 4, or m <= 3.
        List<String> differ = new ArrayList<>();
        for (int k = 1; k < 256; k++) {
            for (int m = 1; k + m <= 256; m++) {
                boolean header = k <= 3 || (k == 4 && k + m <= 25) || (k == 5 && k + m <= 10) || (k <= 21 && m == 4)
                        || m <= 3;
                if (DESCRIPTION.accepts(k, m) != header) {
                    differ.add(k + "+" + m);
                }
            }
        }
        assertThat(differ).as("shapes where the service and erasure_code.h disagree").isEmpty();
    }

    /** The accepted shapes that no other accepted shape contains. */
    private static List<int[]> corners() {
        List<int[]> corners = new ArrayList<>();
        for (int k = 1; k < 256; k++) {
            for (int m = 1; k + m <= 256; m++) {
                if (DESCRIPTION.accepts(k, m) && !DESCRIPTION.accepts(k + 1, m) && !DESCRIPTION.accepts(k, m + 1)) {
                    corners.add(new int[] {k, m});
                }
            }
        }
        return corners;
    }

    /** The m x k parity block of gf_gen_rs_matrix for k data shards, as ints. */
    private static int[][] parityBlock(int k, int m) {
        byte[][] matrix = CodingMatrices.isalRs(k, m);
        int[][] block = new int[m][k];
        for (int p = 0; p < m; p++) {
            for (int c = 0; c < k; c++) {
                block[p][c] = matrix[k + p][c] & 0xFF;
            }
        }
        return block;
    }

    /** The shards that survive when the data columns of a singular sub-matrix and the parity rows outside it are lost. */
    private static int[] survivorsOf(int[][] singular, int k, int m) {
        List<Integer> survivors = new ArrayList<>();
        for (int d = 0; d < k; d++) {
            int data = d;
            if (Arrays.stream(singular[1]).noneMatch(c -> c == data)) {
                survivors.add(d);
            }
        }
        for (int p : singular[0]) {
            survivors.add(k + p);
        }
        return survivors.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The first square sub-matrix of {@code block} with determinant 0, as {rows, columns}, or null
     * when every one (every size from 1 to min(rows, columns)) is invertible.
     */
    static int[][] firstSingularSubmatrix(int[][] block) {
        int rows = block.length;
        int columns = block[0].length;
        int[][] work = new int[Math.min(rows, columns)][];
        for (int size = 1; size <= Math.min(rows, columns); size++) {
            int[] cols = firstCombination(size);
            do {
                int[] rowSet = firstCombination(size);
                do {
                    if (!invertible(block, rowSet, cols, work)) {
                        return new int[][] {rowSet.clone(), cols.clone()};
                    }
                } while (nextCombination(rowSet, rows));
            } while (nextCombination(cols, columns));
        }
        return null;
    }

    private static int[] firstCombination(int size) {
        int[] combination = new int[size];
        for (int i = 0; i < size; i++) {
            combination[i] = i;
        }
        return combination;
    }

    /** Advances to the next ascending combination of {0..n-1}; false after the last one. */
    private static boolean nextCombination(int[] combination, int n) {
        int size = combination.length;
        int i = size - 1;
        while (i >= 0 && combination[i] == n - size + i) {
            i--;
        }
        if (i < 0) {
            return false;
        }
        combination[i]++;
        for (int j = i + 1; j < size; j++) {
            combination[j] = combination[j - 1] + 1;
        }
        return true;
    }

    /** Gaussian elimination over GF(2^8) on the selected square; true iff its determinant is not 0. */
    private static boolean invertible(int[][] block, int[] rowSet, int[] cols, int[][] work) {
        int n = rowSet.length;
        for (int r = 0; r < n; r++) {
            if (work[r] == null || work[r].length < n) {
                work[r] = new int[work.length];
            }
            for (int c = 0; c < n; c++) {
                work[r][c] = block[rowSet[r]][cols[c]];
            }
        }
        for (int c = 0; c < n; c++) {
            int pivot = c;
            while (pivot < n && work[pivot][c] == 0) {
                pivot++;
            }
            if (pivot == n) {
                return false;
            }
            int[] swap = work[pivot];
            work[pivot] = work[c];
            work[c] = swap;
            int inverse = Galois.inverse(work[c][c]);
            for (int r = c + 1; r < n; r++) {
                if (work[r][c] != 0) {
                    int factor = Galois.multiply(work[r][c], inverse);
                    for (int j = c; j < n; j++) {
                        work[r][j] ^= Galois.multiply(factor, work[c][j]);
                    }
                }
            }
        }
        return true;
    }
}
