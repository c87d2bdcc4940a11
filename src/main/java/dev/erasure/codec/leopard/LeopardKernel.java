package dev.erasure.codec.leopard;

import java.lang.foreign.Arena;
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
     * {@code inOffset}, times exp({@code inLogs[i]}) when {@code inLogs} is non-null, or zeros
     * where {@code in[i]} is null. The default loads, then transforms; kernels may load block by
     * block so that the slots are written once.
     */
    default void ifft4Load(LeopardField field, MemorySegment[] in, int[] inLogs, long inOffset, MemorySegment work,
            long a, long b, long c, long d, long length, int logM01, int logM23, int logM02) {
        long[] slots = {a, b, c, d};
        for (int i = 0; i < 4; i++) {
            if (in[i] == null) {
                work.asSlice(slots[i], length).fill((byte) 0);
            } else if (inLogs == null) {
                MemorySegment.copy(in[i], inOffset, work, slots[i], length);
            } else {
                mul(field, work, slots[i], in[i], inOffset, length, inLogs[i]);
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

    /**
     * {@link #fft4}, then each slot's bytes written to {@code out[i]} at {@code outOffset} where
     * {@code out[i]} is non-null, times exp({@code outLogs[i]}) when {@code outLogs} is non-null:
     * the last step of an encode (the parity) or a decode (the lost data). The default writes
     * after the transform; kernels may write block by block while the bytes are in cache.
     */
    default void fft4Store(LeopardField field, MemorySegment work, long a, long b, long c, long d, long length,
            int logM01, int logM23, int logM02, MemorySegment[] out, int[] outLogs, long outOffset) {
        fft4(field, work, a, b, c, d, length, logM01, logM23, logM02);
        long[] slots = {a, b, c, d};
        for (int i = 0; i < 4; i++) {
            if (out[i] == null) {
                continue;
            }
            if (outLogs == null) {
                MemorySegment.copy(work, slots[i], out[i], outOffset, length);
            } else {
                mul(field, out[i], outOffset, work, slots[i], length, outLogs[i]);
            }
        }
    }

    /**
     * The whole FFT encode of a column range when the parity needs m = 2 or 4 slots, from the data
     * shards straight into the m outputs: data shard i ({@code in[i]} at {@code inOffset}; null, and
     * every position from {@code in.length} up to a multiple of m, reads as zeros) belongs to group
     * i / m; each group goes through an inverse FFT of size m with its own skew factors, the group
     * results are XORed together, and a forward FFT of size m of that sum is written to
     * {@code out[0..m-1]} at {@code outOffset}.
     *
     * <p>{@code logs} holds the multipliers (a value equal to {@link LeopardField#modulus} is a zero
     * skew factor: XOR only): for m = 4, three per group in the order of {@link #ifft4} (logM01,
     * logM23, logM02), then the three of the forward step ({@link #fft4}); for m = 2, one per group,
     * then the forward one. The default composes {@link #ifft4}, {@link #xor} and the two-slot
     * butterflies over a temporary area (the reference); kernels may instead keep a column block of
     * every slot in registers and cache, reading the data once and writing the parity once.
     */
    default void encodeSmall(LeopardField field, int m, MemorySegment[] in, long inOffset, MemorySegment[] out,
            long outOffset, long length, int[] logs) {
        if (m != 2 && m != 4) {
            throw new IllegalArgumentException("encodeSmall needs m = 2 or 4, got " + m);
        }
        int groups = (in.length + m - 1) / m;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment group = arena.allocate(m * length, 64);
            for (int g = 0; g < groups; g++) {
                for (int i = 0; i < m; i++) {
                    int shard = g * m + i;
                    if (shard >= in.length || in[shard] == null) {
                        group.asSlice(i * length, length).fill((byte) 0);
                    } else {
                        MemorySegment.copy(in[shard], inOffset, group, i * length, length);
                    }
                }
                if (m == 4) {
                    ifft4(field, group, 0, length, 2 * length, 3 * length, length, logs[3 * g], logs[3 * g + 1],
                            logs[3 * g + 2]);
                } else {
                    ifft2(field, group, 0, length, length, logs[g]);
                }
                for (int i = 0; i < m; i++) {
                    if (g == 0) {
                        MemorySegment.copy(group, i * length, out[i], outOffset, length);
                    } else {
                        xor(out[i], outOffset, group, i * length, length);
                    }
                }
            }
        }
        if (m == 4) {
            int f = 3 * groups;
            fft2(field, out[0], outOffset, out[2], outOffset, length, logs[f + 2]);
            fft2(field, out[1], outOffset, out[3], outOffset, length, logs[f + 2]);
            fft2(field, out[0], outOffset, out[1], outOffset, length, logs[f]);
            fft2(field, out[2], outOffset, out[3], outOffset, length, logs[f + 1]);
        } else {
            fft2(field, out[0], outOffset, out[1], outOffset, length, logs[groups]);
        }
    }

    /** An inverse butterfly of an FFT layer: XOR only when the skew is zero (logM = modulus). */
    private void ifft2(LeopardField field, MemorySegment work, long x, long y, long length, int logM) {
        ifft2(field, work, x, work, y, length, logM);
    }

    /** A forward butterfly of an FFT layer: XOR only when the skew is zero (logM = modulus). */
    private void fft2(LeopardField field, MemorySegment work, long x, long y, long length, int logM) {
        fft2(field, work, x, work, y, length, logM);
    }

    private void ifft2(LeopardField field, MemorySegment xs, long x, MemorySegment ys, long y, long length,
            int logM) {
        if (logM == field.modulus) {
            xor(ys, y, xs, x, length);
        } else {
            ifftButterfly(field, xs, x, ys, y, length, logM);
        }
    }

    private void fft2(LeopardField field, MemorySegment xs, long x, MemorySegment ys, long y, long length,
            int logM) {
        if (logM == field.modulus) {
            xor(ys, y, xs, x, length);
        } else {
            fftButterfly(field, xs, x, ys, y, length, logM);
        }
    }
}
