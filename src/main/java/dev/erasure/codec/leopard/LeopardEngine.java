package dev.erasure.codec.leopard;

import dev.erasure.codec.CancelSignal;
import dev.erasure.codec.CodingCancelledException;
import java.lang.foreign.MemorySegment;

/**
 * Leopard-RS for one shape: k data shards, r parity shards, parity byte-identical to catid/leopard's
 * {@code leo_encode}. The method is chosen the way leopard chooses it: k = 1 copies the data shard,
 * r = 1 is the XOR of the data shards, otherwise the FFT code over GF(2^8) when
 * NextPow2(NextPow2(r) + k) <= 256, else over GF(2^16).
 *
 * <p>FFT code, with m = NextPow2(r) and n = NextPow2(m + k). Data shard i sits at position m + i
 * of the code's evaluation points and parity shard j at position j.
 * <ul>
 *   <li>Encode: the data, cut into groups of m shards, goes through an inverse FFT per group (the
 *       skew factors of the group's positions); the results are XORed together and one forward
 *       FFT of size m, truncated to r outputs, gives the parity.</li>
 *   <li>Decode: the error locator polynomial is evaluated at every point with two Walsh-Hadamard
 *       transforms in the logarithm domain; the surviving shards are multiplied by it, then an
 *       inverse FFT of size n, the formal derivative, a forward FFT, and a division by the locator
 *       reveal each lost data shard. O(n log n) per byte column, no matrix inversion.</li>
 * </ul>
 * When m is 2 or 4 the encode runs fused ({@link LeopardKernel#encodeSmall}): the data is read
 * once and the parity written in place, with no work area except for unwanted outputs.
 *
 * <p>All work is done in column chunks so the work area (2m shards for encode, n for decode, each
 * one chunk wide) stays near {@link #WORK_BUDGET} bytes (above it only for shapes so large that a
 * chunk would be under {@link #MIN_CHUNK}); work areas are reused ({@link WorkAreas}). The cancel signal is asked before each
 * chunk and between FFT layers. Shard sizes must be multiples of 64 bytes (the callers check).
 * Instances are immutable and thread-safe.
 */
public final class LeopardEngine {

    /** How a shape is coded, as leopard decides it. */
    public enum Method {
        /** k = 1: every parity shard is a copy of the data shard. */
        COPY,
        /** r = 1: the parity shard is the XOR of the data shards. */
        XOR,
        /** The FFT code over GF(2^8). */
        FF8,
        /** The FFT code over GF(2^16). */
        FF16
    }

    /** Target size of the work area of one call, in bytes. */
    public static final long WORK_BUDGET = 4L << 20;

    /**
     * Work area of a decode over at most {@link #DECODE_L2_SLOTS} slots (e.g. 10+4), or of an
     * encode over at most {@link #ENCODE_L2_SLOTS} (m <= 32, e.g. 100+28). Both pass over their
     * whole work area several times (decode: scaling, IFFT, derivative, FFT; encode: an IFFT per
     * group of m data shards, then the FFT), so a small one stays in L2, in chunks of 8 KiB or
     * more; larger ones keep {@link #WORK_BUDGET}, since smaller chunks would multiply their
     * per-call costs.
     */
    static final long L2_BUDGET = 512L << 10;
    static final int DECODE_L2_SLOTS = 32;
    static final int ENCODE_L2_SLOTS = 64;

    /**
     * Smallest column chunk, in bytes, whatever the number of work shards (a multiple of 64). Each
     * butterfly call loads its multiplier's tables (GF(2^16): 8 MiB in all, so mostly cache
     * misses) and checks its arguments; below about 1 KiB per call that overhead dominates, so
     * very large shapes get a work area above the budget instead (65536 shards x 1 KiB = 64 MiB,
     * what catid/leopard itself needs).
     */
    public static final long MIN_CHUNK = 1024;

