package dev.erasure.codec.gf;

import java.util.Arrays;
import java.util.Optional;

/**
 * A generalized Reed-Solomon code GRS(points, multipliers, k) over GF(2^8): the codewords are
 * {@code (multipliers[j] * f(points[j]))} for j = 0..n-1 and every polynomial f of degree < k.
 * Points are distinct field elements; multipliers are non-zero.
 *
 * <p>{@link #derive} recognizes such a code from a systematic generator matrix (n x k, identity on
 * top) without knowing how the matrix was built, and returns it only after checking that its
 * points and multipliers give back exactly that matrix ({@link #systematicGenerator}). A matrix
 * that is not GRS is refused. The recognition rests on two facts:
 * <ul>
 *   <li>the parity block of a systematic GRS generator is a generalized Cauchy matrix:
 *       {@code P[p][c] = a_p * b_c / (x_p - y_c)}, where y_c are the points of the data positions
 *       and x_p those of the parity positions, so the cross-ratio
 *       {@code P[p][c] P[0][0] / (P[p][0] P[0][c])} depends on the points only;</li>
 *   <li>a Möbius map of the points (with matching multipliers) gives the same code, so three points
 *       can be fixed freely: y_0 = 0, x_0 = 1, y_1 = t. For all but at most n - 3 of the 254
 *       choices of t every other point lands on a finite field element, and the cross-ratios of
 *       column 1 and row 1 then give every x_p and y_c.</li>
 * </ul>
 * Instances are immutable.
 */
public final class GrsCode {

    private final int dataShards;
    private final int[] points;
    private final int[] multipliers;

    private GrsCode(int dataShards, int[] points, int[] multipliers) {
        this.dataShards = dataShards;
        this.points = points;
        this.multipliers = multipliers;
    }

    /** k: the dimension (polynomials of degree < k). */
    public int dataShards() {
        return dataShards;
    }

    /** n: the length. */
    public int totalShards() {
        return points.length;
    }

    /** Evaluation point of position j. */
    public int point(int j) {
        return points[j];
    }

    /** Column multiplier of position j (non-zero). */
    public int multiplier(int j) {
        return multipliers[j];
    }

