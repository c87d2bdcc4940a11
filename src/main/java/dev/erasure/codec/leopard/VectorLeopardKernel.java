package dev.erasure.codec.leopard;

import static jdk.incubator.vector.ByteVector.fromMemorySegment;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static jdk.incubator.vector.VectorOperators.XOR;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Objects;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Leopard's butterflies on the Vector API: split-nibble table lookups ({@code selectFrom}, a byte
 * permutation such as vpermb or pshufb) as in the Reed-Solomon vector kernel, extended to 16-bit
 * symbols.
 *
 * <ul>
 *   <li>GF(2^8): product = low[v & 15] ^ high[v >> 4], one vector of bytes at a time.</li>
 *   <li>GF(2^16) with 64 lanes: one vector is one 64-byte block, low byte plane in lanes 0-31 and
 *       high plane in 32-63. Each output byte is the XOR of four lookups, one per nibble of its
 *       symbol. The nibbles of the other plane are brought over by swapping the vector's halves,
 *       and the upper lanes' indexes get +16 so that one 32-entry table serves both planes (the
 *       pairing is the layout of {@link LeopardField#tables()}): four lookups per 64 bytes.</li>
 *   <li>GF(2^16) with 16 or 32 lanes: the two planes are loaded separately, eight lookups (four
 *       per output plane).</li>
 * </ul>
 * Native segments are addressed as absolute addresses after an explicit bounds check; heap
 * segments go to the scalar kernel.
 *
 * <p>The loops call the Vector API only, with each product written out where it is used. C2
 * always inlines the Vector API's own methods, but a method of ours that takes or returns a
 * vector only where the call's profile looks hot; where it does not, the vectors are boxed and the
 * loop runs several times slower. Which it is was decided per JVM run with such helpers (a load
 * and a product method): one JMH fork in three to five ran at a fifth of the speed
 * (docs/benchmarks.md, Leopard).
 */
public final class VectorLeopardKernel implements LeopardKernel {

    static final VectorSpecies<Byte> SPECIES = ByteVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();

    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ScalarLeopardKernel SCALAR = new ScalarLeopardKernel();

    /** Swaps the two 32-lane halves of a 64-lane vector. */
    private static final VectorShuffle<Byte> SWAP_HALVES = VectorShuffle.fromOp(SPECIES, i -> (i + 32) % LANES);
    /** 0 in lanes 0-31, 16 in lanes 32-63: selects the second table of a 32-byte pair in the high plane. */
    private static final ByteVector UPPER_PLUS_16 = ByteVector.fromArray(SPECIES, upperPlus16(), 0);

    private static byte[] upperPlus16() {
        byte[] offsets = new byte[LANES];
        for (int i = 32; i < LANES; i++) {
            offsets[i] = 16;
        }
        return offsets;
    }

    /** Whether this machine's preferred vectors fit the kernel: 16, 32 or 64 byte lanes. */
    public static boolean usable() {
        return LANES == 16 || LANES == 32 || LANES == 64;
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public String toString() {
        return "vector (" + SPECIES + ")";
    }

    @Override
    public void xor(MemorySegment x, long xOffset, MemorySegment y, long yOffset, long length) {
        if (!fast(x, xOffset, y, yOffset, length)) {
            SCALAR.xor(x, xOffset, y, yOffset, length);
            return;
        }
        xor(x.address() + xOffset, y.address() + yOffset, length);
    }

    @Override
    public void mul(LeopardField field, MemorySegment x, long xOffset, MemorySegment y, long yOffset, long length,
            int logM) {
        if (!fast(x, xOffset, y, yOffset, length)) {
            SCALAR.mul(field, x, xOffset, y, yOffset, length, logM);
            return;
        }
        butterfly(field, x.address() + xOffset, y.address() + yOffset, length, logM, MUL);
    }

    @Override
    public void fftButterfly(LeopardField field, MemorySegment x, long xOffset, MemorySegment y, long yOffset,
            long length, int logM) {
        if (!fast(x, xOffset, y, yOffset, length)) {
            SCALAR.fftButterfly(field, x, xOffset, y, yOffset, length, logM);
            return;
        }
        butterfly(field, x.address() + xOffset, y.address() + yOffset, length, logM, FFT);
    }

    @Override
    public void ifftButterfly(LeopardField field, MemorySegment x, long xOffset, MemorySegment y, long yOffset,
            long length, int logM) {
        if (!fast(x, xOffset, y, yOffset, length)) {
            SCALAR.ifftButterfly(field, x, xOffset, y, yOffset, length, logM);
            return;
        }
        butterfly(field, x.address() + xOffset, y.address() + yOffset, length, logM, IFFT);
    }

    @Override
    public void ifft4(LeopardField field, MemorySegment work, long a, long b, long c, long d, long length,
            int logM01, int logM23, int logM02) {
        if (!fast4(field, work, a, b, c, d, length)) {
            LeopardKernel.super.ifft4(field, work, a, b, c, d, length, logM01, logM23, logM02);
            return;
        }
        long base = work.address();
        long t01 = skewTable(field, logM01);
        long t23 = skewTable(field, logM23);
        long t02 = skewTable(field, logM02);
        if (field.bits == 8) {
            ifft4x8(t01, t23, t02, base + a, base + b, base + c, base + d, length);
        } else {
            ifft4x16(t01, t23, t02, base + a, base + b, base + c, base + d, length);
        }
    }

    @Override
    public void ifft4Load(LeopardField field, MemorySegment[] in, int[] inLogs, long inOffset, MemorySegment work,
            long a, long b, long c, long d, long length, int logM01, int logM23, int logM02) {
        if (!allNative(in, inOffset, length) || !fast4(field, work, a, b, c, d, length)) {
            LeopardKernel.super.ifft4Load(field, in, inLogs, inOffset, work, a, b, c, d, length, logM01, logM23,
                    logM02);
            return;
        }
        // Block by block: load a block of each slot, then transform it while it is in L1.
        long base = work.address();
        long[] slots = {base + a, base + b, base + c, base + d};
        long t01 = skewTable(field, logM01);
        long t23 = skewTable(field, logM23);
        long t02 = skewTable(field, logM02);
        for (long at = 0; at < length; at += BLOCK) {
            long n = Math.min(BLOCK, length - at);
            for (int i = 0; i < 4; i++) {
                MemorySegment slot = work.asSlice(slots[i] - base + at, n);
                if (in[i] == null) {
                    slot.fill((byte) 0);
                } else if (inLogs == null) {
                    MemorySegment.copy(in[i], inOffset + at, slot, 0, n);
                } else {
                    butterfly(field, slots[i] + at, in[i].address() + inOffset + at, n, inLogs[i], MUL);
                }
            }
            if (field.bits == 8) {
                ifft4x8(t01, t23, t02, slots[0] + at, slots[1] + at, slots[2] + at, slots[3] + at, n);
            } else {
                ifft4x16(t01, t23, t02, slots[0] + at, slots[1] + at, slots[2] + at, slots[3] + at, n);
            }
        }
    }

    @Override
    public void fft4(LeopardField field, MemorySegment work, long a, long b, long c, long d, long length,
            int logM01, int logM23, int logM02) {
        if (!fast4(field, work, a, b, c, d, length)) {
            LeopardKernel.super.fft4(field, work, a, b, c, d, length, logM01, logM23, logM02);
            return;
        }
        long base = work.address();
        long t01 = skewTable(field, logM01);
        long t23 = skewTable(field, logM23);
        long t02 = skewTable(field, logM02);
        if (field.bits == 8) {
            fft4x8(t01, t23, t02, base + a, base + b, base + c, base + d, length);
        } else {
            fft4x16(t01, t23, t02, base + a, base + b, base + c, base + d, length);
        }
    }

    @Override
    public void fft4Store(LeopardField field, MemorySegment work, long a, long b, long c, long d, long length,
            int logM01, int logM23, int logM02, MemorySegment[] out, int[] outLogs, long outOffset) {
        if (!allNative(out, outOffset, length) || !fast4(field, work, a, b, c, d, length)) {
            LeopardKernel.super.fft4Store(field, work, a, b, c, d, length, logM01, logM23, logM02, out, outLogs,
                    outOffset);
            return;
        }
        // Block by block: transform a block of each slot, then write it out while it is in L1.
        long[] slots = {a, b, c, d};
        long base = work.address();
        long t01 = skewTable(field, logM01);
        long t23 = skewTable(field, logM23);
        long t02 = skewTable(field, logM02);
        for (long at = 0; at < length; at += BLOCK) {
            long n = Math.min(BLOCK, length - at);
            if (field.bits == 8) {
                fft4x8(t01, t23, t02, base + a + at, base + b + at, base + c + at, base + d + at, n);
            } else {
                fft4x16(t01, t23, t02, base + a + at, base + b + at, base + c + at, base + d + at, n);
            }
            for (int i = 0; i < 4; i++) {
                if (out[i] == null) {
                    continue;
                }
                if (outLogs == null) {
                    MemorySegment.copy(work, slots[i] + at, out[i], outOffset + at, n);
                } else {
                    butterfly(field, out[i].address() + outOffset + at, base + slots[i] + at, n, outLogs[i], MUL);
                }
            }
        }
    }

    @Override
    public void encodeSmall(LeopardField field, int m, MemorySegment[] in, long inOffset, MemorySegment[] out,
            long outOffset, long length, int[] logs) {
        if ((m != 2 && m != 4) || (field.bits == 16 && LANES != 64) || !allNative(in, inOffset, length)
                || !allNative(out, outOffset, length)) {
            LeopardKernel.super.encodeSmall(field, m, in, inOffset, out, outOffset, length, logs);
            return;
        }
        int groups = (in.length + m - 1) / m;
        long[] src = new long[groups * m];
        for (int i = 0; i < src.length; i++) {
            src[i] = i < in.length && in[i] != null ? in[i].address() + inOffset : 0;
        }
        long[] dst = new long[m];
        for (int j = 0; j < m; j++) {
            dst[j] = out[j].address() + outOffset;
        }
        long[] tables = new long[logs.length];
        for (int i = 0; i < logs.length; i++) {
            tables[i] = skewTable(field, logs[i]);
        }
        if (field.bits == 8) {
            if (m == 4) {
                encode4x8(src, dst, tables, SMALL_TEMP.get().address(), length);
            } else {
                encode2x8(src, dst, tables, length);
            }
        } else if (m == 4) {
            encode4x16(src, dst, tables, SMALL_TEMP.get().address(), length);
        } else {
            encode2x16(src, dst, tables, length);
        }
    }

    /** Whether every non-null segment is native and holds {@code length} bytes at {@code offset}. */
    private static boolean allNative(MemorySegment[] segments, long offset, long length) {
        for (MemorySegment segment : segments) {
            if (segment != null) {
                if (!segment.isNative()) {
                    return false;
                }
                Objects.checkFromIndexSize(offset, length, segment.byteSize());
            }
        }
        return true;
    }

    /*
     * Fused small-m encode, in column blocks of BLOCK bytes. For m = 4, group 0's first inverse
     * layer reads the data and writes the four parity blocks, its second runs in place on them;
     * a later group's first layer writes the per-thread temporary blocks and its second layer XORs
     * its results into the parity blocks; the forward step then runs in place. The parity blocks
     * and the temporary blocks (16 KiB) stay in L1 while a block's data streams through once. As
     * in the radix-4 methods, each loop holds one product and takes only addresses, so C2
     * compiles each loop alone whether or not it inlines them here. A missing input (past k)
     * reads the zero block. The x8 and x16 twins differ only in the field width, a literal in
     * each so that it is a constant in the loops; they stay separate like the radix-4 block
     * methods, whose merged form measured slower (docs/benchmarks.md; not measured for these).
     */

    private static void encode4x8(long[] src, long[] dst, long[] tables, long temp, long length) {
        int groups = src.length / 4;
        long t0 = temp;
        long t1 = temp + BLOCK;
        long t2 = temp + 2 * BLOCK;
        long t3 = temp + 3 * BLOCK;
        int f = 3 * groups;
        for (long at = 0; at < length; at += BLOCK) {
            long n = Math.min(BLOCK, length - at);
            long p0 = dst[0] + at;
            long p1 = dst[1] + at;
            long p2 = dst[2] + at;
            long p3 = dst[3] + at;
            for (int g = 0; g < groups; g++) {
                long s0 = source(src[4 * g], at);
                long s1 = source(src[4 * g + 1], at);
                long s2 = source(src[4 * g + 2], at);
                long s3 = source(src[4 * g + 3], at);
                if (g == 0) {
                    ifftTo(8, tables[0], s0, s1, p0, p1, n);
                    ifftTo(8, tables[1], s2, s3, p2, p3, n);
                    ifftTo(8, tables[2], p0, p2, p0, p2, n);
                    ifftTo(8, tables[2], p1, p3, p1, p3, n);
                } else {
                    ifftTo(8, tables[3 * g], s0, s1, t0, t1, n);
                    ifftTo(8, tables[3 * g + 1], s2, s3, t2, t3, n);
                    ifftAcc(8, tables[3 * g + 2], t0, t2, p0, p2, n);
                    ifftAcc(8, tables[3 * g + 2], t1, t3, p1, p3, n);
                }
            }
            fft2(8, tables[f + 2], p0, p2, n);
            fft2(8, tables[f + 2], p1, p3, n);
            fft2(8, tables[f], p0, p1, n);
            fft2(8, tables[f + 1], p2, p3, n);
        }
    }

    private static void encode4x16(long[] src, long[] dst, long[] tables, long temp, long length) {
        int groups = src.length / 4;
        long t0 = temp;
        long t1 = temp + BLOCK;
        long t2 = temp + 2 * BLOCK;
        long t3 = temp + 3 * BLOCK;
        int f = 3 * groups;
        for (long at = 0; at < length; at += BLOCK) {
            long n = Math.min(BLOCK, length - at);
            long p0 = dst[0] + at;
            long p1 = dst[1] + at;
            long p2 = dst[2] + at;
            long p3 = dst[3] + at;
            for (int g = 0; g < groups; g++) {
                long s0 = source(src[4 * g], at);
                long s1 = source(src[4 * g + 1], at);
                long s2 = source(src[4 * g + 2], at);
                long s3 = source(src[4 * g + 3], at);
                if (g == 0) {
                    ifftTo(16, tables[0], s0, s1, p0, p1, n);
                    ifftTo(16, tables[1], s2, s3, p2, p3, n);
                    ifftTo(16, tables[2], p0, p2, p0, p2, n);
                    ifftTo(16, tables[2], p1, p3, p1, p3, n);
                } else {
                    ifftTo(16, tables[3 * g], s0, s1, t0, t1, n);
                    ifftTo(16, tables[3 * g + 1], s2, s3, t2, t3, n);
                    ifftAcc(16, tables[3 * g + 2], t0, t2, p0, p2, n);
                    ifftAcc(16, tables[3 * g + 2], t1, t3, p1, p3, n);
                }
            }
            fft2(16, tables[f + 2], p0, p2, n);
            fft2(16, tables[f + 2], p1, p3, n);
            fft2(16, tables[f], p0, p1, n);
            fft2(16, tables[f + 1], p2, p3, n);
        }
    }

    private static void encode2x8(long[] src, long[] dst, long[] tables, long length) {
        int groups = src.length / 2;
        for (long at = 0; at < length; at += BLOCK) {
            long n = Math.min(BLOCK, length - at);
            long p0 = dst[0] + at;
            long p1 = dst[1] + at;
            for (int g = 0; g < groups; g++) {
                long s0 = source(src[2 * g], at);
                long s1 = source(src[2 * g + 1], at);
                if (g == 0) {
                    ifftTo(8, tables[0], s0, s1, p0, p1, n);
                } else {
                    ifftAcc(8, tables[g], s0, s1, p0, p1, n);
                }
            }
            fft2(8, tables[groups], p0, p1, n);
        }
    }

    private static void encode2x16(long[] src, long[] dst, long[] tables, long length) {
        int groups = src.length / 2;
        for (long at = 0; at < length; at += BLOCK) {
            long n = Math.min(BLOCK, length - at);
            long p0 = dst[0] + at;
            long p1 = dst[1] + at;
            for (int g = 0; g < groups; g++) {
                long s0 = source(src[2 * g], at);
                long s1 = source(src[2 * g + 1], at);
                if (g == 0) {
                    ifftTo(16, tables[0], s0, s1, p0, p1, n);
                } else {
                    ifftAcc(16, tables[g], s0, s1, p0, p1, n);
                }
            }
            fft2(16, tables[groups], p0, p1, n);
        }
    }

    /** The address of a data block, or of the zero block for a missing input (address 0). */
    private static long source(long base, long at) {
        return base == 0 ? ZERO_BLOCK.address() : base + at;
    }

    /** Inverse butterfly from (xs, ys) to (xd, yd): yd = ys ^ xs, xd = xs ^ yd * m; XOR only for table 0. */
    private static void ifftTo(int bits, long table, long xs, long ys, long xd, long yd, long length) {
        if (table == 0) {
            xorTo(xs, ys, xd, yd, length);
        } else if (bits == 8) {
            ifft8To(table, xs, ys, xd, yd, length);
        } else {
            ifft16To(table, xs, ys, xd, yd, length);
        }
    }

    /** {@link #ifftTo} whose results are XORed into (xd, yd) instead of stored. */
    private static void ifftAcc(int bits, long table, long xs, long ys, long xd, long yd, long length) {
        if (table == 0) {
            xorAcc(xs, ys, xd, yd, length);
        } else if (bits == 8) {
            ifft8Acc(table, xs, ys, xd, yd, length);
        } else {
            ifft16Acc(table, xs, ys, xd, yd, length);
        }
    }

    private static void xorTo(long xs, long ys, long xd, long yd, long length) {
        for (long at = 0; at < length; at += LANES) {
            ByteVector x = fromMemorySegment(SPECIES, ALL, xs + at, ORDER);
            ByteVector y = fromMemorySegment(SPECIES, ALL, ys + at, ORDER).lanewise(XOR, x);
            y.intoMemorySegment(ALL, yd + at, ORDER);
            x.intoMemorySegment(ALL, xd + at, ORDER);
        }
    }

    private static void xorAcc(long xs, long ys, long xd, long yd, long length) {
        for (long at = 0; at < length; at += LANES) {
            ByteVector x = fromMemorySegment(SPECIES, ALL, xs + at, ORDER);
            ByteVector y = fromMemorySegment(SPECIES, ALL, ys + at, ORDER).lanewise(XOR, x);
            fromMemorySegment(SPECIES, ALL, yd + at, ORDER).lanewise(XOR, y).intoMemorySegment(ALL, yd + at, ORDER);
            fromMemorySegment(SPECIES, ALL, xd + at, ORDER).lanewise(XOR, x).intoMemorySegment(ALL, xd + at, ORDER);
        }
    }

    /*
     * The in-place inverse butterflies (y ^= x, then x ^= y * m) of the radix-4 blocks and the
     * two-slot calls: the To forms with two addresses instead of four. Used in place, the
     * four-address loop took 1.16-1.45 times the forward butterfly's time, this one 0.88-0.92 of
     * that loop's (docs/benchmarks.md, Leopard; a paired-order experiment's inverse loop, with four
     * addresses, spilled them to the stack).
     */

    private static void ifft8(long table, long xa, long ya, long length) {
        ByteVector low = fromMemorySegment(SPECIES, ALL, table, ORDER);
        ByteVector high = fromMemorySegment(SPECIES, ALL, table + 16, ORDER);
        for (long at = 0; at < length; at += LANES) {
            ByteVector x = fromMemorySegment(SPECIES, ALL, xa + at, ORDER);
            ByteVector y = fromMemorySegment(SPECIES, ALL, ya + at, ORDER).lanewise(XOR, x);
            ByteVector p = y.and((byte) 0x0F).selectFrom(low).lanewise(XOR,
                    y.reinterpretAsLongs().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                            .selectFrom(high));
            y.intoMemorySegment(ALL, ya + at, ORDER);
            x.lanewise(XOR, p).intoMemorySegment(ALL, xa + at, ORDER);
        }
    }

    private static void ifft16(long table, long xa, long ya, long length) {
        ByteVector own0 = fromMemorySegment(SPECIES, ALL, table, ORDER);
        ByteVector own1 = fromMemorySegment(SPECIES, ALL, table + 32, ORDER);
        ByteVector other0 = fromMemorySegment(SPECIES, ALL, table + 64, ORDER);
        ByteVector other1 = fromMemorySegment(SPECIES, ALL, table + 96, ORDER);
        for (long at = 0; at < length; at += 64) {
            ByteVector x = fromMemorySegment(SPECIES, ALL, xa + at, ORDER);
            ByteVector y = fromMemorySegment(SPECIES, ALL, ya + at, ORDER).lanewise(XOR, x);
            ByteVector lo = y.and((byte) 0x0F);
            ByteVector hi = y.reinterpretAsLongs().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
            ByteVector p = lo.or(UPPER_PLUS_16).selectFrom(own0)
                    .lanewise(XOR, hi.or(UPPER_PLUS_16).selectFrom(own1))
                    .lanewise(XOR, lo.rearrange(SWAP_HALVES).or(UPPER_PLUS_16).selectFrom(other0))
                    .lanewise(XOR, hi.rearrange(SWAP_HALVES).or(UPPER_PLUS_16).selectFrom(other1));
            y.intoMemorySegment(ALL, ya + at, ORDER);
            x.lanewise(XOR, p).intoMemorySegment(ALL, xa + at, ORDER);
        }
    }

    private static void ifft8To(long table, long xs, long ys, long xd, long yd, long length) {
        ByteVector low = fromMemorySegment(SPECIES, ALL, table, ORDER);
        ByteVector high = fromMemorySegment(SPECIES, ALL, table + 16, ORDER);
        for (long at = 0; at < length; at += LANES) {
            ByteVector x = fromMemorySegment(SPECIES, ALL, xs + at, ORDER);
            ByteVector y = fromMemorySegment(SPECIES, ALL, ys + at, ORDER).lanewise(XOR, x);
            ByteVector p = y.and((byte) 0x0F).selectFrom(low).lanewise(XOR,
                    y.reinterpretAsLongs().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                            .selectFrom(high));
            y.intoMemorySegment(ALL, yd + at, ORDER);
            x.lanewise(XOR, p).intoMemorySegment(ALL, xd + at, ORDER);
        }
    }

    private static void ifft8Acc(long table, long xs, long ys, long xd, long yd, long length) {
        ByteVector low = fromMemorySegment(SPECIES, ALL, table, ORDER);
        ByteVector high = fromMemorySegment(SPECIES, ALL, table + 16, ORDER);
        for (long at = 0; at < length; at += LANES) {
            ByteVector x = fromMemorySegment(SPECIES, ALL, xs + at, ORDER);
            ByteVector y = fromMemorySegment(SPECIES, ALL, ys + at, ORDER).lanewise(XOR, x);
            ByteVector p = y.and((byte) 0x0F).selectFrom(low).lanewise(XOR,
                    y.reinterpretAsLongs().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                            .selectFrom(high));
            fromMemorySegment(SPECIES, ALL, yd + at, ORDER).lanewise(XOR, y).intoMemorySegment(ALL, yd + at, ORDER);
            x = x.lanewise(XOR, p);
            fromMemorySegment(SPECIES, ALL, xd + at, ORDER).lanewise(XOR, x).intoMemorySegment(ALL, xd + at, ORDER);
        }
    }

    private static void ifft16To(long table, long xs, long ys, long xd, long yd, long length) {
        ByteVector own0 = fromMemorySegment(SPECIES, ALL, table, ORDER);
        ByteVector own1 = fromMemorySegment(SPECIES, ALL, table + 32, ORDER);
        ByteVector other0 = fromMemorySegment(SPECIES, ALL, table + 64, ORDER);
        ByteVector other1 = fromMemorySegment(SPECIES, ALL, table + 96, ORDER);
        for (long at = 0; at < length; at += 64) {
            ByteVector x = fromMemorySegment(SPECIES, ALL, xs + at, ORDER);
            ByteVector y = fromMemorySegment(SPECIES, ALL, ys + at, ORDER).lanewise(XOR, x);
            ByteVector lo = y.and((byte) 0x0F);
            ByteVector hi = y.reinterpretAsLongs().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
            ByteVector p = lo.or(UPPER_PLUS_16).selectFrom(own0)
                    .lanewise(XOR, hi.or(UPPER_PLUS_16).selectFrom(own1))
                    .lanewise(XOR, lo.rearrange(SWAP_HALVES).or(UPPER_PLUS_16).selectFrom(other0))
                    .lanewise(XOR, hi.rearrange(SWAP_HALVES).or(UPPER_PLUS_16).selectFrom(other1));
            y.intoMemorySegment(ALL, yd + at, ORDER);
            x.lanewise(XOR, p).intoMemorySegment(ALL, xd + at, ORDER);
        }
    }

    private static void ifft16Acc(long table, long xs, long ys, long xd, long yd, long length) {
        ByteVector own0 = fromMemorySegment(SPECIES, ALL, table, ORDER);
        ByteVector own1 = fromMemorySegment(SPECIES, ALL, table + 32, ORDER);
        ByteVector other0 = fromMemorySegment(SPECIES, ALL, table + 64, ORDER);
        ByteVector other1 = fromMemorySegment(SPECIES, ALL, table + 96, ORDER);
        for (long at = 0; at < length; at += 64) {
            ByteVector x = fromMemorySegment(SPECIES, ALL, xs + at, ORDER);
            ByteVector y = fromMemorySegment(SPECIES, ALL, ys + at, ORDER).lanewise(XOR, x);
            ByteVector lo = y.and((byte) 0x0F);
            ByteVector hi = y.reinterpretAsLongs().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
            ByteVector p = lo.or(UPPER_PLUS_16).selectFrom(own0)
                    .lanewise(XOR, hi.or(UPPER_PLUS_16).selectFrom(own1))
                    .lanewise(XOR, lo.rearrange(SWAP_HALVES).or(UPPER_PLUS_16).selectFrom(other0))
                    .lanewise(XOR, hi.rearrange(SWAP_HALVES).or(UPPER_PLUS_16).selectFrom(other1));
            fromMemorySegment(SPECIES, ALL, yd + at, ORDER).lanewise(XOR, y).intoMemorySegment(ALL, yd + at, ORDER);
            x = x.lanewise(XOR, p);
            fromMemorySegment(SPECIES, ALL, xd + at, ORDER).lanewise(XOR, x).intoMemorySegment(ALL, xd + at, ORDER);
        }
    }

    /** The address of a skew factor's product tables, or 0 for a zero skew (logM = modulus): XOR only. */
    private static long skewTable(LeopardField field, int logM) {
        return logM == field.modulus ? 0 : field.tables().address() + (long) logM * field.tableBytes;
    }

    /** Radix-4 needs native memory and, in GF(2^16), one 64-byte block per vector. */
    private static boolean fast4(LeopardField field, MemorySegment work, long a, long b, long c, long d,
            long length) {
        if (!work.isNative() || (field.bits == 16 && LANES != 64)) {
            return false;
        }
        long size = work.byteSize();
        Objects.checkFromIndexSize(a, length, size);
        Objects.checkFromIndexSize(b, length, size);
        Objects.checkFromIndexSize(c, length, size);
        Objects.checkFromIndexSize(d, length, size);
        return true;
    }

    /*
     * Radix 4 in blocks of BLOCK bytes: the four two-slot butterflies of a block run one after
     * the other while its 4 x BLOCK bytes stay in the L1 cache, so the slots are read from and
     * written to the outer caches once per two layers. One loop doing all four butterflies per
     * vector needs four products in its body; C2 may then stop inlining the Vector API calls
     * (NodeCountInliningCutoff) and run the loop on boxed vectors, about 100 times slower (seen
     * for GF(2^16), and for GF(2^8) depending on compile order). Each loop below holds one product,
     * and the GF(2^8) and GF(2^16) variants stay separate methods so that each compiles only its
     * own product loops (one method taking the width as a parameter was slower and unsteady:
     * docs/benchmarks.md, Leopard experiments).
     */

    private static void ifft4x8(long t01, long t23, long t02, long a, long b, long c, long d, long length) {
        for (long at = 0; at < length; at += BLOCK) {
            long n = Math.min(BLOCK, length - at);
            ifft2(8, t01, a + at, b + at, n);
            ifft2(8, t23, c + at, d + at, n);
            ifft2(8, t02, a + at, c + at, n);
            ifft2(8, t02, b + at, d + at, n);
        }
    }

    private static void fft4x8(long t01, long t23, long t02, long a, long b, long c, long d, long length) {
        for (long at = 0; at < length; at += BLOCK) {
            long n = Math.min(BLOCK, length - at);
            fft2(8, t02, a + at, c + at, n);
            fft2(8, t02, b + at, d + at, n);
            fft2(8, t01, a + at, b + at, n);
            fft2(8, t23, c + at, d + at, n);
        }
    }

    private static void ifft4x16(long t01, long t23, long t02, long a, long b, long c, long d, long length) {
        for (long at = 0; at < length; at += BLOCK) {
            long n = Math.min(BLOCK, length - at);
            ifft2(16, t01, a + at, b + at, n);
            ifft2(16, t23, c + at, d + at, n);
            ifft2(16, t02, a + at, c + at, n);
            ifft2(16, t02, b + at, d + at, n);
        }
    }

    private static void fft4x16(long t01, long t23, long t02, long a, long b, long c, long d, long length) {
        for (long at = 0; at < length; at += BLOCK) {
            long n = Math.min(BLOCK, length - at);
            fft2(16, t02, a + at, c + at, n);
            fft2(16, t02, b + at, d + at, n);
            fft2(16, t01, a + at, b + at, n);
            fft2(16, t23, c + at, d + at, n);
        }
    }

    /** One inverse butterfly of a radix-4 block; a zero skew (table 0) only XORs: y ^= x. */
    private static void ifft2(int bits, long table, long xa, long ya, long length) {
        if (table == 0) {
            xor(ya, xa, length);
        } else if (bits == 8) {
            ifft8(table, xa, ya, length);
        } else {
            ifft16(table, xa, ya, length);
        }
    }

    /** One forward butterfly of a radix-4 block; a zero skew (table 0) only XORs: y ^= x. */
    private static void fft2(int bits, long table, long xa, long ya, long length) {
        if (table == 0) {
            xor(ya, xa, length);
        } else if (bits == 8) {
            fft8(table, xa, ya, length);
        } else {
            fft16(table, xa, ya, length);
        }
    }

    private static void xor(long xa, long ya, long length) {
        for (long at = 0; at < length; at += LANES) {
            ByteVector y = fromMemorySegment(SPECIES, ALL, ya + at, ORDER);
            fromMemorySegment(SPECIES, ALL, xa + at, ORDER).lanewise(XOR, y).intoMemorySegment(ALL, xa + at, ORDER);
        }
    }

    /** Bytes per slot of one GF(2^16) radix-4 block: 4 x 2 KiB fit the L1 data cache. */
    private static final long BLOCK = 2048;

    /** BLOCK zero bytes: what a missing input of {@link #encodeSmall} reads. */
    private static final MemorySegment ZERO_BLOCK = Arena.global().allocate(BLOCK, 64);
    /** Per thread: the four temporary column blocks of {@link #encodeSmall} at m = 4. */
    private static final ThreadLocal<MemorySegment> SMALL_TEMP =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(4 * BLOCK, 64));

    private static final int MUL = 0;
    private static final int FFT = 1;
    private static final int IFFT = 2;

    private static void butterfly(LeopardField field, long xa, long ya, long length, int logM, int op) {
        long table = field.tables().address() + (long) logM * field.tableBytes;
        if (field.bits == 8) {
            switch (op) {
                case MUL -> mul8(table, xa, ya, length);
                case FFT -> fft8(table, xa, ya, length);
                default -> ifft8(table, xa, ya, length);
            }
        } else if (LANES == 64) {
            switch (op) {
                case MUL -> mul16(table, xa, ya, length);
                case FFT -> fft16(table, xa, ya, length);
                default -> ifft16(table, xa, ya, length);
            }
        } else {
            butterfly16Narrow(table, xa, ya, length, op);
        }
    }

    private static void mul8(long table, long xa, long ya, long length) {
        ByteVector low = fromMemorySegment(SPECIES, ALL, table, ORDER);
        ByteVector high = fromMemorySegment(SPECIES, ALL, table + 16, ORDER);
        for (long at = 0; at < length; at += LANES) {
            ByteVector y = fromMemorySegment(SPECIES, ALL, ya + at, ORDER);
            ByteVector p = y.and((byte) 0x0F).selectFrom(low).lanewise(XOR,
                    y.reinterpretAsLongs().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                            .selectFrom(high));
            p.intoMemorySegment(ALL, xa + at, ORDER);
        }
    }

    private static void fft8(long table, long xa, long ya, long length) {
        ByteVector low = fromMemorySegment(SPECIES, ALL, table, ORDER);
        ByteVector high = fromMemorySegment(SPECIES, ALL, table + 16, ORDER);
        for (long at = 0; at < length; at += LANES) {
            ByteVector y = fromMemorySegment(SPECIES, ALL, ya + at, ORDER);
            ByteVector p = y.and((byte) 0x0F).selectFrom(low).lanewise(XOR,
                    y.reinterpretAsLongs().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F)
                            .selectFrom(high));
            ByteVector x = fromMemorySegment(SPECIES, ALL, xa + at, ORDER).lanewise(XOR, p);
            x.intoMemorySegment(ALL, xa + at, ORDER);
            y.lanewise(XOR, x).intoMemorySegment(ALL, ya + at, ORDER);
        }
    }

    /*
     * 64 lanes: one vector per 64-byte block. The tables are pairs of 16-entry tables (see
     * LeopardField's FF16 layout): lanes 0-31 look up the first table of a pair, lanes 32-63
     * (indexes + 16) the second. At table + 0: nibble 0 -> low plane | nibble 2 -> high plane;
     * + 32: nibble 1 -> low | nibble 3 -> high; + 64: nibble 2 -> low | nibble 0 -> high;
     * + 96: nibble 3 -> low | nibble 1 -> high.
     */

    private static void mul16(long table, long xa, long ya, long length) {
        ByteVector own0 = fromMemorySegment(SPECIES, ALL, table, ORDER);
        ByteVector own1 = fromMemorySegment(SPECIES, ALL, table + 32, ORDER);
        ByteVector other0 = fromMemorySegment(SPECIES, ALL, table + 64, ORDER);
        ByteVector other1 = fromMemorySegment(SPECIES, ALL, table + 96, ORDER);
        for (long at = 0; at < length; at += 64) {
            ByteVector y = fromMemorySegment(SPECIES, ALL, ya + at, ORDER);
            ByteVector lo = y.and((byte) 0x0F);
            ByteVector hi = y.reinterpretAsLongs().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
            ByteVector p = lo.or(UPPER_PLUS_16).selectFrom(own0)
                    .lanewise(XOR, hi.or(UPPER_PLUS_16).selectFrom(own1))
                    .lanewise(XOR, lo.rearrange(SWAP_HALVES).or(UPPER_PLUS_16).selectFrom(other0))
                    .lanewise(XOR, hi.rearrange(SWAP_HALVES).or(UPPER_PLUS_16).selectFrom(other1));
            p.intoMemorySegment(ALL, xa + at, ORDER);
        }
    }

    private static void fft16(long table, long xa, long ya, long length) {
        ByteVector own0 = fromMemorySegment(SPECIES, ALL, table, ORDER);
        ByteVector own1 = fromMemorySegment(SPECIES, ALL, table + 32, ORDER);
        ByteVector other0 = fromMemorySegment(SPECIES, ALL, table + 64, ORDER);
        ByteVector other1 = fromMemorySegment(SPECIES, ALL, table + 96, ORDER);
        for (long at = 0; at < length; at += 64) {
            ByteVector y = fromMemorySegment(SPECIES, ALL, ya + at, ORDER);
            ByteVector lo = y.and((byte) 0x0F);
            ByteVector hi = y.reinterpretAsLongs().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
            ByteVector p = lo.or(UPPER_PLUS_16).selectFrom(own0)
                    .lanewise(XOR, hi.or(UPPER_PLUS_16).selectFrom(own1))
                    .lanewise(XOR, lo.rearrange(SWAP_HALVES).or(UPPER_PLUS_16).selectFrom(other0))
                    .lanewise(XOR, hi.rearrange(SWAP_HALVES).or(UPPER_PLUS_16).selectFrom(other1));
            ByteVector x = fromMemorySegment(SPECIES, ALL, xa + at, ORDER).lanewise(XOR, p);
            x.intoMemorySegment(ALL, xa + at, ORDER);
            y.lanewise(XOR, x).intoMemorySegment(ALL, ya + at, ORDER);
        }
    }

    /** 16 or 32 lanes: the low and high planes of a block loaded as separate vectors. */
    private static void butterfly16Narrow(long table, long xa, long ya, long length, int op) {
        ByteVector lo0 = fromMemorySegment(SPECIES, ALL, table + LeopardField.lowTableAt(0), ORDER);
        ByteVector lo1 = fromMemorySegment(SPECIES, ALL, table + LeopardField.lowTableAt(1), ORDER);
        ByteVector lo2 = fromMemorySegment(SPECIES, ALL, table + LeopardField.lowTableAt(2), ORDER);
        ByteVector lo3 = fromMemorySegment(SPECIES, ALL, table + LeopardField.lowTableAt(3), ORDER);
        ByteVector hi0 = fromMemorySegment(SPECIES, ALL, table + LeopardField.highTableAt(0), ORDER);
        ByteVector hi1 = fromMemorySegment(SPECIES, ALL, table + LeopardField.highTableAt(1), ORDER);
        ByteVector hi2 = fromMemorySegment(SPECIES, ALL, table + LeopardField.highTableAt(2), ORDER);
        ByteVector hi3 = fromMemorySegment(SPECIES, ALL, table + LeopardField.highTableAt(3), ORDER);
        for (long block = 0; block < length; block += 64) {
            for (int plane = 0; plane < 32; plane += LANES) {
                long xl = xa + block + plane;
                long yl = ya + block + plane;
                ByteVector yLow = fromMemorySegment(SPECIES, ALL, yl, ORDER);
                ByteVector yHigh = fromMemorySegment(SPECIES, ALL, yl + 32, ORDER);
                if (op == IFFT) {
                    yLow = yLow.lanewise(XOR, fromMemorySegment(SPECIES, ALL, xl, ORDER));
                    yHigh = yHigh.lanewise(XOR, fromMemorySegment(SPECIES, ALL, xl + 32, ORDER));
                    yLow.intoMemorySegment(ALL, yl, ORDER);
                    yHigh.intoMemorySegment(ALL, yl + 32, ORDER);
                }
                ByteVector n0 = yLow.and((byte) 0x0F);
                ByteVector n1 = yLow.reinterpretAsLongs().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
                ByteVector n2 = yHigh.and((byte) 0x0F);
                ByteVector n3 = yHigh.reinterpretAsLongs().lanewise(LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
                ByteVector pLow = n0.selectFrom(lo0).lanewise(XOR, n1.selectFrom(lo1))
                        .lanewise(XOR, n2.selectFrom(lo2))
                        .lanewise(XOR, n3.selectFrom(lo3));
                ByteVector pHigh = n0.selectFrom(hi0).lanewise(XOR, n1.selectFrom(hi1))
                        .lanewise(XOR, n2.selectFrom(hi2))
                        .lanewise(XOR, n3.selectFrom(hi3));
                if (op == MUL) {
                    pLow.intoMemorySegment(ALL, xl, ORDER);
                    pHigh.intoMemorySegment(ALL, xl + 32, ORDER);
                    continue;
                }
                ByteVector xLow = fromMemorySegment(SPECIES, ALL, xl, ORDER).lanewise(XOR, pLow);
                ByteVector xHigh = fromMemorySegment(SPECIES, ALL, xl + 32, ORDER).lanewise(XOR, pHigh);
                xLow.intoMemorySegment(ALL, xl, ORDER);
                xHigh.intoMemorySegment(ALL, xl + 32, ORDER);
                if (op == FFT) {
                    yLow.lanewise(XOR, xLow).intoMemorySegment(ALL, yl, ORDER);
                    yHigh.lanewise(XOR, xHigh).intoMemorySegment(ALL, yl + 32, ORDER);
                }
            }
        }
    }

    /** Both native and the ranges inside them: then absolute addressing is safe. */
    private static boolean fast(MemorySegment x, long xOffset, MemorySegment y, long yOffset, long length) {
        if (!x.isNative() || !y.isNative()) {
            return false;
        }
        Objects.checkFromIndexSize(xOffset, length, x.byteSize());
        Objects.checkFromIndexSize(yOffset, length, y.byteSize());
        return true;
    }
}