    private final int dataShards;
    private final int parityShards;
    private final Method method;
    private final LeopardField field;
    private final LeopardKernel kernel;
    private final int m;
    private final int n;
    /** For the encoder's FFT: how many of the outputs below i are parity shards (min(i, r)). */
    private final int[] parityOutputs;
    /** The multipliers of {@link LeopardKernel#encodeSmall} when the FFT code has m = 2 or 4, else null. */
    private final int[] smallLogs;

    /**
     * A transform of odd log2 size needs one radix-2 layer besides the fused radix-4 ones. It runs
     * on the largest blocks of at most this many bytes (or on two-slot blocks when even those are
     * larger), joining two halves just transformed and still in cache; when the chunk fills its
     * slots, each half is contiguous, so the layer is one kernel call per block.
     */
    static final long RADIX2_BLOCK_BYTES = 256L << 10;

    /** IFFT/FFT ranges of at least this many slots ask the cancel signal before their joining layer. */
    private static final int CANCEL_CHECK_SLOTS = 8;

    /**
     * @param dataShards k >= 1
     * @param parityShards 1 <= r <= k, k + r <= 65536
     * @throws IllegalArgumentException if the shape is not one leopard accepts
     */
    public LeopardEngine(int dataShards, int parityShards, LeopardKernel kernel) {
        if (dataShards < 1 || parityShards < 1 || parityShards > dataShards || dataShards + parityShards > 65536) {
            throw new IllegalArgumentException("leopard needs 1 <= m <= k and k + m <= 65536 (got k=" + dataShards
                    + ", m=" + parityShards + ")");
        }
        this.dataShards = dataShards;
        this.parityShards = parityShards;
        this.kernel = kernel;
        this.method = methodFor(dataShards, parityShards);
        this.m = nextPow2(parityShards);
        this.n = nextPow2(m + dataShards);
        this.parityOutputs = new int[m + 1];
        for (int i = 0; i <= m; i++) {
            parityOutputs[i] = Math.min(i, parityShards);
        }
        this.field = switch (method) {
            case FF8 -> LeopardField.ff8();
            case FF16 -> LeopardField.ff16();
            default -> null;
        };
        this.smallLogs = field != null && (m == 2 || m == 4) ? smallLogs() : null;
    }

    /**
     * The multipliers of the fused small-m encode, in the order {@link LeopardKernel#encodeSmall}
     * takes them: group g's inverse FFT has the skew factors of positions m(g + 1).., as in
     * {@link #encodeChunk}; the forward FFT those of positions 0...
     */
    private int[] smallLogs() {
        int groups = (dataShards + m - 1) / m;
        if (m == 2) {
            int[] logs = new int[groups + 1];
            for (int g = 0; g < groups; g++) {
                logs[g] = field.skew(2 * (g + 1));
            }
            logs[groups] = field.skew(0);
            return logs;
        }
        int[] logs = new int[3 * groups + 3];
        for (int g = 0; g <= groups; g++) {
            int first = g < groups ? 4 * (g + 1) : 0;
            logs[3 * g] = field.skew(first);
            logs[3 * g + 1] = field.skew(first + 2);
            logs[3 * g + 2] = field.skew(first + 1);
        }
        return logs;
    }

    /** The method leopard uses for k data and r parity shards. */
    public static Method methodFor(int dataShards, int parityShards) {
        if (dataShards == 1) {
            return Method.COPY;
        }
        if (parityShards == 1) {
            return Method.XOR;
        }
        return nextPow2(nextPow2(parityShards) + dataShards) <= 256 ? Method.FF8 : Method.FF16;
    }

    /** The smallest power of two >= v (v >= 1). */
    static int nextPow2(int v) {
        return v <= 1 ? 1 : Integer.highestOneBit(v - 1) << 1;
    }

    public Method method() {
        return method;
    }

    public LeopardKernel kernel() {
        return kernel;
    }