    /**
     * Recognizes a systematic generator ({@code totalShards x dataShards}, identity on top) as a
     * GRS code. Empty when it is not one (some parity coefficient is 0, the identity is missing,
     * or no set of points and multipliers reproduces the matrix).
     */
    public static Optional<GrsCode> derive(byte[][] generator, int dataShards) {
        int n = generator.length;
        int k = dataShards;
        int m = n - k;
        if (k < 1 || m < 1 || n > 256 || !hasIdentityOnTop(generator, k)) {
            return Optional.empty();
        }
        for (int p = 0; p < m; p++) {
            for (int c = 0; c < k; c++) {
                if (generator[k + p][c] == 0) {
                    // a zero gives a codeword of weight <= m (unit data vector): not MDS, so not GRS
                    return Optional.empty();
                }
            }
        }
        if (k == 1 || m == 1) {
            // the points are free: with one data or one parity position any distinct points fit
            int[] points = new int[n];
            for (int j = 0; j < n; j++) {
                points[j] = j;
            }
            return withPoints(generator, k, points);
        }
        int[][] ratio = new int[m][k];
        int p00 = generator[k][0] & 0xFF;
        for (int p = 0; p < m; p++) {
            for (int c = 0; c < k; c++) {
                int numerator = Galois.multiply(generator[k + p][c] & 0xFF, p00);
                int denominator = Galois.multiply(generator[k + p][0] & 0xFF, generator[k][c] & 0xFF);
                ratio[p][c] = Galois.divide(numerator, denominator);
            }
        }
        for (int t = 2; t < 256; t++) {
            int[] points = pointsFor(ratio, k, m, t);
            if (points != null) {
                Optional<GrsCode> code = withPoints(generator, k, points);
                if (code.isPresent()) {
                    return code;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Points for y_0 = 0, x_0 = 1, y_1 = t from the cross-ratios R[p][c] = x_p (1 + y_c) / (x_p + y_c)
     * (characteristic 2: minus is plus): column 1 gives x_p = R t / (R + 1 + t), then row 1 gives
     * y_c = x_1 (1 + R) / (R + x_1). Null when a denominator is 0 or two points coincide.
     */
    private static int[] pointsFor(int[][] ratio, int k, int m, int t) {
        int[] points = new int[k + m];
        points[0] = 0;
        points[1] = t;
        points[k] = 1;
        for (int p = 1; p < m; p++) {
            int r = ratio[p][1];
            int denominator = r ^ 1 ^ t;
            if (denominator == 0) {
                return null;
            }
            points[k + p] = Galois.divide(Galois.multiply(r, t), denominator);
        }
        int x1 = points[k + 1];
        for (int c = 2; c < k; c++) {
            int r = ratio[1][c];
            int denominator = r ^ x1;
            if (denominator == 0) {
                return null;
            }
            points[c] = Galois.divide(Galois.multiply(x1, r ^ 1), denominator);
        }
        boolean[] seen = new boolean[256];
        for (int point : points) {
            if (seen[point]) {
                return null;
            }
            seen[point] = true;
        }
        return points;
    }

    /**
     * The multipliers that make GRS(points, v, k) have this systematic generator, if any: v_0 = 1,
     * parity p from column 0, data c from parity row 0; then the whole generator is regenerated and
     * compared.
     */
    private static Optional<GrsCode> withPoints(byte[][] generator, int k, int[] points) {
        int n = points.length;
        int[][] lagrange = lagrangeAtParity(points, k);
        int[] v = new int[n];
        v[0] = 1;
        for (int p = 0; p < n - k; p++) {
            v[k + p] = Galois.divide(generator[k + p][0] & 0xFF, lagrange[p][0]);
        }
        for (int c = 1; c < k; c++) {
            v[c] = Galois.divide(Galois.multiply(v[k], lagrange[0][c]), generator[k][c] & 0xFF);
        }
        for (int j = 0; j < n; j++) {
            if (v[j] == 0) {
                return Optional.empty();
            }
        }
        GrsCode code = new GrsCode(k, points, v);
        return Arrays.deepEquals(code.systematicGenerator(), generator) ? Optional.of(code) : Optional.empty();
    }

    /**
     * L_c(x_p): the Lagrange basis polynomial of data position c (1 at y_c, 0 at the other data
     * points) evaluated at each parity point, as [p][c].
     */
    private static int[][] lagrangeAtParity(int[] points, int k) {
        int m = points.length - k;
        int[] derivative = new int[k]; // prod over i != c of (y_c - y_i)
        for (int c = 0; c < k; c++) {
            int product = 1;
            for (int i = 0; i < k; i++) {
                if (i != c) {
                    product = Galois.multiply(product, points[c] ^ points[i]);
                }
            }
            derivative[c] = product;
        }
        int[][] result = new int[m][k];
        for (int p = 0; p < m; p++) {
            int x = points[k + p];
            int whole = 1; // prod over i of (x - y_i)
            for (int i = 0; i < k; i++) {
                whole = Galois.multiply(whole, x ^ points[i]);
            }
            for (int c = 0; c < k; c++) {
                result[p][c] = Galois.divide(whole, Galois.multiply(x ^ points[c], derivative[c]));
            }
        }
        return result;
    }

    /**
     * The systematic generator of this code (n x k, identity on top): the codeword whose data
     * positions are the unit vector of c has f = L_c / v_c, so row p of the parity block, column c,
     * is {@code v_p L_c(x_p) / v_c}.
     */
    public byte[][] systematicGenerator() {
        int n = points.length;
        int k = dataShards;
        byte[][] matrix = new byte[n][k];
        for (int c = 0; c < k; c++) {
            matrix[c][c] = 1;
        }
        int[][] lagrange = lagrangeAtParity(points, k);
        for (int p = 0; p < n - k; p++) {
            for (int c = 0; c < k; c++) {
                matrix[k + p][c] = (byte) Galois.divide(Galois.multiply(multipliers[k + p], lagrange[p][c]), multipliers[c]);
            }
        }
        return matrix;
    }

    private static boolean hasIdentityOnTop(byte[][] generator, int k) {
        for (int r = 0; r < generator.length; r++) {
            if (generator[r].length != k) {
                return false;
            }
        }
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < k; c++) {
                if (generator[r][c] != (r == c ? 1 : 0)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "GRS(n=" + points.length + ", k=" + dataShards + ", points=" + Arrays.toString(points)
                + ", multipliers=" + Arrays.toString(multipliers) + ")";
    }
}
