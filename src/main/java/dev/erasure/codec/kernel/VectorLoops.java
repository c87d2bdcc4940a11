package dev.erasure.codec.kernel;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The hot loops of {@link VectorKernel}, long and flat on purpose (the exception to the method
 * size rule): one method per number of rows computed together.
 *
 * <p>inner loop — measured, be careful. Rows are computed four (three, two, one) at a time so each
 * input vector is loaded and split into nibbles once for several outputs; two vectors per
 * iteration pay the loop's scaffolding and the table loads once per 128 bytes; nibble tables are
 * read from native memory at absolute addresses (no bounds check per load); the high nibble is
 * taken with a 64-bit lane shift and a mask (a byte-lane shift is emulated by widening). Three or
 * four vectors per iteration make C2 stop inlining and box every vector; a second byte species in
 * the process breaks the intrinsics of the first. The measurements behind each choice, and the
 * variants that lost, are in docs/benchmarks.md ("Vector loop experiments").
 *
 * The fast methods address shards as absolute addresses in {@link #ALL}; they may only be called
 * for native segments whose bounds the caller has checked.
 */
final class VectorLoops {

    static final VectorSpecies<Byte> SPECIES = ByteVector.SPECIES_PREFERRED;
    static final int LANES = SPECIES.length();
    /** Bytes of one coefficient's two nibble tables (low, then high). */
    static final int TABLE_BYTES = 2 * LANES;

    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorLoops() {
    }

    /** The high nibble of every byte: shift 64-bit lanes, then mask (byte shifts are emulated). */
    private static ByteVector high(ByteVector v) {
        return v.reinterpretAsLongs().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
    }

    private static ByteVector product(ByteVector low, ByteVector high, long table) {
        return low.selectFrom(ByteVector.fromMemorySegment(SPECIES, ALL, table, ORDER))
                .lanewise(VectorOperators.XOR,
                        high.selectFrom(ByteVector.fromMemorySegment(SPECIES, ALL, table + LANES, ORDER)));
    }

    /** {@code sum ^ low.selectFrom(lowTable) ^ high.selectFrom(highTable)}: one XOR-accumulated product. */
    private static ByteVector add(ByteVector sum, ByteVector low, ByteVector high, ByteVector lowTable,
            ByteVector highTable) {
        return sum.lanewise(VectorOperators.XOR, low.selectFrom(lowTable))
                .lanewise(VectorOperators.XOR, high.selectFrom(highTable));
    }

    private static ByteVector load(long address) {
        return ByteVector.fromMemorySegment(SPECIES, ALL, address, ORDER);
    }

    /**
     * Four output rows at once, two vectors (a, b) per iteration so each pair of tables is loaded
     * once for both. {@code in[c]}: address of input c; {@code tables}: address of the first row's
     * first table, rows {@code rowStride} bytes apart; [from, to) a multiple of 2 * LANES.
     */
    static void dot4(long[] in, int columns, long tables, long rowStride, long out0, long out1, long out2,
            long out3, long from, long to) {
        for (long at = from; at < to; at += 2 * LANES) {
            ByteVector a0 = ByteVector.zero(SPECIES);
            ByteVector a1 = a0;
            ByteVector a2 = a0;
            ByteVector a3 = a0;
            ByteVector b0 = a0;
            ByteVector b1 = a0;
            ByteVector b2 = a0;
            ByteVector b3 = a0;
            long t = tables;
            for (int c = 0; c < columns; c++, t += TABLE_BYTES) {
                long p = in[c] + at;
                ByteVector va = load(p);
                ByteVector vb = load(p + LANES);
                ByteVector la = va.and((byte) 0x0F);
                ByteVector ha = high(va);
                ByteVector lb = vb.and((byte) 0x0F);
                ByteVector hb = high(vb);
                ByteVector tl = load(t);
                ByteVector th = load(t + LANES);
                a0 = add(a0, la, ha, tl, th);
                b0 = add(b0, lb, hb, tl, th);
                tl = load(t + rowStride);
                th = load(t + rowStride + LANES);
                a1 = add(a1, la, ha, tl, th);
                b1 = add(b1, lb, hb, tl, th);
                tl = load(t + 2 * rowStride);
                th = load(t + 2 * rowStride + LANES);
                a2 = add(a2, la, ha, tl, th);
                b2 = add(b2, lb, hb, tl, th);
                tl = load(t + 3 * rowStride);
                th = load(t + 3 * rowStride + LANES);
                a3 = add(a3, la, ha, tl, th);
                b3 = add(b3, lb, hb, tl, th);
            }
            a0.intoMemorySegment(ALL, out0 + at, ORDER);
            b0.intoMemorySegment(ALL, out0 + at + LANES, ORDER);
            a1.intoMemorySegment(ALL, out1 + at, ORDER);
            b1.intoMemorySegment(ALL, out1 + at + LANES, ORDER);
            a2.intoMemorySegment(ALL, out2 + at, ORDER);
            b2.intoMemorySegment(ALL, out2 + at + LANES, ORDER);
            a3.intoMemorySegment(ALL, out3 + at, ORDER);
            b3.intoMemorySegment(ALL, out3 + at + LANES, ORDER);
        }
    }

    /** Three output rows at once, two vectors per iteration; arguments as for {@link #dot4}. */
    static void dot3(long[] in, int columns, long tables, long rowStride, long out0, long out1, long out2,
            long from, long to) {
        for (long at = from; at < to; at += 2 * LANES) {
            ByteVector a0 = ByteVector.zero(SPECIES);
            ByteVector a1 = a0;
            ByteVector a2 = a0;
            ByteVector b0 = a0;
            ByteVector b1 = a0;
            ByteVector b2 = a0;
            long t = tables;
            for (int c = 0; c < columns; c++, t += TABLE_BYTES) {
                long p = in[c] + at;
                ByteVector va = load(p);
                ByteVector vb = load(p + LANES);
                ByteVector la = va.and((byte) 0x0F);
                ByteVector ha = high(va);
                ByteVector lb = vb.and((byte) 0x0F);
                ByteVector hb = high(vb);
                ByteVector tl = load(t);
                ByteVector th = load(t + LANES);
                a0 = add(a0, la, ha, tl, th);
                b0 = add(b0, lb, hb, tl, th);
                tl = load(t + rowStride);
                th = load(t + rowStride + LANES);
                a1 = add(a1, la, ha, tl, th);
                b1 = add(b1, lb, hb, tl, th);
                tl = load(t + 2 * rowStride);
                th = load(t + 2 * rowStride + LANES);
                a2 = add(a2, la, ha, tl, th);
                b2 = add(b2, lb, hb, tl, th);
            }
            a0.intoMemorySegment(ALL, out0 + at, ORDER);
            b0.intoMemorySegment(ALL, out0 + at + LANES, ORDER);
            a1.intoMemorySegment(ALL, out1 + at, ORDER);
            b1.intoMemorySegment(ALL, out1 + at + LANES, ORDER);
            a2.intoMemorySegment(ALL, out2 + at, ORDER);
            b2.intoMemorySegment(ALL, out2 + at + LANES, ORDER);
        }
    }

    /** Two output rows at once, two vectors per iteration; arguments as for {@link #dot4}. */
    static void dot2(long[] in, int columns, long tables, long rowStride, long out0, long out1, long from,
            long to) {
        for (long at = from; at < to; at += 2 * LANES) {
            ByteVector a0 = ByteVector.zero(SPECIES);
            ByteVector a1 = a0;
            ByteVector b0 = a0;
            ByteVector b1 = a0;
            long t = tables;
            for (int c = 0; c < columns; c++, t += TABLE_BYTES) {
                long p = in[c] + at;
                ByteVector va = load(p);
                ByteVector vb = load(p + LANES);
                ByteVector la = va.and((byte) 0x0F);
                ByteVector ha = high(va);
                ByteVector lb = vb.and((byte) 0x0F);
                ByteVector hb = high(vb);
                ByteVector tl = load(t);
                ByteVector th = load(t + LANES);
                a0 = add(a0, la, ha, tl, th);
                b0 = add(b0, lb, hb, tl, th);
                tl = load(t + rowStride);
                th = load(t + rowStride + LANES);
                a1 = add(a1, la, ha, tl, th);
                b1 = add(b1, lb, hb, tl, th);
            }
            a0.intoMemorySegment(ALL, out0 + at, ORDER);
            b0.intoMemorySegment(ALL, out0 + at + LANES, ORDER);
            a1.intoMemorySegment(ALL, out1 + at, ORDER);
            b1.intoMemorySegment(ALL, out1 + at + LANES, ORDER);
        }
    }

    /** One output row, two vectors per iteration; arguments as for {@link #dot4}. */
    static void dot1(long[] in, int columns, long tables, long out0, long from, long to) {
        for (long at = from; at < to; at += 2 * LANES) {
            ByteVector a0 = ByteVector.zero(SPECIES);
            ByteVector b0 = a0;
            long t = tables;
            for (int c = 0; c < columns; c++, t += TABLE_BYTES) {
                long p = in[c] + at;
                ByteVector va = load(p);
                ByteVector vb = load(p + LANES);
                ByteVector tl = load(t);
                ByteVector th = load(t + LANES);
                a0 = add(a0, va.and((byte) 0x0F), high(va), tl, th);
                b0 = add(b0, vb.and((byte) 0x0F), high(vb), tl, th);
            }
            a0.intoMemorySegment(ALL, out0 + at, ORDER);
            b0.intoMemorySegment(ALL, out0 + at + LANES, ORDER);
        }
    }

    /**
     * One output row, one vector per iteration, for the odd last vector of a chunk; arguments as
     * for {@link #dot4} except that [from, to) is a multiple of LANES.
     */
    static void dot1Single(long[] in, int columns, long tables, long out0, long from, long to) {
        for (long at = from; at < to; at += LANES) {
            ByteVector sum0 = ByteVector.zero(SPECIES);
            long t = tables;
            for (int c = 0; c < columns; c++, t += TABLE_BYTES) {
                ByteVector v = load(in[c] + at);
                sum0 = sum0.lanewise(VectorOperators.XOR, product(v.and((byte) 0x0F), high(v), t));
            }
            sum0.intoMemorySegment(ALL, out0 + at, ORDER);
        }
    }

    /**
     * The safe path for heap segments: one row, segments accessed with their own bounds checks,
     * tables from a {@code byte[]} starting at {@code base}.
     */
    static void dotSegments(MemorySegment[] inputs, MemorySegment output, byte[] tables, int base, int columns,
            long from, long to) {
        for (long at = from; at < to; at += LANES) {
            ByteVector sum = ByteVector.zero(SPECIES);
            for (int c = 0; c < columns; c++) {
                ByteVector v = ByteVector.fromMemorySegment(SPECIES, inputs[c], at, ORDER);
                int t = base + c * TABLE_BYTES;
                sum = sum.lanewise(VectorOperators.XOR,
                        v.and((byte) 0x0F).selectFrom(ByteVector.fromArray(SPECIES, tables, t)))
                        .lanewise(VectorOperators.XOR, high(v).selectFrom(ByteVector.fromArray(SPECIES, tables, t + LANES)));
            }
            sum.intoMemorySegment(output, at, ORDER);
        }
    }
}