    /** Receives the parity of one column chunk: parity shard j is at {@code work + j * stride}. */
    @FunctionalInterface
    private interface ParitySink {
        void accept(long offset, long length, MemorySegment work, long stride);
    }

    /**
     * Writes parity[j] for every non-null parity[j] from data (k segments). All segments hold
     * {@code size} bytes.
     */
    public void encode(MemorySegment[] data, MemorySegment[] parity, long size, CancelSignal cancel) {
        if (smallLogs != null) {
            encodeSmall(data, parity, size, cancel, null);
            return;
        }
        encodeColumns(data, size, cancel, parity, (offset, length, work, stride) -> {
            for (int j = 0; j < parityShards; j++) {
                if (parity[j] != null) {
                    MemorySegment.copy(work, j * stride, parity[j], offset, length);
                }
            }
        });
    }

    /**
     * Recomputes the parity of {@code data} and compares it with {@code parity}; writes nothing of the
     * caller's.
     *
     * @return for each parity shard, whether it differs from the recomputed one
     */
    public boolean[] verify(MemorySegment[] data, MemorySegment[] parity, long size, CancelSignal cancel) {
        boolean[] bad = new boolean[parityShards];
        ParitySink compare = (offset, length, work, stride) -> {
            for (int j = 0; j < parityShards; j++) {
                if (!bad[j]) {
                    bad[j] = MemorySegment.mismatch(work, j * stride, j * stride + length, parity[j], offset,
                            offset + length) >= 0;
                }
            }
        };
        if (smallLogs != null) {
            encodeSmall(data, null, size, cancel, compare);
        } else {
            encodeColumns(data, size, cancel, null, compare);
        }
        return bad;
    }

    /**
     * The FFT encode at m = 2 or 4 ({@link LeopardKernel#encodeSmall}), column chunk by column
     * chunk: wanted parity shards ({@code parity[j]} non-null) are written in place, the other
     * outputs (unwanted, j >= r, or all of them when {@code parity} is null) go to the work area,
     * whose slot j (stride = the chunk) the sink then sees.
     */
    private void encodeSmall(MemorySegment[] data, MemorySegment[] parity, long size, CancelSignal cancel,
            ParitySink sink) {
        long chunk = chunkFor(2 * m, size, WORK_BUDGET);
        try (WorkAreas.Lease lease = WorkAreas.lend(m * chunk)) {
            MemorySegment work = lease.segment();
            MemorySegment[] out = new MemorySegment[m];
            for (long offset = 0; offset < size; offset += chunk) {
                checkCancel(cancel);
                long length = Math.min(chunk, size - offset);
                for (int j = 0; j < m; j++) {
                    boolean direct = parity != null && j < parityShards && parity[j] != null;
                    out[j] = direct ? parity[j].asSlice(offset, length) : work.asSlice(j * chunk, length);
                }
                kernel.encodeSmall(field, m, data, offset, out, 0, length, smallLogs);
                if (sink != null) {
                    sink.accept(offset, length, work, chunk);
                }
            }
        }
    }

    /**
     * The encode in column chunks. With {@code parity} non-null, the FFT code writes the wanted
     * parity shards itself as its last step makes them ({@link #fft}); the sink then sees only the
     * XOR code's chunks. Without it, the sink sees every chunk's parity in the work area.
     */
    private void encodeColumns(MemorySegment[] data, long size, CancelSignal cancel, MemorySegment[] parity,
            ParitySink sink) {
        boolean fft = method == Method.FF8 || method == Method.FF16;
        int slots = fft ? 2 * m : 1;
        long chunk = chunkFor(slots, size, slots <= ENCODE_L2_SLOTS ? L2_BUDGET : WORK_BUDGET);
        try (WorkAreas.Lease lease = WorkAreas.lend(slots * chunk)) {
            MemorySegment work = lease.segment();
            for (long offset = 0; offset < size; offset += chunk) {
                checkCancel(cancel);
                long length = Math.min(chunk, size - offset);
                if (fft) {
                    encodeChunk(data, offset, length, work, chunk, parity, cancel);
                    if (parity == null) {
                        sink.accept(offset, length, work, chunk);
                    }
                } else {
                    xorChunk(data, offset, length, work);
                    sink.accept(offset, length, work, chunk);
                }
            }
        }
    }

