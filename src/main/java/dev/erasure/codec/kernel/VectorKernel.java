package dev.erasure.codec.kernel;

import dev.erasure.codec.gf.Galois;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernel on {@code jdk.incubator.vector}: split-nibble table lookups, the technique of
 * ISA-L, GF-Complete and klauspost. Multiplication by a constant c is linear over XOR, so
 * c * x = c * (x & 0x0F) ^ c * (x & 0xF0): two 16-entry tables per coefficient, looked up for
 * a whole vector of bytes at once with {@code selectFrom} (one byte permute each).
 *
 * <p>Shards are processed in column chunks of {@link #chunkBytes} bytes sized so the chunk of
 * every input and output stays in L2; within a chunk each output row is computed to the end and
 * stored once (every output byte written once per chunk). Bytes beyond the last full vector are
 * finished with the scalar tables.
 */
public final class VectorKernel implements Kernel {

    static final VectorSpecies<Byte> SPECIES = ByteVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    /** Per-call budget of bytes (inputs + outputs) that one column chunk may touch. */
    static final int CHUNK_BUDGET = 256 * 1024;

    @Override
    public String name() {
        return "vector";
    }

    /** True if the preferred species is at least 128 bits wide (below that a byte permute gains nothing). */
    public static boolean usable() {
        return SPECIES.vectorBitSize() >= 128;
    }

    /** Description of the vector shape, for the selector's reason line. */
    public static String describe() {
        return "Vector API kernel (" + SPECIES.vectorBitSize() + "-bit " + SPECIES + ")";
    }

    @Override
    public Tables prepare(byte[][] matrix) {
        byte[][] coefficients = Kernel.checkedCopy(matrix);
        int rows = coefficients.length;
        int columns = coefficients[0].length;
        byte[] nibbleTables = new byte[rows * columns * 2 * LANES];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                byte[] products = Galois.multiplicationRow(coefficients[r][c] & 0xFF);
                int base = (r * columns + c) * 2 * LANES;
                for (int lane = 0; lane < LANES; lane++) {
                    nibbleTables[base + lane] = products[lane & 0x0F];
                    nibbleTables[base + LANES + lane] = products[(lane & 0x0F) << 4];
                }
            }
        }
        ScalarKernel.Tables tail = new ScalarKernel().prepare(coefficients);
        int chunk = Math.max(LANES, (CHUNK_BUDGET / (rows + columns)) / LANES * LANES);
        return new VectorTables(rows, columns, nibbleTables, tail, chunk);
    }

    @Override
    public String toString() {
        return name();
    }

    private record VectorTables(int rows, int columns, byte[] nibbleTables, Tables tail, int chunkBytes)
            implements Tables {

        @Override
        public void multiply(MemorySegment[] inputs, MemorySegment[] outputs, long offset, long length) {
            long vectorBytes = length - length % LANES;
            for (long done = 0; done < vectorBytes; done += chunkBytes) {
                long chunkEnd = Math.min(vectorBytes, done + chunkBytes);
                int r = 0;
                for (; r + 4 <= rows; r += 4) {
                    dotFourRows(inputs, outputs, r, offset + done, offset + chunkEnd);
                }
                for (; r < rows; r++) {
                    dotRow(inputs, outputs[r], r, offset + done, offset + chunkEnd);
                }
            }
            if (vectorBytes < length) {
                tail.multiply(inputs, outputs, offset + vectorBytes, length - vectorBytes);
            }
        }

        /** outputs = sum over columns of coefficient(row, c) * inputs[c], for [from, to), to - from a multiple of LANES. */
        private void dotRow(MemorySegment[] inputs, MemorySegment output, int row, long from, long to) {
            // inner loop — measured, be careful: loads, permutes and XORs only; no allocation
            int tableBase = row * columns * 2 * LANES;
            ByteOrder order = ByteOrder.nativeOrder();
            for (long at = from; at < to; at += LANES) {
                ByteVector sum = ByteVector.zero(SPECIES);
                for (int c = 0; c < columns; c++) {
                    ByteVector in = ByteVector.fromMemorySegment(SPECIES, inputs[c], at, order);
                    ByteVector low = in.and((byte) 0x0F);
                    ByteVector high = in.lanewise(VectorOperators.LSHR, 4);
                    int t = tableBase + c * 2 * LANES;
                    ByteVector lowTable = ByteVector.fromArray(SPECIES, nibbleTables, t);
                    ByteVector highTable = ByteVector.fromArray(SPECIES, nibbleTables, t + LANES);
                    sum = sum.lanewise(VectorOperators.XOR, low.selectFrom(lowTable))
                            .lanewise(VectorOperators.XOR, high.selectFrom(highTable));
                }
                sum.intoMemorySegment(output, at, order);
            }
        }

        /** Like {@link #dotRow} for rows row..row+3: each input vector is loaded and split once for four rows. */
        private void dotFourRows(MemorySegment[] inputs, MemorySegment[] outputs, int row, long from, long to) {
            // inner loop — measured, be careful: four accumulators stay in registers; tables come from L1
            int stride = 2 * LANES;
            int rowStride = columns * stride;
            int base = row * rowStride;
            ByteOrder order = ByteOrder.nativeOrder();
            MemorySegment out0 = outputs[row];
            MemorySegment out1 = outputs[row + 1];
            MemorySegment out2 = outputs[row + 2];
            MemorySegment out3 = outputs[row + 3];
            byte[] tables = nibbleTables;
            for (long at = from; at < to; at += LANES) {
                ByteVector sum0 = ByteVector.zero(SPECIES);
                ByteVector sum1 = sum0;
                ByteVector sum2 = sum0;
                ByteVector sum3 = sum0;
                for (int c = 0; c < columns; c++) {
                    ByteVector in = ByteVector.fromMemorySegment(SPECIES, inputs[c], at, order);
                    ByteVector low = in.and((byte) 0x0F);
                    ByteVector high = in.lanewise(VectorOperators.LSHR, 4);
                    int t = base + c * stride;
                    sum0 = sum0.lanewise(VectorOperators.XOR, low.selectFrom(ByteVector.fromArray(SPECIES, tables, t)))
                            .lanewise(VectorOperators.XOR, high.selectFrom(ByteVector.fromArray(SPECIES, tables, t + LANES)));
                    t += rowStride;
                    sum1 = sum1.lanewise(VectorOperators.XOR, low.selectFrom(ByteVector.fromArray(SPECIES, tables, t)))
                            .lanewise(VectorOperators.XOR, high.selectFrom(ByteVector.fromArray(SPECIES, tables, t + LANES)));
                    t += rowStride;
                    sum2 = sum2.lanewise(VectorOperators.XOR, low.selectFrom(ByteVector.fromArray(SPECIES, tables, t)))
                            .lanewise(VectorOperators.XOR, high.selectFrom(ByteVector.fromArray(SPECIES, tables, t + LANES)));
                    t += rowStride;
                    sum3 = sum3.lanewise(VectorOperators.XOR, low.selectFrom(ByteVector.fromArray(SPECIES, tables, t)))
                            .lanewise(VectorOperators.XOR, high.selectFrom(ByteVector.fromArray(SPECIES, tables, t + LANES)));
                }
                sum0.intoMemorySegment(out0, at, order);
                sum1.intoMemorySegment(out1, at, order);
                sum2.intoMemorySegment(out2, at, order);
                sum3.intoMemorySegment(out3, at, order);
            }
        }

        @Override
        public void close() {
            // heap tables only
        }
    }
}
