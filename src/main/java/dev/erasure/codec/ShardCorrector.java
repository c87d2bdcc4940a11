package dev.erasure.codec;

import dev.erasure.codec.gf.Galois;
import dev.erasure.codec.gf.GrsCode;
import dev.erasure.codec.kernel.Kernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Locates and corrects corrupted shards of a generalized Reed-Solomon code without checksums.
 * With r shards supplied (r >= k + 1), every byte column in which at most floor((r - k) / 2) of
 * them are wrong is corrected; the corrupted shards may differ from column to column, and the
 * result names their union.
 *
 * <p>How (per call, in column chunks):
 * <ol>
 *   <li>Check, with the kernel, on every column: the first k supplied shards (the survivors)
 *       recompute the other r - k supplied shards into scratch (and, when correcting, the missing
 *       shards to rebuild). The differences D between the recomputed and the supplied bytes are a
 *       syndrome: all zero exactly when the column is a codeword.</li>
 *   <li>Only on columns where D is not zero: turn D into the power-sum syndromes of the code
 *       punctured to the supplied positions, S_l = sum_j e_j u_j X_j^l (l < r - k), by one
 *       (r - k) x (r - k) matrix; Berlekamp-Massey gives the error locator, a Chien search over the
 *       supplied positions its roots, Forney's formula the error values. The candidate is accepted
 *       only if it has at most floor((r - k) / 2) errors and reproduces all r - k syndromes;
 *       otherwise the column is uncorrectable and the call throws
 *       {@link UncorrectableShardsException}.</li>
 *   <li>When correcting, the located bytes are fixed in place, and the rebuilt shards are
 *       recomputed on the chunk's affected columns if a survivor was fixed.</li>
 * </ol>
 * A column with more corrupted shards than the bound is either detected (exception) or, with a
 * small probability, moved to another codeword within the bound: the result is then consistent
 * (every supplied shard re-encodes) but not the original; docs/codec.md quantifies that risk.
 *
 * <p>Where the power-sum syndromes come from: the code punctured to the supplied positions J is
 * GRS(points, v, k), whose dual is GRS(points, u, r - k) with
 * u_j = 1 / (v_j prod_{i in J, i != j} (X_j - X_i)); its parity-check rows are u_j X_j^l. The
 * points are shifted by a constant that is no supplied point (the code does not change), so every
 * X_j is non-zero; only when all 256 field elements are supplied points is one X_j zero, and that
 * position is then tried as an extra hypothesis. Instances are immutable and thread-safe.
 */
public final class ShardCorrector {

    /** Column chunk: the scratch of the r - k checked shards stays small enough for the caches. */
    static final int CHUNK = 64 * 1024;

    private final GrsCode code;
    private final int dataShards;
    private final int totalShards;
    private final DecodeMatrices decodeMatrices;

    ShardCorrector(GrsCode code, DecodeMatrices decodeMatrices) {
        this.code = code;
        this.dataShards = code.dataShards();
        this.totalShards = code.totalShards();
        this.decodeMatrices = decodeMatrices;
    }

    /** The GRS parameters the code was recognized with. */
    public GrsCode code() {
        return code;
    }

    /**
     * Locates and corrects, then rebuilds. {@code present[i]} says shards[i] was supplied: those
     * are checked and corrected in place. Every entry with {@code present[i] == false} and
     * {@code shards[i] != null} is written with the rebuilt (corrected) shard, as in
     * {@link ReedSolomon#reconstruct}; null entries are neither read nor written.
     *
     * @return the supplied shards that were corrected (empty when all were consistent)
     * @throws TooFewShardsException if fewer than dataShards + 1 shards are present
     * @throws UncorrectableShardsException if a column has more corrupted shards than can be
     *     located (columns before it may already be corrected; outputs are then incomplete)
     * @throws IllegalArgumentException if an array length is wrong, a present entry is null or a
     *     segment to write (present or rebuilt) is read-only
     * @throws ShardSizeMismatchException if the non-null shards differ in size or one is empty
     * @throws CodingCancelledException if {@code cancel} was raised
     */
    public Correction correct(MemorySegment[] shards, boolean[] present, CancelSignal cancel) {
        return run(shards, present, cancel, true);
    }

    /**
     * Locates only: like {@link #correct} but writes nothing (non-present entries are ignored).
     *
     * @return the supplied shards found corrupted (empty when consistent)
     */
    public Correction locate(MemorySegment[] shards, boolean[] present, CancelSignal cancel) {
        return run(shards, present, cancel, false);
    }