    /** Slot 0 = XOR of every data shard (a copy when k = 1). */
    private void xorChunk(MemorySegment[] data, long offset, long length, MemorySegment work) {
        MemorySegment.copy(data[0], offset, work, 0, length);
        for (int i = 1; i < data.length; i++) {
            kernel.xor(work, 0, data[i], offset, length);
        }
    }

    /**
     * Parity of one column chunk into slots 0..r-1 of the work area (2m slots, {@code stride} apart),
     * and into {@code parity[j]} at {@code offset} where non-null (when {@code parity} is).
     */
    private void encodeChunk(MemorySegment[] data, long offset, long length, MemorySegment work, long stride,
            MemorySegment[] parity, CancelSignal cancel) {
        int first = Math.min(dataShards, m);
        ifftFrom(data, 0, first, offset, work, stride, 0, m, length, cancel);
        for (int group = m; group < dataShards; group += m) {
            int count = Math.min(m, dataShards - group);
            ifftFrom(data, group, count, offset, work, stride, m, group + m, length, cancel);
            for (int i = 0; i < m; i++) {
                kernel.xor(work, i * stride, work, (m + i) * stride, length);
            }
        }
        Slots outputs = parity == null ? null : new Slots(parity, 0, parityShards, null, null);
        fft(work, stride, m, parityOutputs, length, outputs, offset, cancel);
    }

    /** Inverse FFT of size m of data shards from..from+count-1 (zeros after them) into slots base..base+m-1. */
    private void ifftFrom(MemorySegment[] data, int from, int count, long offset, MemorySegment work, long stride,
            int base, int skewOffset, long length, CancelSignal cancel) {
        ifftLoadRange(new Slots(data, from, count, null, null), offset, work, stride, base, 0, m, skewOffset, length,
                cancel);
    }

    /**
     * The shards of a transform's slots: those an inverse FFT loads, or those a forward FFT writes.
     * Slot i is {@code shards[i + shift]} for 0 <= i < end and i + shift >= 0, else none (null:
     * zeros to load, nothing to write), scaled by exp({@code logs[i + shift]}) when {@code logs}
     * is non-null. {@code presentBefore[i]}, when non-null, counts the non-null shards of the
     * slots below i (shift 0 then), so that a range of absent inputs is seen at once.
     */
    private record Slots(MemorySegment[] shards, int shift, int end, int[] logs, int[] presentBefore) {

        MemorySegment shard(int slot) {
            int i = slot + shift;
            return slot < end && i >= 0 ? shards[i] : null;
        }

        int log(int slot) {
            return logs[slot + shift];
        }

        /** The shards of slots lo..lo+3. */
        MemorySegment[] four(int lo) {
            return new MemorySegment[] {shard(lo), shard(lo + 1), shard(lo + 2), shard(lo + 3)};
        }

        /** The multipliers of slots lo..lo+3 (0 where none), or null when unscaled. */
        int[] fourLogs(int lo) {
            if (logs == null) {
                return null;
            }
            int[] four = new int[4];
            for (int s = 0; s < 4; s++) {
                four[s] = shard(lo + s) == null ? 0 : log(lo + s);
            }
            return four;
        }

        /** Whether every slot of [lo, lo + size) is absent. */
        boolean noneIn(int lo, int size) {
            if (lo >= end) {
                return true;
            }
            return presentBefore != null && presentBefore[Math.min(lo + size, end)] == presentBefore[lo];
        }
    }

