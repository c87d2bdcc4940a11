package dev.erasure.api.stream;

/**
 * A deterministic object of any size, generated on the fly: byte p is a byte of splitmix64(seed + p/8).
 * Any range can be produced again for comparison, so neither side of a test ever holds the object.
 */
final class ObjectBytes {

    private final long seed;

    ObjectBytes(long seed) {
        this.seed = seed;
    }

    /** Writes the object's bytes [offset, offset + length) into {@code target[from..]}. */
    void fill(long offset, byte[] target, int from, int length) {
        long word = offset >>> 3;
        int shift = (int) (offset & 7);
        long value = mix(seed + word);
        for (int i = 0; i < length; i++) {
            target[from + i] = (byte) (value >>> (8 * shift));
            if (++shift == 8) {
                shift = 0;
                value = mix(seed + ++word);
            }
        }
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
