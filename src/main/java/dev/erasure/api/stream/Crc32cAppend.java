package dev.erasure.api.stream;

/**
 * Combines CRC-32C values of consecutive pieces of equal length without reading the bytes again: the
 * CRC of {@code A + B} is {@code shift(crc(A)) ^ crc(B)}, where {@code shift} appends {@code length}
 * zero bits to a CRC state (a linear map over GF(2), the method of zlib's {@code crc32_combine}, here
 * with the Castagnoli polynomial). Used to give the CRC-32C of a whole shard from the CRCs of its
 * cells, computed once per cell on the workers. Immutable, thread-safe.
 */
final class Crc32cAppend {

    /** CRC-32C's polynomial, bit-reflected (as java.util.zip.CRC32C uses it). */
    private static final int POLY = 0x82F63B78;

    /** Column n: the image of bit n under "append length bytes". */
    private final int[] shift;

    /** @param length the byte length of every appended piece, >= 1 */
    Crc32cAppend(long length) {
        if (length < 1) {
            throw new IllegalArgumentException("length must be >= 1 (got " + length + ")");
        }
        int[] odd = new int[32];
        int[] even = new int[32];
        odd[0] = POLY; // one zero bit
        for (int n = 1; n < 32; n++) {
            odd[n] = 1 << (n - 1);
        }
        square(even, odd); // two zero bits
        square(odd, even); // four zero bits
        int[] total = new int[32];
        for (int n = 0; n < 32; n++) {
            total[n] = 1 << n; // identity
        }
        long left = length;
        while (true) {
            square(even, odd); // 8, 32, 128... zero bits: one, four, sixteen... bytes
            if ((left & 1) != 0) {
                compose(even, total);
            }
            left >>>= 1;
            if (left == 0) {
                break;
            }
            square(odd, even);
            if ((left & 1) != 0) {
                compose(odd, total);
            }
            left >>>= 1;
            if (left == 0) {
                break;
            }
        }
        this.shift = total;
    }

    /** The CRC-32C of the bytes behind {@code crcBefore} followed by a piece of the length given at construction. */
    int append(int crcBefore, int crcOfPiece) {
        return times(shift, crcBefore) ^ crcOfPiece;
    }

    private static int times(int[] matrix, int vector) {
        int sum = 0;
        for (int n = 0; vector != 0; n++, vector >>>= 1) {
            if ((vector & 1) != 0) {
                sum ^= matrix[n];
            }
        }
        return sum;
    }

    private static void square(int[] square, int[] matrix) {
        for (int n = 0; n < 32; n++) {
            square[n] = times(matrix, matrix[n]);
        }
    }

    /** total = operator after total. */
    private static void compose(int[] operator, int[] total) {
        for (int n = 0; n < 32; n++) {
            total[n] = times(operator, total[n]);
        }
    }
}
