package dev.erasure.codec.leopard;

import java.lang.foreign.MemorySegment;

/**
 * The memory operations of Leopard-RS: XOR and the FFT butterflies' multiply-and-add, over
 * {@code length} bytes at byte offsets of two segments. Lengths and offsets are multiples of 64;
 * in GF(2^16) each 64-byte block holds 32 symbols, low bytes in bytes 0-31 and high bytes in 32-63.
 * Multipliers are logarithms (see {@link LeopardField}); every method here multiplies, the callers
 * skip the multiplication when a skew factor is zero.
 *
 * <p>Implementations are stateless and thread-safe; {@code x} and {@code y} never overlap.
 */
public interface LeopardKernel {

    /** A short name for logs and benchmarks ("scalar", "vector"). */
    String name();

    /** x ^= y. */
    void xor(MemorySegment x, long xOffset, MemorySegment y, long yOffset, long length);

    /** x = y * exp(logM). */
    void mul(LeopardField field, MemorySegment x, long xOffset, MemorySegment y, long yOffset, long length, int logM);

    /** FFT butterfly: x ^= y * exp(logM), then y ^= x. */
    void fftButterfly(LeopardField field, MemorySegment x, long xOffset, MemorySegment y, long yOffset, long length,
            int logM);

    /** Inverse FFT butterfly: y ^= x, then x ^= y * exp(logM). */
    void ifftButterfly(LeopardField field, MemorySegment x, long xOffset, MemorySegment y, long yOffset, long length,
            int logM);

    /**
     * Two inverse FFT layers over four slots of {@code work} (s0..s3 at byte offsets a, b, c, d), in
     * one pass: the inverse butterflies (s0, s1) by logM01 and (s2, s3) by logM23, then (s0, s2) and
     * (s1, s3) by logM02. Unlike the two-slot methods, a multiplier equal to {@link
     * LeopardField#modulus} means a zero skew factor here: that butterfly only XORs. The default
     * composes the two-slot butterflies (the reference); kernels may fuse them so that each byte
     * of the four slots is loaded and stored once instead of twice.
     */
    default void ifft4(LeopardField field, MemorySegment work, long a, long b, long c, long d, long length,
            int logM01, int logM23, int logM02) {
        ifft2(field, work, a, b, length, logM01);
        ifft2(field, work, c, d, length, logM23);
        ifft2(field, work, a, c, length, logM02);
        ifft2(field, work, b, d, length, logM02);
    }

    /**
     * {@link #ifft4} on the four slots after loading them: slot i gets {@code in[i]}'s bytes at
     * {@code inOffset}, or zeros where {@code in[i]} is null. The default copies, then transforms;
     * kernels may load block by block so that the slots are written once.
     */
    default void ifft4Load(LeopardField field, MemorySegment[] in, long inOffset, MemorySegment work, long a, long b,
            long c, long d, long length, int logM01, int logM23, int logM02) {
        long[] slots = {a, b, c, d};
        for (int i = 0; i < 4; i++) {
            if (in[i] == null) {
                work.asSlice(slots[i], length).fill((byte) 0);
            } else {
                MemorySegment.copy(in[i], inOffset, work, slots[i], length);
            }
        }
        ifft4(field, work, a, b, c, d, length, logM01, logM23, logM02);
    }

    /**
     * Two forward FFT layers over four slots, the mirror of {@link #ifft4}: the butterflies
     * (s0, s2) and (s1, s3) by logM02, then (s0, s1) by logM01 and (s2, s3) by logM23; a
     * multiplier equal to {@link LeopardField#modulus} means a zero skew factor (XOR only).
     */
    default void fft4(LeopardField field, MemorySegment work, long a, long b, long c, long d, long length,
            int logM01, int logM23, int logM02) {
        fft2(field, work, a, c, length, logM02);
        fft2(field, work, b, d, length, logM02);
        fft2(field, work, a, b, length, logM01);
        fft2(field, work, c, d, length, logM23);
    }

    /** An inverse butterfly of an FFT layer: XOR only when the skew is zero (logM = modulus). */
    private void ifft2(LeopardField field, MemorySegment work, long x, long y, long length, int logM) {
        if (logM == field.modulus) {
            xor(work, y, work, x, length);
        } else {
            ifftButterfly(field, work, x, work, y, length, logM);
        }
    }

    /** A forward butterfly of an FFT layer: XOR only when the skew is zero (logM = modulus). */
    private void fft2(LeopardField field, MemorySegment work, long x, long y, long length, int logM) {
        if (logM == field.modulus) {
            xor(work, y, work, x, length);
        } else {
            fftButterfly(field, work, x, work, y, length, logM);
        }
    }
}
