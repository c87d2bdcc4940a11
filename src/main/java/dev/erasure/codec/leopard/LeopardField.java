package dev.erasure.codec.leopard;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One of Leopard-RS's two binary fields, GF(2^8) (polynomial 0x11D) or GF(2^16) (0x1002D), with
 * elements written in the Cantor basis that makes the additive FFT of Lin, Chung and Han cheap.
 *
 * <p>Every multiplication of the codec takes its right operand as a logarithm: {@code log[a]}
 * maps an element to its logarithm in [0, modulus], {@code exp} maps back, and a logarithm of
 * {@link #modulus} stands for "times one" in products (it is congruent to 0). The FFT skew factors
 * are stored as logarithms too; a skew of {@link #modulus} is the zero element, for which the
 * butterflies skip the multiplication.
 *
 * <p>Besides the logarithm tables, each field keeps the split-nibble product tables the kernels
 * use (see {@link #tables()}): for each logarithm {@code l} and each 4-bit slice of a symbol, the
 * 16 products {@code (x << 4s) * exp(l)}.
 */
public final class LeopardField {

    /** Bytes of one logarithm's product tables in {@link #tables()}: FF8 32, FF16 128. */
    public final int tableBytes;
    /** 8 or 16. */
    public final int bits;
    /** 2^bits. */
    public final int order;
    /** 2^bits - 1: the order of the multiplicative group. */
    public final int modulus;

    private final char[] log;
    private final char[] exp;
    private final char[] skew;
    private final int[] logWalsh;
    private final MemorySegment tables;

    private static final int[] CANTOR_8 = {1, 214, 152, 146, 86, 200, 88, 230};
    private static final int[] CANTOR_16 = {
        0x0001, 0xACCA, 0x3C0E, 0x163E, 0xC582, 0xED2E, 0x914C, 0x4012,
        0x6C98, 0x10D8, 0x6A72, 0xB900, 0xFDB8, 0xFB34, 0xFF38, 0x991E};

    private static final class Holder8 {
        static final LeopardField FIELD = new LeopardField(8, 0x11D, CANTOR_8);
    }

    private static final class Holder16 {
        static final LeopardField FIELD = new LeopardField(16, 0x1002D, CANTOR_16);
    }

    /** GF(2^8), built on first use. */
    public static LeopardField ff8() {
        return Holder8.FIELD;
    }

    /** GF(2^16), built on first use (about 9 MiB of tables, most of them the product tables). */
    public static LeopardField ff16() {
        return Holder16.FIELD;
    }

    private LeopardField(int bits, int polynomial, int[] cantorBasis) {
        this.bits = bits;
        this.order = 1 << bits;
        this.modulus = order - 1;
        this.tableBytes = bits == 8 ? 32 : 128;
        this.log = new char[order];
        this.exp = new char[order];
        buildLogTables(polynomial, cantorBasis);
        this.skew = new char[order];
        buildSkew();
        this.logWalsh = new int[order];
        for (int i = 0; i < order; i++) {
            logWalsh[i] = log[i];
        }
        logWalsh[0] = 0;
        walshHadamard(logWalsh);
        // Padded so a kernel may load a full vector at the last multiplier's tables.
        this.tables = Arena.ofAuto().allocate((long) order * tableBytes + 128, 64);
        buildProductTables();
    }

    /**
     * Logarithms of the elements written in the Cantor basis: element i is the XOR of the basis
     * vectors selected by the bits of i; its logarithm is taken in the polynomial basis generated
     * by x (the LFSR of the field polynomial).
     */
    private void buildLogTables(int polynomial, int[] cantorBasis) {
        int[] polyLog = new int[order];
        int state = 1;
        for (int i = 0; i < modulus; i++) {
            polyLog[state] = i;
            state <<= 1;
            if (state >= order) {
                state ^= polynomial;
            }
        }
        polyLog[0] = modulus;
        int[] combination = new int[order];
        for (int i = 0; i < bits; i++) {
            int width = 1 << i;
            for (int j = 0; j < width; j++) {
                combination[j + width] = combination[j] ^ cantorBasis[i];
            }
        }
        for (int i = 0; i < order; i++) {
            log[i] = (char) polyLog[combination[i]];
        }
        for (int i = 0; i < order; i++) {
            exp[log[i]] = (char) i;
        }
        exp[modulus] = exp[0];
    }

    /**
     * The skew ("twist") factors of the FFT layers, as logarithms. Computed exactly the way the
     * reference library does it, including its partially reduced sums, because a skew equal to
     * {@link #modulus} means zero and changes which butterflies multiply.
     */
    private void buildSkew() {
        int[] temp = new int[bits - 1];
        for (int i = 1; i < bits; i++) {
            temp[i - 1] = 1 << i;
        }
        int[] raw = new int[order];
        for (int m = 0; m < bits - 1; m++) {
            int step = 1 << (m + 1);
            raw[(1 << m) - 1] = 0;
            for (int i = m; i < bits - 1; i++) {
                int s = 1 << (i + 1);
                for (int j = (1 << m) - 1; j < s; j += step) {
                    raw[j + s] = raw[j] ^ temp[i];
                }
            }
            temp[m] = (modulus - log[mulLog(temp[m], log[temp[m] ^ 1])]) & modulus;
            for (int i = m + 1; i < bits - 1; i++) {
                int sum = addModPartial(log[temp[i] ^ 1], temp[m]);
                temp[i] = mulLog(temp[i], sum);
            }
        }
        for (int i = 0; i < modulus; i++) {
            skew[i] = log[raw[i]];
        }
    }

    /** a + b mod modulus, reduced only once (so the result may be modulus itself), like the reference. */
    private int addModPartial(int a, int b) {
        int sum = a + b;
        return (sum + (sum >>> bits)) & modulus;
    }

    /**
     * Where, inside one multiplier's FF16 tables, the 16 low bytes of the products of nibble s
     * are: the layout pairs tables so that a 64-lane kernel can look up a whole 64-byte block
     * (low plane in lanes 0-31, high plane in 32-63) with four 64-entry lookups.
     */
    private static final int[] FF16_LOW_AT = {0, 32, 64, 96};
    /** Same for the 16 high bytes of the products of nibble s. */
    private static final int[] FF16_HIGH_AT = {80, 112, 16, 48};

    /** For every logarithm l and nibble position s: the 16 products (x << 4s) * exp(l). */
    private void buildProductTables() {
        int nibbles = bits / 4;
        int[] products = new int[16];
        for (int l = 0; l < order; l++) {
            long base = (long) l * tableBytes;
            for (int s = 0; s < nibbles; s++) {
                // Products are linear in x: build the 16 entries from the four single-bit ones.
                for (int bit = 0; bit < 4; bit++) {
                    products[1 << bit] = mulLog(1 << (4 * s + bit), l);
                }
                for (int x = 1; x < 16; x++) {
                    int low = x & -x;
                    products[x] = products[low] ^ products[x ^ low];
                }
                for (int x = 0; x < 16; x++) {
                    if (bits == 8) {
                        tables.set(ValueLayout.JAVA_BYTE, base + s * 16L + x, (byte) products[x]);
                    } else {
                        tables.set(ValueLayout.JAVA_BYTE, base + lowTableAt(s) + x, (byte) products[x]);
                        tables.set(ValueLayout.JAVA_BYTE, base + highTableAt(s) + x, (byte) (products[x] >>> 8));
                    }
                }
            }
        }
    }

    /** FF16: offset, in one multiplier's tables, of the low bytes of nibble s's products. */
    public static int lowTableAt(int nibble) {
        return FF16_LOW_AT[nibble];
    }

    /** FF16: offset, in one multiplier's tables, of the high bytes of nibble s's products. */
    public static int highTableAt(int nibble) {
        return FF16_HIGH_AT[nibble];
    }

    /** a * exp(logB); 0 when a is 0. */
    public int mulLog(int a, int logB) {
        if (a == 0) {
            return 0;
        }
        return exp[(log[a] + logB) % modulus];
    }

    /** The logarithm of a non-zero element, in [0, modulus); {@link #modulus} for 0. */
    public int log(int a) {
        return log[a];
    }

    /** The element whose logarithm is {@code l} (l in [0, modulus]). */
    public int exp(int l) {
        return exp[l];
    }

    /** The FFT skew factor at {@code index}, as a logarithm ({@link #modulus} means zero). */
    public int skew(int index) {
        return skew[index];
    }

    /** The Walsh-Hadamard transform of the logarithm table (log[0] taken as 0), mod modulus. */
    int logWalsh(int index) {
        return logWalsh[index];
    }

    /**
     * In-place Walsh-Hadamard transform over the integers mod {@link #modulus}: butterflies
     * {a, b} -> {a + b, a - b}. Inputs and outputs are in [0, modulus).
     */
    void walshHadamard(int[] data) {
        int n = data.length;
        for (int dist = 1; dist < n; dist <<= 1) {
            for (int r = 0; r < n; r += 2 * dist) {
                for (int i = r; i < r + dist; i++) {
                    int a = data[i];
                    int b = data[i + dist];
                    int sum = a + b;
                    int dif = a - b;
                    data[i] = sum >= modulus ? sum - modulus : sum;
                    data[i + dist] = dif < 0 ? dif + modulus : dif;
                }
            }
        }
    }

    /**
     * Native product tables, {@link #tableBytes} per logarithm, 64-byte aligned. FF8: 16 products of
     * the low nibble, then 16 of the high nibble. FF16: eight 16-byte tables, the low and the high
     * bytes of the products of each of the symbol's four nibbles, at {@link #lowTableAt} and
     * {@link #highTableAt}.
     */
    public MemorySegment tables() {
        return tables;
    }
}
