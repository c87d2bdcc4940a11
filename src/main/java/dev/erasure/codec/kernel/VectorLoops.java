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
 * <p>inner loop — measured, be careful. What the measurements on AMD EPYC (AVX-512 VBMI) showed,
 * (10,4) 1 MiB encode, vector/ISA-L ratio on thread CPU time, median of 20 alternations:
 * <ul>
 *   <li>one row at a time, byte {@code LSHR}: about 0.45; four rows per pass, so each input
 *       vector is loaded and split once for four outputs: better;</li>
 *   <li>byte-lane {@code LSHR 4} is emulated by widening; shifting 64-bit lanes and masking with
 *       0x0F is one shift and one AND: 0.42 -> 0.52;</li>
 *   <li>nibble tables loaded from a {@code byte[]} (a bounds check per load) instead of native
 *       memory through one all-memory segment at absolute addresses: 0.52 -> 0.6-0.7;</li>
 *   <li>column chunk budget 64 KiB .. 16 MiB: no difference above the machine's noise.</li>
 *   <li>negative: {@code table.rearrange(index.toShuffle())} instead of {@code index.selectFrom(table)}:
 *       about 4x slower at (10,4) (0.48 -> 0.11 of ISA-L from C);</li>
 *   <li>negative: an int induction variable instead of long {@code at}: no change (0.48 -> 0.48);</li>
 *   <li>negative: one two-table {@code selectFrom(t0, t1)} lookup of the low 7 bits plus a masked
 *       XOR of c * 0x80 for negative bytes, instead of two nibble lookups: 0.35-0.40 against 0.45
 *       for the nibble loop in the same window.</li>
 * </ul>
 * <p>Second round, 2026-12-01, on a VM whose /proc/cpuinfo says "Intel(R) Xeon(R) Processor"
 * (family 6 model 167, AVX-512 VBMI, GFNI, AMX; not the AMD machine above, so compare ratios only
 * within a list). C2's code was read from {@code -XX:CompileCommand=print,...VectorLoops::dot4}
 * (hex without hsdis) decoded with objdump; ratios are (10,4) 1 MiB vector/ISA-L from C on thread
 * CPU time, from the LoopVariants harness (src/jmh/java) and CpuTimeComparison:
 * <ul>
 *   <li>what the one-vector loop compiled to: 51 instructions per column and 64 bytes (8 vpermb,
 *       1 data + 8 table loads, 1 vpsrlq, 2 vpternlogd ANDs with the selectFrom index wrap folded
 *       in, 4 vpternlogd three-way XORs, 6 zmm register copies, 7 vmovq of longs spilled to xmm
 *       registers, a bounds check on the data address), and around the short column loop, once
 *       per 64-byte step, a peeled first column plus loop predicates and cmov chains for the range
 *       checks of the table loads: about 375 more. ISA-L's gf_4vect_dot_prod_avx512: 37 per column
 *       (8 vpshufb, 8 vshufi64x2 table broadcasts, 8 vpxorq, ...) plus 13 per 64-byte step;</li>
 *   <li>two vectors per iteration, each pair of tables loaded once for both, the scaffolding paid
 *       once per 128 bytes (69 instructions per column and 128 bytes): encode 0.72-0.78 ->
 *       0.96-1.06, reconstruct 0.67-0.75 -> 0.93-1.03 (old and new build in alternating
 *       processes), harness 0.72-0.75 -> 0.86-1.04; kept ({@link #dot4}, {@link #dot3},
 *       {@link #dot2}, {@link #dot1});</li>
 *   <li>a three-row loop instead of dot2 + dot1 for three rows: (6,3) 0.62-0.64 -> 0.89-0.91, kept;</li>
 *   <li>{@link #dot1} on two vectors too (one row: one parity, or one lost shard to rebuild), the
 *       odd vector left to {@link #dot1Single}: (10,1) 0.88 -> 0.96-0.98, (4,1) 0.82-0.86 -> 0.98,
 *       kept;</li>
 *   <li>negative: three or four vectors per iteration: C2 stops inlining the vector calls
 *       (NodeCountInliningCutoff) and boxes every vector: 0.06-0.07;</li>
 *   <li>tables grouped [column][row] so a column's four rows are at constant offsets: one vector
 *       0.72-0.74 -> 0.76-0.79, with pairs 0.86-1.04 -> 0.88-1.07 in the same runs (median
 *       difference +0.02, within the noise between runs); not kept;</li>
 *   <li>negative: column loop bounded by {@code in.length} instead of {@code columns}: 0.85-1.02
 *       against 0.86-1.04;</li>
 *   <li>column-outer multiply-and-add (ISA-L's gf_vect_mad shape: the eight tables of a column in
 *       registers for a whole chunk, outputs read and written once per column): 4-8 KiB chunks
 *       0.91-1.08 against 0.95-0.99 for pairs in the same runs, no clear win; 16 KiB 0.78-0.81
 *       (the five streams outgrow the 48 KiB L1D); not kept;</li>
 *   <li>negative: ByteVector.SPECIES_256, run alone: 0.46-0.50. Two byte species in
 *       one process also break the intrinsics of the other's loops (the 512-bit loop fell from
 *       0.74 to 0.19), so keep one species.</li>
 *   <li>{@code -XX:UseAVX=2} (C2 limited to AVX2, as on a CPU without AVX-512, where a 32-lane
 *       selectFrom has no single-instruction form): (10,4) 3.4-3.6 GB/s with the old loop, 3.4-3.8
 *       with the new (no regression; (6,3) 3.7-3.8 -> 4.7-4.8). Forcing SPECIES_128 there: 5.1-5.4
 *       GB/s against 3.6-3.8 for the preferred 256-bit species in the same runs. A lead for
 *       AVX2-only hosts, not acted on: it needs a way to tell them from AVX-512 hosts and a real
 *       AVX2 machine to confirm.</li>
 * </ul>
 * Now about as fast as ISA-L's AVX-512 loop on this machine (Debian's ISA-L 2.30 has no GFNI
 * code); see docs/benchmarks.md.
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
