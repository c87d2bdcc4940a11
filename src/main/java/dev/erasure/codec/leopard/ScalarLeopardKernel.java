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
            int a = lo & 15;
            int b = (lo >>> 4) + 16;
            int c = (hi & 15) + 32;
            int d = (hi >>> 4) + 48;
            store(out, outAt + i, t[a] ^ t[b] ^ t[c] ^ t[d], accumulate);
            store(out, outAt + 32 + i, t[64 + a] ^ t[64 + b] ^ t[64 + c] ^ t[64 + d], accumulate);
        }
    }

    private static void store(MemorySegment out, long at, int value, boolean accumulate) {
        byte b = (byte) value;
        out.set(BYTE, at, accumulate ? (byte) (out.get(BYTE, at) ^ b) : b);
    }
}