    /**
     * Inverse FFT over slots [base + lo, base + lo + size) of the shards it loads ({@code in}: slot
     * base + i gets input i). The skew factor of the block starting at r of half-width d is
     * skew[skewOffset + r + d - 1].
     *
     * <p>Depth first and radix 4: the four quarters of a range are transformed completely before
     * the two layers that join them, which run fused in one pass ({@link LeopardKernel#ifft4}),
     * so the small layers run on blocks that stay in cache and each byte is loaded and stored once
     * per two layers. The bottom blocks read their shards themselves (four-slot blocks in the
     * kernel, {@link LeopardKernel#ifft4Load}), so no separate pass loads the work area. An odd
     * layer count takes one radix-2 layer where {@link #radix2} says. A range whose inputs are
     * all absent (past the data, or lost shards in a decode) transforms to zeros: it is filled,
     * not transformed.
     */
    private void ifftLoadRange(Slots in, long offset, MemorySegment work, long stride, int base, int lo, int size,
            int skewOffset, long length, CancelSignal cancel) {
        if (in.noneIn(lo, size)) {
            for (int i = lo; i < lo + size; i++) {
                work.asSlice((base + i) * stride, length).fill((byte) 0);
            }
            return;
        }
        if (radix2(size, stride)) {
            int half = size >>> 1;
            if (size == 2) {
                loadSlot(in, lo, offset, length, work, (base + lo) * stride);
                loadSlot(in, lo + 1, offset, length, work, (base + lo + 1) * stride);
            } else {
                ifftLoadRange(in, offset, work, stride, base, lo, half, skewOffset, length, cancel);
                ifftLoadRange(in, offset, work, stride, base, lo + half, half, skewOffset, length, cancel);
            }
            layer2(work, stride, base + lo, half, field.skew(skewOffset + lo + half - 1), length, false);
            return;
        }
        int q = size >>> 2;
        long quarter = q * stride;
        if (size == 4) {
            long a = (base + lo) * stride;
            kernel.ifft4Load(field, in.four(lo), in.fourLogs(lo), offset, work, a, a + quarter, a + 2 * quarter,
                    a + 3 * quarter, length, field.skew(skewOffset + lo), field.skew(skewOffset + lo + 2),
                    field.skew(skewOffset + lo + 1));
            return;
        }
        for (int s = 0; s < 4; s++) {
            ifftLoadRange(in, offset, work, stride, base, lo + s * q, q, skewOffset, length, cancel);
        }
        ifftJoin(work, stride, base, lo, size, skewOffset, length, cancel);
    }

    /** The work area at {@code at} = input {@code i} (scaled when the inputs are), or zeros when absent. */
    private void loadSlot(Slots in, int i, long offset, long length, MemorySegment work, long at) {
        MemorySegment shard = in.shard(i);
        if (shard == null) {
            work.asSlice(at, length).fill((byte) 0);
        } else if (in.logs != null) {
            kernel.mul(field, work, at, shard, offset, length, in.log(i));
        } else {
            MemorySegment.copy(shard, offset, work, at, length);
        }
    }

    /** Output {@code j}'s shard, where there is one, = the work area at {@code at} (scaled when the outputs are). */
    private void storeSlot(Slots out, int j, MemorySegment work, long at, long length, long outOffset) {
        MemorySegment target = out.shard(j);
        if (target == null) {
            return;
        }
        if (out.logs != null) {
            kernel.mul(field, target, outOffset, work, at, length, out.log(j));
        } else {
            MemorySegment.copy(work, at, target, outOffset, length);
        }
    }

