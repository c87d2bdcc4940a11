package dev.erasure.codec.leopard;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The readable reference: one symbol at a time, products from the split-nibble tables of
 * {@link LeopardField#tables()} (two lookups per GF(2^8) byte, four per GF(2^16) symbol and output
 * byte plane). Also the fallback when the Vector API is not usable.
 */
public final class ScalarLeopardKernel implements LeopardKernel {

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final int LOW0 = LeopardField.lowTableAt(0);
    private static final int LOW1 = LeopardField.lowTableAt(1);
    private static final int LOW2 = LeopardField.lowTableAt(2);
    private static final int LOW3 = LeopardField.lowTableAt(3);
    private static final int HIGH0 = LeopardField.highTableAt(0);
    private static final int HIGH1 = LeopardField.highTableAt(1);
    private static final int HIGH2 = LeopardField.highTableAt(2);
    private static final int HIGH3 = LeopardField.highTableAt(3);

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void xor(MemorySegment x, long xOffset, MemorySegment y, long yOffset, long length) {
        for (long i = 0; i < length; i += 8) {
            x.set(LONG, xOffset + i, x.get(LONG, xOffset + i) ^ y.get(LONG, yOffset + i));
        }
    }

    @Override
    public void mul(LeopardField field, MemorySegment x, long xOffset, MemorySegment y, long yOffset, long length,
            int logM) {
        byte[] table = table(field, logM);
        for (long block = 0; block < length; block += 64) {
            multiplyBlock(field, table, y, yOffset + block, x, xOffset + block, false);
        }
    }

    @Override
    public void fftButterfly(LeopardField field, MemorySegment x, long xOffset, MemorySegment y, long yOffset,
            long length, int logM) {
        byte[] table = table(field, logM);
        for (long block = 0; block < length; block += 64) {
            multiplyBlock(field, table, y, yOffset + block, x, xOffset + block, true);
            xor(y, yOffset + block, x, xOffset + block, 64);
        }
    }

    @Override
    public void ifftButterfly(LeopardField field, MemorySegment x, long xOffset, MemorySegment y, long yOffset,
            long length, int logM) {
        byte[] table = table(field, logM);
        for (long block = 0; block < length; block += 64) {
            xor(y, yOffset + block, x, xOffset + block, 64);
            multiplyBlock(field, table, y, yOffset + block, x, xOffset + block, true);
        }
    }

    /** The product tables of one multiplier, copied out of native memory once per call. */
    private static byte[] table(LeopardField field, int logM) {
        byte[] table = new byte[field.tableBytes];
        MemorySegment.copy(field.tables(), BYTE, (long) logM * field.tableBytes, table, 0, table.length);
        return table;
    }

    /** out = in * m (or out ^= in * m when accumulate) for one 64-byte block. */
    private static void multiplyBlock(LeopardField field, byte[] t, MemorySegment in, long inAt, MemorySegment out,
            long outAt, boolean accumulate) {
        if (field.bits == 8) {
            for (int i = 0; i < 64; i++) {
                int v = in.get(BYTE, inAt + i) & 0xFF;
                int product = t[v & 15] ^ t[16 + (v >>> 4)];
                store(out, outAt + i, product, accumulate);
            }
            return;
        }
        for (int i = 0; i < 32; i++) {
            int lo = in.get(BYTE, inAt + i) & 0xFF;
            int hi = in.get(BYTE, inAt + 32 + i) & 0xFF;
            int n0 = lo & 15;
            int n1 = lo >>> 4;
            int n2 = hi & 15;
            int n3 = hi >>> 4;
            store(out, outAt + i, t[LOW0 + n0] ^ t[LOW1 + n1] ^ t[LOW2 + n2] ^ t[LOW3 + n3], accumulate);
            store(out, outAt + 32 + i, t[HIGH0 + n0] ^ t[HIGH1 + n1] ^ t[HIGH2 + n2] ^ t[HIGH3 + n3], accumulate);
        }
    }

    private static void store(MemorySegment out, long at, int value, boolean accumulate) {
        byte b = (byte) value;
        out.set(BYTE, at, accumulate ? (byte) (out.get(BYTE, at) ^ b) : b);
    }
}
