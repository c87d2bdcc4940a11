package dev.erasure.buffer;

/**
 * All native memory of the service: a global byte budget shared by every {@link JobArena}.
 * Thread-safe.
 *
 * <p>STUB: contract for the service (issue 3); implemented with the engine.
 */
public final class NativeMemoryPool {

    /**
     * @param budgetBytes the most native bytes all arenas may hold at once (>= 1)
     * @param trackAllocations record the stack of each arena's opening, shown in leak reports
     *     ({@code erasure.buffer.track-allocations}); costly, for debugging
     */
    public NativeMemoryPool(long budgetBytes, boolean trackAllocations) {
    }

    /**
     * Opens an empty arena with reference count 1 (owned by the caller). Allocation, not opening,
     * is what charges the budget.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public JobArena open() {
        throw new UnsupportedOperationException();
    }

    /** Native bytes currently allocated by open arenas (the metric {@code erasure_native_bytes_in_use}). */
    public long bytesInUse() {
        throw new UnsupportedOperationException();
    }

    public long budgetBytes() {
        throw new UnsupportedOperationException();
    }

    /** Arenas opened and not yet freed. */
    public int openArenas() {
        throw new UnsupportedOperationException();
    }

    /**
     * Refuses new arenas, frees every arena still open regardless of its reference count, and
     * returns what was still held (empty when nothing leaked). Idempotent.
     */
    public LeakReport close() {
        throw new UnsupportedOperationException();
    }
}
