package dev.erasure.codec.kernel;

import java.lang.foreign.MemorySegment;

/**
 * The hot loop of Reed-Solomon: multiplying shard bytes by a GF(2^8) matrix. Implementations
 * (scalar reference, Vector API, ISA-L) give byte-identical results.
 *
 * <p>A kernel first {@link #prepare prepares} a coefficient matrix into {@link Tables} (the
 * multiplication tables the kernel's loop wants), then multiplies column ranges of shards with
 * them as often as needed. Kernels are stateless and thread-safe; so are prepared tables.
 */
public interface Kernel {

    /** Short name used in logs, metrics and config: {@code scalar}, {@code vector} or {@code isal}. */
    String name();

    /**
     * Prepares {@code matrix} ({@code rows x columns}, each entry a GF(2^8) element, rows >= 1,
     * columns >= 1, all rows of equal length) for {@link Tables#multiply}. The matrix is copied;
     * the caller may change it afterwards.
     *
     * @throws IllegalArgumentException if the matrix is empty or ragged
     */
    Tables prepare(byte[][] matrix);

    /**
     * A prepared coefficient matrix. Thread-safe: any number of threads may multiply at once.
     * {@link #close()} releases native tables (if any) once running multiplications have returned;
     * a multiplication after close throws {@link IllegalStateException}. Unclosed tables are freed
     * when they become unreachable.
     */
    interface Tables extends AutoCloseable {

        /** Number of output rows (shards written by {@link #multiply}). */
        int rows();

        /** Number of input columns (shards read by {@link #multiply}). */
        int columns();

        /**
         * For every output row r and every byte position i in [offset, offset + length):
         * {@code outputs[r][i] = XOR over c of matrix[r][c] * inputs[c][i]}.
         *
         * <p>Reads {@code inputs[0..columns)}, writes {@code outputs[0..rows)} in that byte range
         * only (every output byte is overwritten, never accumulated into). The caller guarantees
         * array lengths, that every segment holds offset + length bytes, that outputs are
         * writable and that no output overlaps an input; the kernel does not check again.
         */
        void multiply(MemorySegment[] inputs, MemorySegment[] outputs, long offset, long length);

        /** Releases native resources; idempotent. */
        @Override
        void close();
    }

    /** Checks a matrix's shape for {@link #prepare} and returns a deep copy. */
    static byte[][] checkedCopy(byte[][] matrix) {
        if (matrix.length == 0 || matrix[0].length == 0) {
            throw new IllegalArgumentException("matrix must have at least one row and one column");
        }
        byte[][] copy = new byte[matrix.length][];
        for (int r = 0; r < matrix.length; r++) {
            if (matrix[r].length != matrix[0].length) {
                throw new IllegalArgumentException("matrix row " + r + " has " + matrix[r].length
                        + " columns, expected " + matrix[0].length);
            }
            copy[r] = matrix[r].clone();
        }
        return copy;
    }

    /** True if the first {@code count} segments are all native (the fast paths need raw addresses). */
    static boolean allNative(MemorySegment[] segments, int count) {
        for (int i = 0; i < count; i++) {
            if (!segments[i].isNative()) {
                return false;
            }
        }
        return true;
    }
}
