package dev.erasure.codec.kernel;

import dev.erasure.codec.gf.Galois;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The reference kernel: plain Java, one 256-byte multiplication-table row per coefficient.
 * Columns are copied chunk by chunk into heap arrays, so the inner loop is simple array code.
 * It is the readable definition of what every other kernel must compute.
 */
public final class ScalarKernel implements Kernel {

    /** Bytes per column chunk: small enough that the chunk of every shard stays in L1/L2. */
    static final int CHUNK = 4096;

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public Tables prepare(byte[][] matrix) {
        byte[][] coefficients = Kernel.checkedCopy(matrix);
        int rows = coefficients.length;
        int columns = coefficients[0].length;
        byte[][][] tables = new byte[rows][columns][];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                tables[r][c] = Galois.multiplicationRow(coefficients[r][c] & 0xFF);
            }
        }
        return new ScalarTables(tables, rows, columns);
    }

    @Override
    public String toString() {
        return name();
    }

    private record ScalarTables(byte[][][] tables, int rows, int columns) implements Tables {

        @Override
        public void multiply(MemorySegment[] inputs, MemorySegment[] outputs, long offset, long length) {
            byte[][] in = new byte[columns][CHUNK];
            byte[] out = new byte[CHUNK];
            for (long done = 0; done < length; done += CHUNK) {
                int n = (int) Math.min(CHUNK, length - done);
                long at = offset + done;
                for (int c = 0; c < columns; c++) {
                    MemorySegment.copy(inputs[c], ValueLayout.JAVA_BYTE, at, in[c], 0, n);
                }
                for (int r = 0; r < rows; r++) {
                    Arrays.fill(out, 0, n, (byte) 0);
                    for (int c = 0; c < columns; c++) {
                        multiplyAdd(tables[r][c], in[c], out, n);
                    }
                    MemorySegment.copy(out, 0, outputs[r], ValueLayout.JAVA_BYTE, at, n);
                }
            }
        }

        /** out[i] ^= c * in[i] for i < n, with table = row c of the multiplication table. */
        private static void multiplyAdd(byte[] table, byte[] in, byte[] out, int n) {
            // inner loop — measured: a table lookup per byte; the JIT keeps it bounds-check free.
            for (int i = 0; i < n; i++) {
                out[i] ^= table[in[i] & 0xFF];
            }
        }

        @Override
        public void close() {
            // heap tables only: nothing to release
        }
    }
}