    private Correction run(MemorySegment[] shards, boolean[] present, CancelSignal cancel, boolean write) {
        ShardChecks.arrayLength("shards", shards.length, totalShards);
        ShardChecks.arrayLength("present", present.length, totalShards);
        int[] supplied = flagged(present, shards, true);
        for (int i : supplied) {
            if (shards[i] == null) {
                throw new IllegalArgumentException("shard " + i + " is marked present but is null");
            }
        }
        if (supplied.length < dataShards + 1) {
            throw TooFewShardsException.forCorrection(supplied, dataShards + 1);
        }
        MemorySegment[] considered = write ? shards : select(shards, supplied, totalShards);
        long size = ShardChecks.commonSize(considered);
        int[] wanted = write ? flagged(present, shards, false) : new int[0];
        if (write) {
            for (int i : supplied) {
                ShardChecks.writable(shards[i], i);
            }
            for (int i : wanted) {
                ShardChecks.writable(shards[i], i);
            }
        }
        int checkedCount = supplied.length - dataShards;
        int correctable = checkedCount / 2;
        Plan plan = new Plan(supplied, new boolean[totalShards], wanted);
        boolean[] corrupted = new boolean[totalShards];
        long corruptedColumns = 0;
        long chunk = Math.min(size, CHUNK);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] scratch = new MemorySegment[checkedCount];
            for (int i = 0; i < checkedCount; i++) {
                scratch[i] = arena.allocate(chunk, 64);
            }
            int[] difference = new int[checkedCount];
            long[] next = new long[checkedCount];
            for (long offset = 0; offset < size; offset += chunk) {
                if (cancel != null && cancel.isCancelled()) {
                    throw new CodingCancelledException();
                }
                long length = Math.min(chunk, size - offset);
                MemorySegment[] in = plan.inputs(shards, offset, length);
                MemorySegment[] out = plan.outputs(shards, scratch, offset, length);
                plan.tables.multiply(in, out, 0, length);
                // next[i]: the next column of the chunk where checked shard i differs (length: none)
                long first = length;
                for (int i = 0; i < checkedCount; i++) {
                    next[i] = nextMismatch(scratch[i], shards[plan.checked[i]], offset, 0, length);
                    first = Math.min(first, next[i]);
                }
                if (first == length) {
                    continue;
                }
                long last = -1;
                boolean survivorFixed = false;
                boolean switched = false;
                for (long column = first; column < length; ) {
                    int weight = 0;
                    for (int i = 0; i < checkedCount; i++) {
                        difference[i] = (scratch[i].get(ValueLayout.JAVA_BYTE, column)
                                ^ shards[plan.checked[i]].get(ValueLayout.JAVA_BYTE, offset + column)) & 0xFF;
                        weight += difference[i] != 0 ? 1 : 0;
                    }
                    corruptedColumns++;
                    last = column;
                    if (weight <= correctable) {
                        // the survivors' codeword is within weight <= t of the supplied column: it is
                        // the only one, so the differences are the errors (no locator needed)
                        for (int i = 0; i < checkedCount; i++) {
                            if (difference[i] != 0) {
                                fix(shards, plan.checked[i], offset + column, difference[i], corrupted, write);
                            }
                        }
                    } else {
                        int errors = plan.decoder.decode(difference);
                        if (errors < 0) {
                            throw new UncorrectableShardsException(offset + column, supplied.length, dataShards,
                                    correctable);
                        }
                        boolean survivorWrong = false;
                        for (int e = 0; e < errors; e++) {
                            int position = plan.decoder.errorPosition[e];
                            survivorWrong |= position < dataShards;
                            fix(shards, plan.order[position], offset + column, plan.decoder.errorValue[e], corrupted, write);
                        }
                        survivorFixed |= survivorWrong;
                        if (survivorWrong && !switched && column + 1 < length) {
                            // take survivors that were right here for the rest of the stripe: a shard
                            // wrong in many columns then shows as a difference of weight 1
                            boolean[] avoid = new boolean[totalShards];
                            for (int e = 0; e < errors; e++) {
                                avoid[plan.order[plan.decoder.errorPosition[e]]] = true;
                            }
                            plan = new Plan(supplied, avoid, wanted);
                            switched = true;
                            in = plan.inputs(shards, offset, length);
                            out = plan.outputs(shards, scratch, offset, length);
                            plan.tables.multiply(in, out, column + 1, length - column - 1);
                            for (int i = 0; i < checkedCount; i++) {
                                next[i] = column;
                            }
                        }
                    }
                    long following = length;
                    for (int i = 0; i < checkedCount; i++) {
                        if (next[i] <= column) {
                            next[i] = nextMismatch(scratch[i], shards[plan.checked[i]], offset, column + 1, length);
                        }
                        following = Math.min(following, next[i]);
                    }
                    column = following;
                }
                if (write && survivorFixed && wanted.length > 0) {
                    // the rebuilt shards of this chunk came from corrupted survivors: redo the affected columns
                    plan.tables.multiply(in, out, first, last + 1 - first);
                }
            }
        }
        return new Correction(flagged(corrupted, null, true), corruptedColumns, supplied.length, correctable);
    }

    private static void fix(MemorySegment[] shards, int shard, long at, int error, boolean[] corrupted, boolean write) {
        corrupted[shard] = true;
        if (write) {
            MemorySegment target = shards[shard];
            target.set(ValueLayout.JAVA_BYTE, at, (byte) (target.get(ValueLayout.JAVA_BYTE, at) ^ error));
        }
    }

    /**
     * Which supplied shards recompute the others: the first k supplied shards not in {@code avoid}
     * (the survivors, ascending), the rest of the supplied shards (checked, ascending), the
     * tables writing the checked and the wanted shards, and the column decoder for that order.
     */
    private final class Plan {
        final int[] order;
        final int[] checked;
        final int[] survivors;
        final int[] outputs;
        final Kernel.Tables tables;
        final ColumnDecoder decoder;

        Plan(int[] supplied, boolean[] avoid, int[] wanted) {
            survivors = new int[dataShards];
            checked = new int[supplied.length - dataShards];
            int s = 0;
            for (int shard : supplied) {
                if (!avoid[shard] && s < dataShards) {
                    survivors[s++] = shard;
                }
            }
            int c = 0;
            for (int shard : supplied) {
                if (Arrays.binarySearch(survivors, shard) < 0) {
                    checked[c++] = shard;
                }
            }
            order = new int[supplied.length];
            System.arraycopy(survivors, 0, order, 0, dataShards);
            System.arraycopy(checked, 0, order, dataShards, checked.length);
            outputs = new int[checked.length + wanted.length];
            System.arraycopy(checked, 0, outputs, 0, checked.length);
            System.arraycopy(wanted, 0, outputs, checked.length, wanted.length);
            Arrays.sort(outputs);
            tables = decodeMatrices.tables(survivors, outputs);
            decoder = new ColumnDecoder(order);
        }

        MemorySegment[] inputs(MemorySegment[] shards, long offset, long length) {
            return slices(shards, survivors, offset, length);
        }

        MemorySegment[] outputs(MemorySegment[] shards, MemorySegment[] scratch, long offset, long length) {
            return outputSegments(shards, outputs, checked, scratch, offset, length);
        }
    }

    /** The first column in [from, length) where the recomputed and the supplied bytes differ, else length. */
    private static long nextMismatch(MemorySegment recomputed, MemorySegment shard, long offset, long from, long length) {
        if (from >= length) {
            return length;
        }
        long at = recomputed.asSlice(from, length - from).mismatch(shard.asSlice(offset + from, length - from));
        return at < 0 ? length : from + at;
    }

    private static MemorySegment[] outputSegments(MemorySegment[] shards, int[] outputs, int[] checked,
            MemorySegment[] scratch, long offset, long length) {
        MemorySegment[] out = new MemorySegment[outputs.length];
        for (int o = 0; o < outputs.length; o++) {
            int at = Arrays.binarySearch(checked, outputs[o]);
            out[o] = at >= 0 ? scratch[at].asSlice(0, length) : shards[outputs[o]].asSlice(offset, length);
        }
        return out;
    }

    private static MemorySegment[] slices(MemorySegment[] shards, int[] indexes, long offset, long length) {
        MemorySegment[] result = new MemorySegment[indexes.length];
        for (int i = 0; i < indexes.length; i++) {
            result[i] = shards[indexes[i]].asSlice(offset, length);
        }
        return result;
    }

    /** An array of the given length holding shards[i] at the listed indexes, null elsewhere. */
    private static MemorySegment[] select(MemorySegment[] shards, int[] indexes, int length) {
        MemorySegment[] result = new MemorySegment[length];
        for (int i : indexes) {
            result[i] = shards[i];
        }
        return result;
    }

    /** Indexes i with flags[i] == value (and, for value false, shards[i] != null). */
    private static int[] flagged(boolean[] flags, MemorySegment[] shards, boolean value) {
        int[] result = new int[flags.length];
        int count = 0;
        for (int i = 0; i < flags.length; i++) {
            if (flags[i] == value && (value || shards[i] != null)) {
                result[count++] = i;
            }
        }
        return Arrays.copyOf(result, count);
    }

    /**
     * The per-column locator for one set of supplied positions. Not thread-safe: one per call.
     * Positions are indexes into the supplied array (the first dataShards are the survivors, the
     * rest the checked shards, in the order of the differences passed to {@link #decode}).
     */
    final class ColumnDecoder {
        private final int supplied;
        private final int syndromes;
        private final int correctable;
        private final int[] x;
        private final int[] xInverse;
        private final int[] u;
        private final int[][] toPowerSums;
        private final int zeroPosition;
        private final int[] s;
        private final int[] lambda;
        private final int[] previous;
        private final int[] swap;
        private final int[] omega;
        final int[] errorPosition;
        final int[] errorValue;

        ColumnDecoder(int[] suppliedShards) {
            supplied = suppliedShards.length;
            syndromes = supplied - dataShards;
            correctable = syndromes / 2;
            boolean[] used = new boolean[256];
            for (int shard : suppliedShards) {
                used[code.point(shard)] = true;
            }
            int shift = 0;
            while (shift < 256 && used[shift]) {
                shift++;
            }
            shift &= 0xFF; // all 256 points supplied: no shift, one X_j is 0
            x = new int[supplied];
            xInverse = new int[supplied];
            int zero = -1;
            for (int j = 0; j < supplied; j++) {
                x[j] = code.point(suppliedShards[j]) ^ shift;
                if (x[j] == 0) {
                    zero = j;
                } else {
                    xInverse[j] = Galois.inverse(x[j]);
                }
            }
            zeroPosition = zero;
            u = new int[supplied];
            for (int j = 0; j < supplied; j++) {
                int product = code.multiplier(suppliedShards[j]);
                for (int i = 0; i < supplied; i++) {
                    if (i != j) {
                        product = Galois.multiply(product, x[j] ^ x[i]);
                    }
                }
                u[j] = Galois.inverse(product);
            }
            // S = A D with A[l][i] = u_c X_c^l for the i-th checked position c (the parity-check
            // matrix of the differences is the identity on the checked positions)
            toPowerSums = new int[syndromes][syndromes];
            for (int i = 0; i < syndromes; i++) {
                int c = dataShards + i;
                int value = u[c];
                for (int l = 0; l < syndromes; l++) {
                    toPowerSums[l][i] = value;
                    value = Galois.multiply(value, x[c]);
                }
            }
            s = new int[syndromes];
            lambda = new int[syndromes + 2];
            previous = new int[syndromes + 2];
            swap = new int[syndromes + 2];
            omega = new int[syndromes + 1];
            errorPosition = new int[correctable + 1];
            errorValue = new int[correctable + 1];
        }

        /**
         * Finds the errors of one column from its differences (one per checked position). Returns
         * their number (positions and values, to XOR into the supplied bytes, in
         * {@link #errorPosition} and {@link #errorValue}), or -1 when no pattern of at most
         * floor((r - k) / 2) errors explains them.
         */
        int decode(int[] difference) {
            for (int l = 0; l < syndromes; l++) {
                int sum = 0;
                int[] row = toPowerSums[l];
                for (int i = 0; i < syndromes; i++) {
                    sum ^= Galois.multiply(row[i], difference[i]);
                }
                s[l] = sum;
            }
            int errors = locate(0, correctable, -1);
            if (errors < 0 && zeroPosition >= 0 && syndromes >= 2 && correctable >= 1) {
                errors = locate(1, correctable - 1, zeroPosition);
            }
            return errors;
        }

        /**
         * Berlekamp-Massey on s[from..syndromes), Chien search, Forney, then the check of all
         * syndromes. With from = 1 the position {@code withZero} (X = 0, seen only by s[0]) is
         * assumed wrong as well and its value is what s[0] leaves over.
         */
        private int locate(int from, int maxDegree, int withZero) {
            int length = syndromes - from;
            Arrays.fill(lambda, 0);
            Arrays.fill(previous, 0);
            lambda[0] = 1;
            previous[0] = 1;
            int degree = 0;
            int gap = 1;
            int lastDiscrepancy = 1;
            for (int n = 0; n < length; n++) {
                int discrepancy = s[from + n];
                for (int i = 1; i <= degree; i++) {
                    discrepancy ^= Galois.multiply(lambda[i], s[from + n - i]);
                }
                if (discrepancy == 0) {
                    gap++;
                    continue;
                }
                int factor = Galois.divide(discrepancy, lastDiscrepancy);
                if (2 * degree <= n) {
                    System.arraycopy(lambda, 0, swap, 0, lambda.length);
                    addShifted(lambda, previous, factor, gap);
                    degree = n + 1 - degree;
                    System.arraycopy(swap, 0, previous, 0, previous.length);
                    lastDiscrepancy = discrepancy;
                    gap = 1;
                } else {
                    addShifted(lambda, previous, factor, gap);
                    gap++;
                }
            }
            if (degree > maxDegree) {
                return -1;
            }
            int found = 0;
            for (int j = 0; j < supplied && found <= degree; j++) {
                if (j != withZero && x[j] != 0 && evaluate(lambda, degree, xInverse[j]) == 0) {
                    if (found == degree) {
                        return -1;
                    }
                    errorPosition[found++] = j;
                }
            }
            if (found != degree) {
                return -1;
            }
            // omega = S(x) lambda(x) mod x^length, over the syndromes used
            for (int i = 0; i < length; i++) {
                int sum = 0;
                for (int a = 0; a <= Math.min(i, degree); a++) {
                    sum ^= Galois.multiply(lambda[a], s[from + i - a]);
                }
                omega[i] = sum;
            }
            int leftover = s[0];
            for (int e = 0; e < found; e++) {
                int j = errorPosition[e];
                int xi = xInverse[j];
                int derivative = 0; // lambda'(xi): only odd powers survive in characteristic 2
                int power = 1;
                int xi2 = Galois.multiply(xi, xi);
                for (int i = 1; i <= degree; i += 2) {
                    derivative ^= Galois.multiply(lambda[i], power);
                    power = Galois.multiply(power, xi2);
                }
                if (derivative == 0) {
                    return -1;
                }
                // Forney for sums starting at X^from: Y X^from = X omega(1/X) / lambda'(1/X)
                int value = Galois.divide(Galois.multiply(x[j], evaluate(omega, length - 1, xi)), derivative);
                if (from == 1) {
                    value = Galois.divide(value, x[j]);
                }
                if (value == 0) {
                    return -1;
                }
                leftover ^= value;
                errorValue[e] = value; // Y_j = e_j u_j for now
            }
            if (withZero >= 0) {
                if (leftover == 0) {
                    return -1;
                }
                errorPosition[found] = withZero;
                errorValue[found] = leftover;
                found++;
            }
            if (!reproducesSyndromes(found)) {
                return -1;
            }
            for (int e = 0; e < found; e++) {
                errorValue[e] = Galois.divide(errorValue[e], u[errorPosition[e]]);
            }
            return found;
        }

        /** sum over the errors of Y_j X_j^l equals s[l] for every l (with 0^0 = 1). */
        private boolean reproducesSyndromes(int found) {
            int[] power = Arrays.copyOf(errorValue, found);
            for (int l = 0; l < syndromes; l++) {
                int sum = 0;
                for (int e = 0; e < found; e++) {
                    sum ^= power[e];
                    power[e] = Galois.multiply(power[e], x[errorPosition[e]]);
                }
                if (sum != s[l]) {
                    return false;
                }
            }
            return true;
        }

        private static void addShifted(int[] target, int[] source, int factor, int shift) {
            for (int i = 0; i + shift < target.length; i++) {
                if (source[i] != 0) {
                    target[i + shift] ^= Galois.multiply(factor, source[i]);
                }
            }
        }

        private static int evaluate(int[] polynomial, int degree, int at) {
            int result = 0;
            for (int i = degree; i >= 0; i--) {
                result = Galois.multiply(result, at) ^ polynomial[i];
            }
            return result;
        }
    }
}
