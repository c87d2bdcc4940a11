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
}