    /**
     * The two inverse layers that join the four transformed quarters of slots [base + lo, base +
     * lo + size) in one pass ({@link LeopardKernel#ifft4}); large ranges ask the cancel signal first.
     */
    private void ifftJoin(MemorySegment work, long stride, int base, int lo, int size, int skewOffset, long length,
            CancelSignal cancel) {
        if (size >= CANCEL_CHECK_SLOTS) {
            checkCancel(cancel);
        }
        int q = size >>> 2;
        int m01 = field.skew(skewOffset + lo + q - 1);
        int m23 = field.skew(skewOffset + lo + 3 * q - 1);
        int m02 = field.skew(skewOffset + lo + 2 * q - 1);
        long quarter = q * stride;
        if (length == stride) {
            long a = (base + lo) * stride;
            kernel.ifft4(field, work, a, a + quarter, a + 2 * quarter, a + 3 * quarter, quarter, m01, m23, m02);
            return;
        }
        for (int i = lo; i < lo + q; i++) {
            long a = (base + i) * stride;
            kernel.ifft4(field, work, a, a + quarter, a + 2 * quarter, a + 3 * quarter, length, m01, m23, m02);
        }
    }

    /**
     * Whether a range of {@code size} slots takes its radix-2 layer here: its log2 is odd and it is
     * a two-slot block or a block of at most {@link #RADIX2_BLOCK_BYTES}.
     */
    private static boolean radix2(int size, long stride) {
        return (Integer.numberOfTrailingZeros(size) & 1) == 1 && (size == 2 || size * stride <= RADIX2_BLOCK_BYTES);
    }

    /**
     * One radix-2 layer over slots [first, first + 2 * half): forward or inverse butterflies by logM.
     * When the chunk fills its slots, each half is one contiguous range: one call.
     */
    private void layer2(MemorySegment work, long stride, int first, int half, int logM, long length, boolean forward) {
        int pairs = half;
        if (length == stride) {
            length = half * stride;
            pairs = 1;
        }
        for (int i = first; i < first + pairs; i++) {
            long x = i * stride;
            long y = (i + half) * stride;
            if (logM == field.modulus) {
                kernel.xor(work, y, work, x, length);
            } else if (forward) {
                kernel.fftButterfly(field, work, x, work, y, length, logM);
            } else {
                kernel.ifftButterfly(field, work, x, work, y, length, logM);
            }
        }
    }

    /**
     * Forward FFT, in place, over slots [0, size) with skew factors as for {@link #ifft} (offset 0),
     * computing only the butterfly blocks that lead to a wanted output: {@code neededBefore[i]}
     * counts the wanted outputs below i. The other outputs are left stale. Depth first, like
     * {@link #ifft}. With {@code out} non-null, each wanted output is also written to its shard at
     * {@code outOffset} by the step that finishes it, while it is in cache: no separate pass over
     * the work area to copy the parity out (encode) or to scale the lost data out (decode).
     */
    private void fft(MemorySegment work, long stride, int size, int[] neededBefore, long length, Slots out,
            long outOffset, CancelSignal cancel) {
        fftRange(work, stride, 0, size, neededBefore, length, out, outOffset, cancel);
    }

    private void fftRange(MemorySegment work, long stride, int lo, int size, int[] neededBefore, long length,
            Slots out, long outOffset, CancelSignal cancel) {
        if (size == 1 || neededBefore[lo + size] == neededBefore[lo]) {
            return;
        }
        if (size >= CANCEL_CHECK_SLOTS) {
            checkCancel(cancel);
        }
        if (radix2(size, stride)) {
            int half = size >>> 1;
            layer2(work, stride, lo, half, field.skew(lo + half - 1), length, true);
            if (size == 2) {
                if (out != null) {
                    storeSlot(out, lo, work, lo * stride, length, outOffset);
                    storeSlot(out, lo + 1, work, (lo + 1) * stride, length, outOffset);
                }
                return;
            }
            fftRange(work, stride, lo, half, neededBefore, length, out, outOffset, cancel);
            fftRange(work, stride, lo + half, half, neededBefore, length, out, outOffset, cancel);
            return;
        }
        // Radix 4: the two layers that split the range in one pass, then the four quarters.
        int q = size >>> 2;
        int m01 = field.skew(lo + q - 1);
        int m23 = field.skew(lo + 3 * q - 1);
        int m02 = field.skew(lo + 2 * q - 1);
        long quarter = q * stride;
        if (q == 1 && out != null) {
            // Four single slots: this step finishes them.
            long a = lo * stride;
            kernel.fft4Store(field, work, a, a + stride, a + 2 * stride, a + 3 * stride, length, m01, m23, m02,
                    out.four(lo), out.fourLogs(lo), outOffset);
            return;
        }
        if (length == stride) {
            long a = lo * stride;
            kernel.fft4(field, work, a, a + quarter, a + 2 * quarter, a + 3 * quarter, quarter, m01, m23, m02);
        } else {
            for (int i = lo; i < lo + q; i++) {
                long a = i * stride;
                kernel.fft4(field, work, a, a + quarter, a + 2 * quarter, a + 3 * quarter, length, m01, m23, m02);
            }
        }
        for (int s = 0; s < 4; s++) {
            fftRange(work, stride, lo + s * q, q, neededBefore, length, out, outOffset, cancel);
        }
    }

