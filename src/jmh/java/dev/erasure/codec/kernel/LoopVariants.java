package dev.erasure.codec.kernel;

import dev.erasure.codec.gf.Galois;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A/B harness for variants of the (k, 4) inner loop of {@link VectorLoops}: each variant computes
 * four parity rows of k native shards, chunked like {@link VectorKernel}; the variants and the C
 * loop of bench.c (encode, loaded from {@code -Dbench.isal.lib=target/bench/libbench-isal.so})
 * alternate in one process, each round timed on thread CPU time; prints the median GB/s of data
 * input and the median per-round ratio to C. Every variant's output is first checked byte for
 * byte against the scalar kernel.
 *
 * <p>Variants: {@code pairs} (the production loop: VectorLoops.dot4, two vectors per iteration,
 * odd vector by dot1Single), {@code single} (the loop before it, one vector per iteration),
 * {@code triples} (three vectors; C2 gives up inlining: NodeCountInliningCutoff), {@code pairsLength}
 * (column loop bounded by {@code in.length}), {@code grouped} / {@code pairsGrouped} (tables laid
 * out [column][row] so the four rows' tables are at constant offsets), {@code mad4k..16k}
 * (column-outer multiply-and-add into the outputs, tables held in registers, chunk of that size),
 * {@code s256} (the single loop on 256-bit vectors; run it alone: a second byte species in the
 * same process breaks the Vector API intrinsics of the other loops, 0.74 -> 0.19 of C).
 *
 * <p>Run after {@code ./mvnw -Pbench test-compile} (see bin/bench-codec for the classpath) with
 * {@code java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED
 * -XX:CompileCommand=dontinline,dev.erasure.codec.kernel.*::dot* -XX:CompileCommand=dontinline,dev.erasure.codec.kernel.*::mad*
 * -Dbench.isal.lib=... dev.erasure.codec.kernel.LoopVariants <seconds per round> <rounds> <k> <size> [variant,...]}
 * (default: all but s256);
 * the dontinline commands keep each loop a compilation of its own, as in the kernel (inlined into
 * the lambdas here, C2 makes different and slower code of them).
 */
final class LoopVariants {

    private static final VectorSpecies<Byte> S = VectorLoops.SPECIES;
    private static final int L = S.length();
    private static final int TB = 2 * L;
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int ROWS = 4;

    private LoopVariants() {
    }

    /** One candidate: encode rows 0..3 of inputs into outputs over [0, size). */
    private interface Variant {
        void run(long[] in, long[] out, int size);
    }

    private record Named(String name, Variant variant) {
    }

    public static void main(String[] args) throws Throwable {
        double seconds = Double.parseDouble(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int k = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        Random random = new Random(7);
        byte[][] matrix = new byte[ROWS][k];
        for (byte[] row : matrix) {
            for (int c = 0; c < k; c++) {
                row[c] = (byte) (1 + random.nextInt(255));
            }
        }
        Arena arena = Arena.global();
        long[] in = new long[k];
        byte[] bytes = new byte[size];
        for (int c = 0; c < k; c++) {
            MemorySegment s = arena.allocate(size, 64);
            random.nextBytes(bytes);
            s.copyFrom(MemorySegment.ofArray(bytes));
            in[c] = s.address();
        }
        List<Named> all = variants(matrix, arena, k);
        List<Named> chosen = new ArrayList<>();
        List<String> wanted = args.length > 4 ? Arrays.asList(args[4].split(",")) : null;
        for (Named n : all) {
            if (wanted == null ? !n.name().equals("s256") : wanted.contains(n.name())) {
                chosen.add(n);
            }
        }
        long[][] outs = new long[chosen.size()][ROWS];
        for (int j = 0; j < chosen.size(); j++) {
            for (int r = 0; r < ROWS; r++) {
                outs[j][r] = arena.allocate(size, 64).address();
            }
            chosen.get(j).variant().run(in, outs[j], size);
        }
        MemorySegment[] inputs = new MemorySegment[k];
        MemorySegment[] reference = new MemorySegment[ROWS];
        for (int c = 0; c < k; c++) {
            inputs[c] = MemorySegment.ofAddress(in[c]).reinterpret(size);
        }
        for (int r = 0; r < ROWS; r++) {
            reference[r] = arena.allocate(size, 64);
        }
        new ScalarKernel().prepare(matrix).multiply(inputs, reference, 0, size);
        for (int j = 0; j < chosen.size(); j++) {
            for (int r = 0; r < ROWS; r++) {
                long mismatch = reference[r]
                        .mismatch(MemorySegment.ofAddress(outs[j][r]).reinterpret(size));
                if (mismatch != -1) {
                    throw new AssertionError(chosen.get(j).name() + " differs in row " + r + " at " + mismatch);
                }
            }
        }
        MethodHandle isal = nativeLoop();
        double[][] results = new double[chosen.size() + 1][rounds];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = -3; round < rounds; round++) {
            double c = (double) isal.invokeExact(0, k, ROWS, size, seconds);
            if (round >= 0) {
                results[0][round] = c;
            }
            for (int j = 0; j < chosen.size(); j++) {
                Variant v = chosen.get(j).variant();
                long budget = (long) (seconds * 1e9);
                long start = threads.getCurrentThreadCpuTime();
                long ops = 0;
                long used;
                do {
                    v.run(in, outs[j], size);
                    ops++;
                    used = threads.getCurrentThreadCpuTime() - start;
                } while (used < budget);
                if (round >= 0) {
                    results[j + 1][round] = ops * (double) k * size / (used / 1e9) / 1e9;
                }
            }
        }
        double[] ratios = new double[rounds];
        double cMedian = median(results[0]);
        System.out.printf("%-12s %7.2f GB/s%n", "isal-c", cMedian);
        for (int j = 0; j < chosen.size(); j++) {
            for (int round = 0; round < rounds; round++) {
                ratios[round] = results[j + 1][round] / results[0][round];
            }
            System.out.printf("%-12s %7.2f GB/s  ratio to C: median of rounds %.3f (min %.3f max %.3f)%n",
                    chosen.get(j).name(), median(results[j + 1]), median(ratios),
                    Arrays.stream(ratios).min().orElse(0), Arrays.stream(ratios).max().orElse(0));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static MethodHandle nativeLoop() {
        SymbolLookup lookup = SymbolLookup.libraryLookup(Path.of(System.getProperty("bench.isal.lib")),
                Arena.global());
        return Linker.nativeLinker().downcallHandle(lookup.find("isal_c_cpu_gbs").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_DOUBLE, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_DOUBLE));
    }

    /** Row-major tables as VectorKernel lays them out: [row][column][low L bytes, high L bytes]. */
    private static long rowMajor(byte[][] m, Arena arena, int lanes) {
        int k = m[0].length;
        MemorySegment t = arena.allocate((long) ROWS * k * 2 * lanes, 64);
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < k; c++) {
                fill(t, (r * k + c) * 2L * lanes, m[r][c], lanes);
            }
        }
        return t.address();
    }

    /** Grouped tables: [column][row][low, high], so the four rows of a column are at constant offsets. */
    private static long grouped(byte[][] m, Arena arena) {
        int k = m[0].length;
        MemorySegment t = arena.allocate((long) ROWS * k * TB, 64);
        for (int c = 0; c < k; c++) {
            for (int r = 0; r < ROWS; r++) {
                fill(t, (c * ROWS + r) * (long) TB, m[r][c], L);
            }
        }
        return t.address();
    }

    private static void fill(MemorySegment t, long base, byte coefficient, int lanes) {
        byte[] products = Galois.multiplicationRow(coefficient & 0xFF);
        for (int lane = 0; lane < lanes; lane++) {
            t.set(ValueLayout.JAVA_BYTE, base + lane, products[lane & 0x0F]);
            t.set(ValueLayout.JAVA_BYTE, base + lanes + lane, products[(lane & 0x0F) << 4]);
        }
    }

    private static int chunk(int k) {
        return Math.max(2 * L, (VectorKernel.CHUNK_BUDGET / (ROWS + k)) / (2 * L) * (2 * L));
    }

    private static List<Named> variants(byte[][] m, Arena arena, int k) {
        long rm = rowMajor(m, arena, L);
        long gr = grouped(m, arena);
        long rm256 = rowMajor(m, arena, 32);
        long rowStride = (long) k * TB;
        int chunk = chunk(k);
        List<Named> list = new ArrayList<>();
        list.add(new Named("single", (in, out, size) -> {
            for (long s = 0; s < size; s += chunk) {
                long e = Math.min(size, s + chunk);
                dot4Single(in, k, rm, rowStride, out[0], out[1], out[2], out[3], s, e);
            }
        }));
        list.add(new Named("pairs", (in, out, size) -> {
            for (long s = 0; s < size; s += chunk) {
                long e = Math.min(size, s + chunk);
                long pairs = e - (e - s) % (2 * L);
                VectorLoops.dot4(in, k, rm, rowStride, out[0], out[1], out[2], out[3], s, pairs);
                for (int r = 0; pairs < e && r < ROWS; r++) {
                    VectorLoops.dot1Single(in, k, rm + r * rowStride, out[r], pairs, e);
                }
            }
        }));
        list.add(new Named("triples", (in, out, size) -> {
            for (long s = 0; s < size; s += chunk) {
                long e = Math.min(size, s + chunk);
                long triples = e - (e - s) % (3 * L);
                dot4x3(in, k, rm, rowStride, out[0], out[1], out[2], out[3], s, triples);
                for (int r = 0; triples < e && r < ROWS; r++) {
                    VectorLoops.dot1Single(in, k, rm + r * rowStride, out[r], triples, e);
                }
            }
        }));
        list.add(new Named("pairsLength", (in, out, size) -> {
            for (long s = 0; s < size; s += chunk) {
                long e = Math.min(size, s + chunk);
                long pairs = e - (e - s) % (2 * L);
                dot4Length(in, k, rm, rowStride, out[0], out[1], out[2], out[3], s, pairs);
                for (int r = 0; pairs < e && r < ROWS; r++) {
                    VectorLoops.dot1Single(in, k, rm + r * rowStride, out[r], pairs, e);
                }
            }
        }));
        list.add(new Named("grouped", (in, out, size) -> {
            for (long s = 0; s < size; s += chunk) {
                long e = Math.min(size, s + chunk);
                dot4Grouped(in, k, gr, out[0], out[1], out[2], out[3], s, e);
            }
        }));
        list.add(new Named("pairsGrouped", (in, out, size) -> {
            for (long s = 0; s < size; s += chunk) {
                long e = Math.min(size, s + chunk);
                dot4x2Grouped(in, k, gr, out[0], out[1], out[2], out[3], s, e);
            }
        }));
        for (int madChunk : new int[] {4096, 8192, 16384}) {
            list.add(new Named("mad" + madChunk / 1024 + "k", (in, out, size) -> {
                for (long s = 0; s < size; s += madChunk) {
                    long e = Math.min(size, s + madChunk);
                    mad4(in, k, rm, rowStride, out[0], out[1], out[2], out[3], s, e);
                }
            }));
        }
        long rowStride256 = (long) k * 64;
        int chunk256 = chunk;
        list.add(new Named("s256", (in, out, size) -> {
            for (long s = 0; s < size; s += chunk256) {
                long e = Math.min(size, s + chunk256);
                dot4s256(in, k, rm256, rowStride256, out[0], out[1], out[2], out[3], s, e);
            }
        }));
        return list;
    }

    private static ByteVector high(ByteVector v) {
        return v.reinterpretAsLongs().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes().and((byte) 0x0F);
    }

    private static ByteVector load(long address) {
        return ByteVector.fromMemorySegment(S, ALL, address, ORDER);
    }

    private static ByteVector product(ByteVector low, ByteVector high, long table) {
        return low.selectFrom(load(table)).lanewise(VectorOperators.XOR, high.selectFrom(load(table + L)));
    }

    /** dot4 with grouped tables: the rows of column c at t, t + TB, t + 2 TB, t + 3 TB. */
    static void dot4Grouped(long[] in, int columns, long tables, long out0, long out1, long out2, long out3,
            long from, long to) {
        for (long at = from; at < to; at += L) {
            ByteVector sum0 = ByteVector.zero(S);
            ByteVector sum1 = sum0;
            ByteVector sum2 = sum0;
            ByteVector sum3 = sum0;
            long t = tables;
            for (int c = 0; c < columns; c++, t += 4 * TB) {
                ByteVector v = load(in[c] + at);
                ByteVector low = v.and((byte) 0x0F);
                ByteVector high = high(v);
                sum0 = sum0.lanewise(VectorOperators.XOR, product(low, high, t));
                sum1 = sum1.lanewise(VectorOperators.XOR, product(low, high, t + TB));
                sum2 = sum2.lanewise(VectorOperators.XOR, product(low, high, t + 2 * TB));
                sum3 = sum3.lanewise(VectorOperators.XOR, product(low, high, t + 3 * TB));
            }
            sum0.intoMemorySegment(ALL, out0 + at, ORDER);
            sum1.intoMemorySegment(ALL, out1 + at, ORDER);
            sum2.intoMemorySegment(ALL, out2 + at, ORDER);
            sum3.intoMemorySegment(ALL, out3 + at, ORDER);
        }
    }

    /** The single-vector dot4 of VectorLoops before pairs (production until d077af7). */
    static void dot4Single(long[] in, int columns, long tables, long rowStride, long out0, long out1, long out2,
            long out3, long from, long to) {
        for (long at = from; at < to; at += L) {
            ByteVector sum0 = ByteVector.zero(S);
            ByteVector sum1 = sum0;
            ByteVector sum2 = sum0;
            ByteVector sum3 = sum0;
            long t = tables;
            for (int c = 0; c < columns; c++, t += TB) {
                ByteVector v = load(in[c] + at);
                ByteVector low = v.and((byte) 0x0F);
                ByteVector high = high(v);
                sum0 = sum0.lanewise(VectorOperators.XOR, product(low, high, t));
                sum1 = sum1.lanewise(VectorOperators.XOR, product(low, high, t + rowStride));
                sum2 = sum2.lanewise(VectorOperators.XOR, product(low, high, t + 2 * rowStride));
                sum3 = sum3.lanewise(VectorOperators.XOR, product(low, high, t + 3 * rowStride));
            }
            sum0.intoMemorySegment(ALL, out0 + at, ORDER);
            sum1.intoMemorySegment(ALL, out1 + at, ORDER);
            sum2.intoMemorySegment(ALL, out2 + at, ORDER);
            sum3.intoMemorySegment(ALL, out3 + at, ORDER);
        }
    }

    private static ByteVector add(ByteVector sum, ByteVector low, ByteVector high, ByteVector tl, ByteVector th) {
        return sum.lanewise(VectorOperators.XOR, low.selectFrom(tl)).lanewise(VectorOperators.XOR, high.selectFrom(th));
    }

    /** dot4 on three vectors per iteration; [from, to) a multiple of 3 * L. */
    static void dot4x3(long[] in, int columns, long tables, long rowStride, long out0, long out1, long out2,
            long out3, long from, long to) {
        for (long at = from; at < to; at += 3 * L) {
            ByteVector a0 = ByteVector.zero(S);
            ByteVector a1 = a0;
            ByteVector a2 = a0;
            ByteVector a3 = a0;
            ByteVector b0 = a0;
            ByteVector b1 = a0;
            ByteVector b2 = a0;
            ByteVector b3 = a0;
            ByteVector c0 = a0;
            ByteVector c1 = a0;
            ByteVector c2 = a0;
            ByteVector c3 = a0;
            long t = tables;
            for (int c = 0; c < columns; c++, t += TB) {
                long p = in[c] + at;
                ByteVector va = load(p);
                ByteVector vb = load(p + L);
                ByteVector vc = load(p + 2 * L);
                ByteVector la = va.and((byte) 0x0F);
                ByteVector ha = high(va);
                ByteVector lb = vb.and((byte) 0x0F);
                ByteVector hb = high(vb);
                ByteVector lc = vc.and((byte) 0x0F);
                ByteVector hc = high(vc);
                ByteVector tl = load(t);
                ByteVector th = load(t + L);
                a0 = add(a0, la, ha, tl, th);
                b0 = add(b0, lb, hb, tl, th);
                c0 = add(c0, lc, hc, tl, th);
                tl = load(t + rowStride);
                th = load(t + rowStride + L);
                a1 = add(a1, la, ha, tl, th);
                b1 = add(b1, lb, hb, tl, th);
                c1 = add(c1, lc, hc, tl, th);
                tl = load(t + 2 * rowStride);
                th = load(t + 2 * rowStride + L);
                a2 = add(a2, la, ha, tl, th);
                b2 = add(b2, lb, hb, tl, th);
                c2 = add(c2, lc, hc, tl, th);
                tl = load(t + 3 * rowStride);
                th = load(t + 3 * rowStride + L);
                a3 = add(a3, la, ha, tl, th);
                b3 = add(b3, lb, hb, tl, th);
                c3 = add(c3, lc, hc, tl, th);
            }
            a0.intoMemorySegment(ALL, out0 + at, ORDER);
            b0.intoMemorySegment(ALL, out0 + at + L, ORDER);
            c0.intoMemorySegment(ALL, out0 + at + 2 * L, ORDER);
            a1.intoMemorySegment(ALL, out1 + at, ORDER);
            b1.intoMemorySegment(ALL, out1 + at + L, ORDER);
            c1.intoMemorySegment(ALL, out1 + at + 2 * L, ORDER);
            a2.intoMemorySegment(ALL, out2 + at, ORDER);
            b2.intoMemorySegment(ALL, out2 + at + L, ORDER);
            c2.intoMemorySegment(ALL, out2 + at + 2 * L, ORDER);
            a3.intoMemorySegment(ALL, out3 + at, ORDER);
            b3.intoMemorySegment(ALL, out3 + at + L, ORDER);
            c3.intoMemorySegment(ALL, out3 + at + 2 * L, ORDER);
        }
    }

    /** VectorLoops.dot4 with the column loop bounded by in.length instead of columns. */
    static void dot4Length(long[] in, int columns, long tables, long rowStride, long out0, long out1, long out2,
            long out3, long from, long to) {
        for (long at = from; at < to; at += 2 * L) {
            ByteVector a0 = ByteVector.zero(S);
            ByteVector a1 = a0;
            ByteVector a2 = a0;
            ByteVector a3 = a0;
            ByteVector b0 = a0;
            ByteVector b1 = a0;
            ByteVector b2 = a0;
            ByteVector b3 = a0;
            long t = tables;
            for (int c = 0; c < in.length; c++, t += TB) {
                long p = in[c] + at;
                ByteVector va = load(p);
                ByteVector vb = load(p + L);
                ByteVector la = va.and((byte) 0x0F);
                ByteVector ha = high(va);
                ByteVector lb = vb.and((byte) 0x0F);
                ByteVector hb = high(vb);
                ByteVector tl = load(t);
                ByteVector th = load(t + L);
                a0 = add(a0, la, ha, tl, th);
                b0 = add(b0, lb, hb, tl, th);
                tl = load(t + rowStride);
                th = load(t + rowStride + L);
                a1 = add(a1, la, ha, tl, th);
                b1 = add(b1, lb, hb, tl, th);
                tl = load(t + 2 * rowStride);
                th = load(t + 2 * rowStride + L);
                a2 = add(a2, la, ha, tl, th);
                b2 = add(b2, lb, hb, tl, th);
                tl = load(t + 3 * rowStride);
                th = load(t + 3 * rowStride + L);
                a3 = add(a3, la, ha, tl, th);
                b3 = add(b3, lb, hb, tl, th);
            }
            a0.intoMemorySegment(ALL, out0 + at, ORDER);
            b0.intoMemorySegment(ALL, out0 + at + L, ORDER);
            a1.intoMemorySegment(ALL, out1 + at, ORDER);
            b1.intoMemorySegment(ALL, out1 + at + L, ORDER);
            a2.intoMemorySegment(ALL, out2 + at, ORDER);
            b2.intoMemorySegment(ALL, out2 + at + L, ORDER);
            a3.intoMemorySegment(ALL, out3 + at, ORDER);
            b3.intoMemorySegment(ALL, out3 + at + L, ORDER);
        }
    }

    /** The pairs loop of VectorLoops.dot4 with grouped tables. */
    static void dot4x2Grouped(long[] in, int columns, long tables, long out0, long out1, long out2, long out3,
            long from, long to) {
        long at = from;
        for (; at + 2 * L <= to; at += 2 * L) {
            ByteVector a0 = ByteVector.zero(S);
            ByteVector a1 = a0;
            ByteVector a2 = a0;
            ByteVector a3 = a0;
            ByteVector b0 = a0;
            ByteVector b1 = a0;
            ByteVector b2 = a0;
            ByteVector b3 = a0;
            long t = tables;
            for (int c = 0; c < columns; c++, t += 4 * TB) {
                long p = in[c] + at;
                ByteVector va = load(p);
                ByteVector vb = load(p + L);
                ByteVector la = va.and((byte) 0x0F);
                ByteVector ha = high(va);
                ByteVector lb = vb.and((byte) 0x0F);
                ByteVector hb = high(vb);
                ByteVector tl = load(t);
                ByteVector th = load(t + L);
                a0 = a0.lanewise(VectorOperators.XOR, la.selectFrom(tl)).lanewise(VectorOperators.XOR, ha.selectFrom(th));
                b0 = b0.lanewise(VectorOperators.XOR, lb.selectFrom(tl)).lanewise(VectorOperators.XOR, hb.selectFrom(th));
                tl = load(t + TB);
                th = load(t + TB + L);
                a1 = a1.lanewise(VectorOperators.XOR, la.selectFrom(tl)).lanewise(VectorOperators.XOR, ha.selectFrom(th));
                b1 = b1.lanewise(VectorOperators.XOR, lb.selectFrom(tl)).lanewise(VectorOperators.XOR, hb.selectFrom(th));
                tl = load(t + 2 * TB);
                th = load(t + 2 * TB + L);
                a2 = a2.lanewise(VectorOperators.XOR, la.selectFrom(tl)).lanewise(VectorOperators.XOR, ha.selectFrom(th));
                b2 = b2.lanewise(VectorOperators.XOR, lb.selectFrom(tl)).lanewise(VectorOperators.XOR, hb.selectFrom(th));
                tl = load(t + 3 * TB);
                th = load(t + 3 * TB + L);
                a3 = a3.lanewise(VectorOperators.XOR, la.selectFrom(tl)).lanewise(VectorOperators.XOR, ha.selectFrom(th));
                b3 = b3.lanewise(VectorOperators.XOR, lb.selectFrom(tl)).lanewise(VectorOperators.XOR, hb.selectFrom(th));
            }
            a0.intoMemorySegment(ALL, out0 + at, ORDER);
            b0.intoMemorySegment(ALL, out0 + at + L, ORDER);
            a1.intoMemorySegment(ALL, out1 + at, ORDER);
            b1.intoMemorySegment(ALL, out1 + at + L, ORDER);
            a2.intoMemorySegment(ALL, out2 + at, ORDER);
            b2.intoMemorySegment(ALL, out2 + at + L, ORDER);
            a3.intoMemorySegment(ALL, out3 + at, ORDER);
            b3.intoMemorySegment(ALL, out3 + at + L, ORDER);
        }
        if (at < to) {
            dot4Grouped(in, columns, tables, out0, out1, out2, out3, at, to);
        }
    }

    /**
     * Column-outer ("multiply and add", ISA-L's gf_vect_mad shape): for each column the eight
     * tables stay in registers while the loop runs over the chunk, accumulating into the outputs.
     */
    static void mad4(long[] in, int columns, long tables, long rowStride, long out0, long out1, long out2,
            long out3, long from, long to) {
        for (long out : new long[] {out0, out1, out2, out3}) {
            MemorySegment.ofAddress(out + from).reinterpret(to - from).fill((byte) 0);
        }
        for (int c = 0; c < columns; c++) {
            long t = tables + (long) c * TB;
            ByteVector l0 = ByteVector.fromMemorySegment(S, ALL, t, ORDER);
            ByteVector h0 = ByteVector.fromMemorySegment(S, ALL, t + L, ORDER);
            ByteVector l1 = ByteVector.fromMemorySegment(S, ALL, t + rowStride, ORDER);
            ByteVector h1 = ByteVector.fromMemorySegment(S, ALL, t + rowStride + L, ORDER);
            ByteVector l2 = ByteVector.fromMemorySegment(S, ALL, t + 2 * rowStride, ORDER);
            ByteVector h2 = ByteVector.fromMemorySegment(S, ALL, t + 2 * rowStride + L, ORDER);
            ByteVector l3 = ByteVector.fromMemorySegment(S, ALL, t + 3 * rowStride, ORDER);
            ByteVector h3 = ByteVector.fromMemorySegment(S, ALL, t + 3 * rowStride + L, ORDER);
            long src = in[c];
            for (long at = from; at < to; at += L) {
                ByteVector v = load(src + at);
                ByteVector low = v.and((byte) 0x0F);
                ByteVector high = high(v);
                load(out0 + at).lanewise(VectorOperators.XOR, low.selectFrom(l0))
                        .lanewise(VectorOperators.XOR, high.selectFrom(h0)).intoMemorySegment(ALL, out0 + at, ORDER);
                load(out1 + at).lanewise(VectorOperators.XOR, low.selectFrom(l1))
                        .lanewise(VectorOperators.XOR, high.selectFrom(h1)).intoMemorySegment(ALL, out1 + at, ORDER);
                load(out2 + at).lanewise(VectorOperators.XOR, low.selectFrom(l2))
                        .lanewise(VectorOperators.XOR, high.selectFrom(h2)).intoMemorySegment(ALL, out2 + at, ORDER);
                load(out3 + at).lanewise(VectorOperators.XOR, low.selectFrom(l3))
                        .lanewise(VectorOperators.XOR, high.selectFrom(h3)).intoMemorySegment(ALL, out3 + at, ORDER);
            }
        }
    }

    private static final VectorSpecies<Byte> S256 = ByteVector.SPECIES_256;

    private static ByteVector load256(long address) {
        return ByteVector.fromMemorySegment(S256, ALL, address, ORDER);
    }

    private static ByteVector product256(ByteVector low, ByteVector high, long table) {
        return low.selectFrom(load256(table)).lanewise(VectorOperators.XOR, high.selectFrom(load256(table + 32)));
    }

    /** The current dot4 on 256-bit vectors (tables of 32 bytes each). */
    static void dot4s256(long[] in, int columns, long tables, long rowStride, long out0, long out1, long out2,
            long out3, long from, long to) {
        for (long at = from; at < to; at += 32) {
            ByteVector sum0 = ByteVector.zero(S256);
            ByteVector sum1 = sum0;
            ByteVector sum2 = sum0;
            ByteVector sum3 = sum0;
            long t = tables;
            for (int c = 0; c < columns; c++, t += 64) {
                ByteVector v = load256(in[c] + at);
                ByteVector low = v.and((byte) 0x0F);
                ByteVector high = v.reinterpretAsLongs().lanewise(VectorOperators.LSHR, 4).reinterpretAsBytes()
                        .and((byte) 0x0F);
                sum0 = sum0.lanewise(VectorOperators.XOR, product256(low, high, t));
                sum1 = sum1.lanewise(VectorOperators.XOR, product256(low, high, t + rowStride));
                sum2 = sum2.lanewise(VectorOperators.XOR, product256(low, high, t + 2 * rowStride));
                sum3 = sum3.lanewise(VectorOperators.XOR, product256(low, high, t + 3 * rowStride));
            }
            sum0.intoMemorySegment(ALL, out0 + at, ORDER);
            sum1.intoMemorySegment(ALL, out1 + at, ORDER);
            sum2.intoMemorySegment(ALL, out2 + at, ORDER);
            sum3.intoMemorySegment(ALL, out3 + at, ORDER);
        }
    }
}
