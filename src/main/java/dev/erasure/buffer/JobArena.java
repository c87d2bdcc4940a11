package dev.erasure.buffer;

import java.lang.foreign.MemorySegment;

/**
 * The native memory of one job: bump allocation, freed all at once when the last reference is
 * released. Reference counted in the style of Netty: the HTTP side holds one reference, the worker
 * another ({@link #retain()} before hand-off); "the party that touches it last frees it".
 *
 * <p>STUB: contract for the service (issue 3); implemented with the engine.
 */
public final class JobArena {

    private JobArena() {
    }

    /**
     * Allocates {@code bytes} zeroed bytes, 64-byte aligned, charging the pool's budget.
     * Thread-safe. The segment is valid until the arena is freed.
     *
     * @throws MemoryBudgetExceededException if the budget cannot cover it (nothing is allocated)
     * @throws IllegalStateException if the arena was already freed
     */
    public MemorySegment allocate(long bytes) {
        throw new UnsupportedOperationException();
    }

    /** Bytes allocated from this arena so far. */
    public long allocatedBytes() {
        throw new UnsupportedOperationException();
    }

    /**
     * Adds a reference.
     *
     * @throws IllegalStateException if the arena was already freed (use after free)
     */
    public JobArena retain() {
        throw new UnsupportedOperationException();
    }

    /**
     * Drops a reference; frees the memory and returns true when it was the last.
     *
     * @throws IllegalStateException on a release after the memory was freed (double release)
     */
    public boolean release() {
        throw new UnsupportedOperationException();
    }

    public int refCount() {
        throw new UnsupportedOperationException();
    }
}