    /**
     * Rebuilds lost data shards. {@code data[i] == null} marks data shard i lost; {@code parity[j]}
     * null marks parity shard j unavailable (present ones are read). {@code out[i]}, for a lost i,
     * receives the shard when non-null. There must be at least as many parity shards as lost data
     * shards.
     *
     * @throws IllegalArgumentException when too few parity shards are given
     */
    public void decode(MemorySegment[] data, MemorySegment[] parity, MemorySegment[] out, long size,
            CancelSignal cancel) {
        int lost = 0;
        for (MemorySegment d : data) {
            lost += d == null ? 1 : 0;
        }
        int available = 0;
        for (MemorySegment p : parity) {
            available += p == null ? 0 : 1;
        }
        if (available < lost) {
            throw new IllegalArgumentException(lost + " data shards lost but only " + available + " parity shards");
        }
        if (lost == 0) {
            return;
        }
        if (method == Method.COPY || method == Method.XOR) {
            decodeXor(data, parity[0], out, size, cancel);
            return;
        }
        int[] locator = errorLocator(data, parity);
        // neededBefore[i]: how many of the FFT outputs below i are wanted (lost data shards to write).
        int[] neededBefore = new int[n + 1];
        for (int i = 0; i < n; i++) {
            int dataIndex = i - m;
            boolean needed = dataIndex >= 0 && dataIndex < dataShards && data[dataIndex] == null
                    && out[dataIndex] != null;
            neededBefore[i + 1] = neededBefore[i] + (needed ? 1 : 0);
        }
        // Slot j < m: parity shard j (none past r); slot m + i: data shard i. Each is loaded times
        // exp(locator[slot]); a lost data shard i, wanted, leaves slot m + i times exp(-locator).
        MemorySegment[] inputs = new MemorySegment[m + dataShards];
        System.arraycopy(parity, 0, inputs, 0, parityShards);
        System.arraycopy(data, 0, inputs, m, dataShards);
        MemorySegment[] wanted = new MemorySegment[dataShards];
        int[] outLogs = new int[dataShards];
        for (int i = 0; i < dataShards; i++) {
            wanted[i] = data[i] == null ? out[i] : null;
            outLogs[i] = field.modulus - locator[m + i];
        }
        Slots outputs = new Slots(wanted, -m, m + dataShards, outLogs, null);
        int[] presentBefore = new int[inputs.length + 1];
        for (int i = 0; i < inputs.length; i++) {
            presentBefore[i + 1] = presentBefore[i] + (inputs[i] == null ? 0 : 1);
        }
        Slots in = new Slots(inputs, 0, inputs.length, locator, presentBefore);
        long chunk = chunkFor(n, size, n <= DECODE_L2_SLOTS ? L2_BUDGET : WORK_BUDGET);
        try (WorkAreas.Lease lease = WorkAreas.lend(n * chunk)) {
            MemorySegment work = lease.segment();
            for (long offset = 0; offset < size; offset += chunk) {
                checkCancel(cancel);
                decodeChunk(in, neededBefore, outputs, offset, Math.min(chunk, size - offset), work, chunk, cancel);
            }
        }
    }

