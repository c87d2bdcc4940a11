package dev.erasure.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The native memory of one job: bump allocation, freed all at once when the last reference is
 * released. Reference counted in the style of Netty: the HTTP side holds one reference, the worker
 * another ({@link #retain()} before hand-off); "the party that touches it last frees it".
 *
 * <p>Ownership rules, enforced by this class:
 * <ul>
 *   <li>An arena starts with one reference, owned by whoever called {@link NativeMemoryPool#open()}.</li>
 *   <li>{@link #release()} returns true only for the call that freed the memory. A release after that
 *       (double release), a {@link #retain()} or an {@link #allocate(long)} throws
 *       {@link IllegalStateException}.</li>
 *   <li>Every segment handed out is bound to a shared {@link Arena} of this job: once the memory is
 *       freed, any access to such a segment throws {@link IllegalStateException} instead of reading
 *       freed memory (use after free cannot corrupt the process).</li>
 *   <li>{@link NativeMemoryPool#close()} frees arenas still open whatever their count ("reclaims" them,
 *       reported as a leak). A later {@link #release()} of a reclaimed arena is then a harmless no-op
 *       returning false, so that late HTTP callbacks at shutdown do not fail.</li>
 * </ul>
 *
 * <p>Each allocation is charged to the pool's budget at its size rounded up to a multiple of 64
 * bytes (the alignment), which is also what {@link #allocatedBytes()} counts.
 *
 * <p>Thread-safe: allocation and freeing are serialised by the arena's monitor; the reference count is
 * a lock-free counter.
 */
public final class JobArena {

    /** Alignment of every segment: a cache line, and the widest vector load of AVX-512. */
    public static final long ALIGNMENT = 64;

    private final NativeMemoryPool pool;
    private final Throwable openedAt;
    private final AtomicInteger refCount = new AtomicInteger(1);
    /** Guarded by {@code this}; null once freed. */
    private Arena memory;
    /** Guarded by {@code this}. */
    private long allocatedBytes;
    /** Set when the pool freed this arena at close while references were still held. */
    private volatile boolean reclaimed;

    JobArena(NativeMemoryPool pool, Throwable openedAt) {
        this.pool = pool;
        this.openedAt = openedAt;
        this.memory = Arena.ofShared();
    }

    /**
     * Allocates {@code bytes} zeroed bytes, 64-byte aligned, charging the pool's budget.
     * Thread-safe. The segment is valid until the arena is freed; accessing it afterwards throws
     * {@link IllegalStateException}.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     * @throws MemoryBudgetExceededException if the budget cannot cover it (nothing is allocated)
     * @throws IllegalStateException if the arena was already freed
     */
    public MemorySegment allocate(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0 (got " + bytes + ")");
        }
        long charged = alignUp(bytes);
        synchronized (this) {
            Arena arena = liveMemory();
            pool.reserve(charged);
            try {
                MemorySegment segment = arena.allocate(charged, ALIGNMENT).asSlice(0, bytes);
                allocatedBytes += charged;
                return segment;
            } catch (RuntimeException | OutOfMemoryError e) {
                pool.unreserve(charged);
                throw e;
            }
        }
    }

    /** Bytes allocated from this arena so far (each allocation rounded up to 64); 0 once freed. */
    public synchronized long allocatedBytes() {
        return allocatedBytes;
    }

    /**
     * Adds a reference, to be dropped with {@link #release()} by its new holder. Thread-safe.
     *
     * @return this arena
     * @throws IllegalStateException if the arena was already freed (use after free)
     */
    public JobArena retain() {
        while (true) {
            int count = refCount.get();
            if (count <= 0 || reclaimed) {
                throw freed("retain");
            }
            if (refCount.compareAndSet(count, count + 1)) {
                return this;
            }
        }
    }

    /**
     * Drops a reference; frees the memory and returns true when it was the last. Thread-safe; call it
     * in a {@code finally}.
     *
     * @return true if this call freed the memory, false if references remain (or the pool already
     *     reclaimed the arena at close)
     * @throws IllegalStateException on a release after the memory was freed (double release)
     */
    public boolean release() {
        while (true) {
            int count = refCount.get();
            if (count <= 0) {
                throw freed("release");
            }
            if (refCount.compareAndSet(count, count - 1)) {
                if (count - 1 > 0 || reclaimed) {
                    return false;
                }
                return free() >= 0;
            }
        }
    }

    /** References held now; 0 once freed by the last release. */
    public int refCount() {
        return Math.max(refCount.get(), 0);
    }

    /** True until the memory is freed (by the last release or by the pool's close). */
    public synchronized boolean isLive() {
        return memory != null;
    }

    /**
     * Frees the memory whatever the reference count; used by the pool's close.
     *
     * @return the bytes freed, or -1 if the arena had already been freed
     */
    synchronized long reclaim() {
        if (memory == null) {
            return -1;
        }
        reclaimed = true;
        return free();
    }

    /** Stack trace of the {@link NativeMemoryPool#open()} call, when tracking was on; else null. */
    String openedAtStack() {
        if (openedAt == null) {
            return null;
        }
        var out = new java.io.StringWriter();
        openedAt.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    private synchronized long free() {
        Arena arena = memory;
        if (arena == null) {
            return -1;
        }
        memory = null;
        long bytes = allocatedBytes;
        allocatedBytes = 0;
        try {
            arena.close();
        } finally {
            pool.arenaFreed(this, bytes);
        }
        return bytes;
    }

    private Arena liveMemory() {
        if (memory == null || refCount.get() <= 0) {
            throw freed("allocate");
        }
        return memory;
    }

    private IllegalStateException freed(String action) {
        return new IllegalStateException("cannot " + action + ": arena already freed"
                + (reclaimed ? " by the pool's close" : " (refCount 0)"));
    }

    static long alignUp(long bytes) {
        return (bytes + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
