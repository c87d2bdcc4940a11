package dev.erasure.codec.kernel;

import static dev.erasure.codec.kernel.VectorLoops.LANES;
import static dev.erasure.codec.kernel.VectorLoops.TABLE_BYTES;

import dev.erasure.codec.gf.Galois;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

/**
 * The SIMD kernel on {@code jdk.incubator.vector}: split-nibble table lookups, the technique of
 * ISA-L, GF-Complete and klauspost. Multiplication by a constant c is linear over XOR, so
 * c * x = c * (x & 0x0F) ^ c * (x & 0xF0): two 16-entry tables per coefficient, looked up for
 * a whole vector of bytes at once with {@code selectFrom} (one byte permute each).
 *
 * <p>Shards are processed in column chunks sized so the chunk of every input and output stays in
 * L2; within a chunk output rows are computed in groups of four (then three or two, then one),
 * each input vector loaded once per group, two vectors per loop iteration, and each output byte
 * stored once per chunk. An odd last vector is finished one row at a time, bytes beyond the last
 * full vector with the scalar tables. Native segments take the fast loops of
 * {@link VectorLoops}; a call with any heap segment takes a slower, bounds-checked loop.
 */
public final class VectorKernel implements Kernel {

    /** Per-call budget of bytes (inputs + outputs) that one column chunk may touch. */
    static final int CHUNK_BUDGET = 256 * 1024;

    @Override
    public String name() {
        return "vector";
    }

    /** True if the preferred species is at least 128 bits wide (below that a byte permute gains nothing). */
    public static boolean usable() {
        return VectorLoops.SPECIES.vectorBitSize() >= 128;
    }

    /** Description of the vector shape, for the selector's reason line. */
    public static String describe() {
        return "Vector API kernel (" + VectorLoops.SPECIES + ")";
    }

    @Override
    public Tables prepare(byte[][] matrix) {
        byte[][] coefficients = Kernel.checkedCopy(matrix);
        int rows = coefficients.length;
        int columns = coefficients[0].length;
        byte[] nibbleTables = new byte[rows * columns * TABLE_BYTES];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                byte[] products = Galois.multiplicationRow(coefficients[r][c] & 0xFF);
                int base = (r * columns + c) * TABLE_BYTES;
                for (int lane = 0; lane < LANES; lane++) {
                    nibbleTables[base + lane] = products[lane & 0x0F];
                    nibbleTables[base + LANES + lane] = products[(lane & 0x0F) << 4];
                }
            }
        }
        MemorySegment nativeTables = Arena.ofAuto().allocate(nibbleTables.length, 64);
        nativeTables.copyFrom(MemorySegment.ofArray(nibbleTables));
        int chunk = Math.max(2 * LANES, (CHUNK_BUDGET / (rows + columns)) / (2 * LANES) * (2 * LANES));
        return new VectorTables(rows, columns, nibbleTables, nativeTables,
                new ScalarKernel().prepare(coefficients), chunk);
    }

    @Override
    public String toString() {
        return name();
    }

    private record VectorTables(int rows, int columns, byte[] nibbleTables, MemorySegment nativeTables, Tables tail,
            int chunkBytes) implements Tables {

        @Override
        public void multiply(MemorySegment[] inputs, MemorySegment[] outputs, long offset, long length) {
            long vectorBytes = length - length % LANES;
            if (vectorBytes > 0) {
                if (Kernel.allNative(inputs, columns) && Kernel.allNative(outputs, rows)) {
                    multiplyNative(inputs, outputs, offset, offset + vectorBytes);
                } else {
                    multiplySegments(inputs, outputs, offset, offset + vectorBytes);
                }
            }
            if (vectorBytes < length) {
                tail.multiply(inputs, outputs, offset + vectorBytes, length - vectorBytes);
            }
        }

        private void multiplyNative(MemorySegment[] inputs, MemorySegment[] outputs, long from, long to) {
            long[] in = addresses(inputs, columns);
            long[] out = addresses(outputs, rows);
            long rowStride = (long) columns * TABLE_BYTES;
            long tables = nativeTables.address();
            for (long start = from; start < to; start += chunkBytes) {
                long end = Math.min(to, start + chunkBytes);
                // the row loops take two vectors per iteration; an odd last vector goes to dot1Single
                long pairs = end - (end - start) % (2 * LANES);
                int r = 0;
                for (; r + 4 <= rows; r += 4) {
                    VectorLoops.dot4(in, columns, tables + r * rowStride, rowStride, out[r], out[r + 1], out[r + 2],
                            out[r + 3], start, pairs);
                }
                if (r + 3 == rows) {
                    VectorLoops.dot3(in, columns, tables + r * rowStride, rowStride, out[r], out[r + 1], out[r + 2],
                            start, pairs);
                    r += 3;
                }
                for (; r + 2 <= rows; r += 2) {
                    VectorLoops.dot2(in, columns, tables + r * rowStride, rowStride, out[r], out[r + 1], start, pairs);
                }
                for (; r < rows; r++) {
                    VectorLoops.dot1(in, columns, tables + r * rowStride, out[r], start, pairs);
                }
                for (int g = 0; pairs < end && g < rows; g++) {
                    VectorLoops.dot1Single(in, columns, tables + g * rowStride, out[g], pairs, end);
                }
            }
            Reference.reachabilityFence(nativeTables);
            Reference.reachabilityFence(inputs);
            Reference.reachabilityFence(outputs);
        }

        private void multiplySegments(MemorySegment[] inputs, MemorySegment[] outputs, long from, long to) {
            for (long start = from; start < to; start += chunkBytes) {
                long end = Math.min(to, start + chunkBytes);
                for (int r = 0; r < rows; r++) {
                    VectorLoops.dotSegments(inputs, outputs[r], nibbleTables, r * columns * TABLE_BYTES, columns,
                            start, end);
                }
            }
        }

        /** Addresses of native segments, after checking that each is still alive. */
        private static long[] addresses(MemorySegment[] segments, int count) {
            long[] result = new long[count];
            for (int i = 0; i < count; i++) {
                if (!segments[i].scope().isAlive()) {
                    throw new IllegalStateException("segment " + i + " is already closed");
                }
                result[i] = segments[i].address();
            }
            return result;
        }

        @Override
        public void close() {
            // tables live in an automatic arena, freed when unreachable
        }
    }
}