    /** The one lost data shard = parity XOR the other data shards (k = 1: the parity itself). */
    private void decodeXor(MemorySegment[] data, MemorySegment parity, MemorySegment[] out, long size,
            CancelSignal cancel) {
        int lost = 0;
        while (data[lost] != null) {
            lost++;
        }
        MemorySegment target = out[lost];
        if (target == null) {
            return;
        }
        for (long offset = 0; offset < size; offset += WORK_BUDGET) {
            checkCancel(cancel);
            long length = Math.min(WORK_BUDGET, size - offset);
            MemorySegment.copy(parity, offset, target, offset, length);
            for (MemorySegment d : data) {
                if (d != null) {
                    kernel.xor(target, offset, d, offset, length);
                }
            }
        }
    }

    /**
     * Logarithms of the error locator's values at every field point, from the erasure pattern:
     * 1 at each erased position (missing parity, the unused positions r..m-1, lost data), a
     * Walsh-Hadamard transform, a product with the transform of the log table, and a second
     * transform. Computed once per call, independent of the shard bytes.
     */
    private int[] errorLocator(MemorySegment[] data, MemorySegment[] parity) {
        int[] locator = new int[field.order];
        for (int j = 0; j < m; j++) {
            locator[j] = j >= parityShards || parity[j] == null ? 1 : 0;
        }
        for (int i = 0; i < dataShards; i++) {
            locator[m + i] = data[i] == null ? 1 : 0;
        }
        field.walshHadamard(locator);
        for (int i = 0; i < field.order; i++) {
            locator[i] = (int) ((long) locator[i] * field.logWalsh(i) % field.modulus);
        }
        field.walshHadamard(locator);
        return locator;
    }

    /**
     * One column chunk of the decode: the inputs scaled by the locator and transformed by an
     * inverse FFT of size n (loaded by its bottom blocks), the formal derivative, and a forward FFT
     * truncated to the wanted outputs, which its last step scales into their shards.
     */
    private void decodeChunk(Slots in, int[] neededBefore, Slots outputs, long offset, long length,
            MemorySegment work, long stride, CancelSignal cancel) {
        ifftLoadRange(in, offset, work, stride, 0, 0, n, 0, length, cancel);
        checkCancel(cancel);
        // Formal derivative in the novel basis: slot i - w + j ^= slot i + j, w = lowest bit of i.
        // When the chunk fills its slots, the w slots on each side are one contiguous range: one call.
        for (int i = 1; i < n; i++) {
            int width = i & -i;
            if (length == stride) {
                kernel.xor(work, (i - width) * stride, work, i * stride, width * stride);
                continue;
            }
            for (int j = 0; j < width; j++) {
                kernel.xor(work, (i - width + j) * stride, work, (i + j) * stride, length);
            }
        }
        fft(work, stride, n, neededBefore, length, outputs, offset, cancel);
    }

    /** Column chunk for a work area of {@code slots} shards: near {@code budget}, a multiple of 64. */
    private static long chunkFor(int slots, long size, long budget) {
        long chunk = Math.max(MIN_CHUNK, budget / slots / 64 * 64);
        return Math.min(chunk, roundUp64(size));
    }

    private static long roundUp64(long size) {
        return Math.max(64, (size + 63) / 64 * 64);
    }

    private static void checkCancel(CancelSignal cancel) {
        if (cancel != null && cancel.isCancelled()) {
            throw new CodingCancelledException();
        }
    }

    @Override
    public String toString() {
        return "leopard(" + dataShards + "+" + parityShards + ", " + method + ", " + kernel.name() + ")";
    }
}
