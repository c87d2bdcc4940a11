package dev.erasure.codec;

import dev.erasure.codec.kernel.Kernel;

/**
 * A bounded, thread-safe cache of {@link ReedSolomon} instances by (kind, dataShards, parityShards),
 * all on one kernel. Building a code computes its matrices, so repeated shapes reuse them.
 *
 * <p>STUB until the codec engine lands (issue 2).
 */
public final class Codecs {

    /** @param capacity how many shapes to keep (>= 1); the least recently used is dropped */
    public Codecs(Kernel kernel, int capacity) {
    }

    /** @throws InvalidShapeException for an out-of-range shape */
    public ReedSolomon get(CodecKind kind, int dataShards, int parityShards) {
        throw new UnsupportedOperationException("codec engine not implemented yet");
    }

    public Kernel kernel() {
        throw new UnsupportedOperationException();
    }
}
