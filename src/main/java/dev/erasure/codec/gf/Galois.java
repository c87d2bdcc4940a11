package dev.erasure.codec.gf;

/**
 * Arithmetic in GF(2^8) with the reducing polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D) and
 * generator 2, the field of klauspost/reedsolomon, Backblaze JavaReedSolomon and ISA-L.
 *
 * <p>Addition is XOR. Multiplication uses logarithms: every non-zero element is 2^i for one
 * i in [0, 255), so a * b = 2^(log a + log b). The tables are built once, by repeated doubling
 * (shift left, and reduce by 0x11D when bit 8 is set), and never change; all methods are pure and
 * thread-safe. Bytes are passed as {@code int} in [0, 255].
 */
public final class Galois {

    /** The reducing polynomial, including the x^8 term. */
    public static final int POLYNOMIAL = 0x11D;

    private static final int[] LOG = new int[256];
    private static final int[] EXP = new int[510];
    private static final byte[][] MUL = new byte[256][256];

    static {
        int x = 1;
        for (int i = 0; i < 255; i++) {
            EXP[i] = x;
            EXP[i + 255] = x;
            LOG[x] = i;
            x <<= 1;
            if (x >= 256) {
                x ^= POLYNOMIAL;
            }
        }
        for (int a = 1; a < 256; a++) {
            for (int b = 1; b < 256; b++) {
                MUL[a][b] = (byte) EXP[LOG[a] + LOG[b]];
            }
        }
    }

    private Galois() {
    }

    /** a + b (and a - b): XOR. */
    public static int add(int a, int b) {
        return a ^ b;
    }

    /** a * b. */
    public static int multiply(int a, int b) {
        return MUL[a][b] & 0xFF;
    }

    /**
     * a / b.
     *
     * @throws ArithmeticException if b == 0
     */
    public static int divide(int a, int b) {
        if (b == 0) {
            throw new ArithmeticException("division by zero in GF(2^8)");
        }
        if (a == 0) {
            return 0;
        }
        return EXP[LOG[a] + 255 - LOG[b]];
    }

    /**
     * The multiplicative inverse 1 / a.
     *
     * @throws ArithmeticException if a == 0
     */
    public static int inverse(int a) {
        return divide(1, a);
    }

    /** a^n for n >= 0, with 0^0 = 1 (the convention of klauspost's galExp and Backblaze). */
    public static int power(int a, int n) {
        if (n == 0) {
            return 1;
        }
        if (a == 0) {
            return 0;
        }
        return EXP[(LOG[a] * n) % 255];
    }

    /**
     * The 256-byte row of products {@code c * x} for x = 0..255. The returned array is shared:
     * callers must not modify it.
     */
    public static byte[] multiplicationRow(int c) {
        return MUL[c];
    }
}
