package dev.erasure.codec.gf;

/**
 * Matrices over GF(2^8) as {@code byte[rows][columns]}, the operations Reed-Solomon needs:
 * product, Gauss-Jordan inversion, row selection. Methods never modify their arguments and
 * return fresh arrays; they are thread-safe.
 */
public final class Matrix {

    private Matrix() {
    }

    /** The n x n identity matrix. */
    public static byte[][] identity(int n) {
        byte[][] result = new byte[n][n];
        for (int i = 0; i < n; i++) {
            result[i][i] = 1;
        }
        return result;
    }

    /**
     * The product left x right.
     *
     * @throws IllegalArgumentException if left's column count differs from right's row count
     */
    public static byte[][] multiply(byte[][] left, byte[][] right) {
        int inner = right.length;
        if (left.length > 0 && left[0].length != inner) {
            throw new IllegalArgumentException("cannot multiply a matrix with " + left[0].length
                    + " columns by one with " + inner + " rows");
        }
        int columns = inner == 0 ? 0 : right[0].length;
        byte[][] result = new byte[left.length][columns];
        for (int r = 0; r < left.length; r++) {
            for (int c = 0; c < columns; c++) {
                int sum = 0;
                for (int i = 0; i < inner; i++) {
                    sum ^= Galois.multiply(left[r][i] & 0xFF, right[i][c] & 0xFF);
                }
                result[r][c] = (byte) sum;
            }
        }
        return result;
    }

    /** The rows of {@code matrix} at {@code rowIndexes}, in that order (copied). */
    public static byte[][] selectRows(byte[][] matrix, int[] rowIndexes) {
        byte[][] result = new byte[rowIndexes.length][];
        for (int i = 0; i < rowIndexes.length; i++) {
            result[i] = matrix[rowIndexes[i]].clone();
        }
        return result;
    }

    /**
     * The inverse of a square matrix, by Gauss-Jordan elimination on [matrix | identity].
     *
     * @throws IllegalArgumentException if the matrix is not square
     * @throws ArithmeticException if the matrix is singular
     */
    public static byte[][] invert(byte[][] matrix) {
        int n = matrix.length;
        byte[][] work = new byte[n][2 * n];
        for (int r = 0; r < n; r++) {
            if (matrix[r].length != n) {
                throw new IllegalArgumentException("only square matrices can be inverted (got "
                        + n + " x " + matrix[r].length + ")");
            }
            System.arraycopy(matrix[r], 0, work[r], 0, n);
            work[r][n + r] = 1;
        }
        for (int col = 0; col < n; col++) {
            pivot(work, col);
            int scale = Galois.inverse(work[col][col] & 0xFF);
            scaleRow(work[col], scale);
            for (int r = 0; r < n; r++) {
                int factor = work[r][col] & 0xFF;
                if (r != col && factor != 0) {
                    addScaledRow(work[r], work[col], factor);
                }
            }
        }
        byte[][] inverse = new byte[n][n];
        for (int r = 0; r < n; r++) {
            System.arraycopy(work[r], n, inverse[r], 0, n);
        }
        return inverse;
    }

    /** Brings a row with a non-zero entry in {@code col} to row {@code col}. */
    private static void pivot(byte[][] work, int col) {
        if (work[col][col] != 0) {
            return;
        }
        for (int r = col + 1; r < work.length; r++) {
            if (work[r][col] != 0) {
                byte[] swap = work[r];
                work[r] = work[col];
                work[col] = swap;
                return;
            }
        }
        throw new ArithmeticException("matrix is singular");
    }

    private static void scaleRow(byte[] row, int factor) {
        for (int i = 0; i < row.length; i++) {
            row[i] = (byte) Galois.multiply(row[i] & 0xFF, factor);
        }
    }

    private static void addScaledRow(byte[] target, byte[] source, int factor) {
        for (int i = 0; i < target.length; i++) {
            target[i] ^= (byte) Galois.multiply(source[i] & 0xFF, factor);
        }
    }
}
