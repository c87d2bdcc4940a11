package dev.erasure.buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * All native memory of the service: a global byte budget shared by every {@link JobArena}.
 * Thread-safe.
 *
 * <p>Memory comes from {@code java.lang.foreign} only, no malloc downcalls. Arenas carve segments from
 * native blocks (see {@link JobArena}); freed blocks are kept for reuse, up to a quarter of the budget
 * ({@link #bytesCached()}), so the steady state maps no new memory. Each arena also owns one
 * {@link java.lang.foreign.Arena#ofShared() shared Arena} used as the scope of its segments: freeing
 * the arena invalidates them, so an access after free throws instead of reading memory that another
 * job may own by then. The budget is a lock-free counter reserved before any block is taken: an
 * allocation that does not fit throws {@link MemoryBudgetExceededException} and allocates nothing.
 *
 * <p>Native memory held is at most the budget (blocks of open arenas) plus the cache (a quarter of
 * the budget).
 *
 * <p>Counters ({@link #bytesInUse()}, {@link #openArenas()}) are exact at quiescence; they are what
 * tests assert after every scenario and what {@code ops} exports as metrics.
 */
public final class NativeMemoryPool {

    private final long budgetBytes;
    private final boolean trackAllocations;
    private final boolean checkedSegments;
    private final AtomicLong bytesInUse = new AtomicLong();
    private final BlockCache cache;
    private final Set<JobArena> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param budgetBytes the most native bytes all arenas may hold at once (>= 1)
     * @param trackAllocations record the stack of each arena's opening, shown in leak reports
     *     ({@code erasure.buffer.track-allocations}); costly, for debugging
     * @throws IllegalArgumentException if {@code budgetBytes < 1}
     */
    public NativeMemoryPool(long budgetBytes, boolean trackAllocations) {
        this(budgetBytes, trackAllocations, true);
    }

    /**
     * @param checkedSegments true (the default of the other constructor): every arena's segments
     *     live in a shared scope of their own, so an access after the arena was freed throws. False:
     *     segments are plain slices of the pool's blocks, saving the thread handshake of closing a
     *     shared arena per job (measured 20-100 us, see docs/engine.md) — but an access after free is
     *     then NOT detected and may read or write memory that a later job owns. Only for services whose
     *     callers keep the release-in-finally discipline and that need small-job throughput.
     * @see #NativeMemoryPool(long, boolean)
     */
    public NativeMemoryPool(long budgetBytes, boolean trackAllocations, boolean checkedSegments) {
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("erasure.buffer.budget must be >= 1 byte (got " + budgetBytes + ")");
        }
        this.budgetBytes = budgetBytes;
        this.trackAllocations = trackAllocations;
        this.checkedSegments = checkedSegments;
        this.cache = new BlockCache(budgetBytes / 4);
    }

    /**
     * Opens an empty arena with reference count 1 (owned by the caller). Allocation, not opening,
     * is what charges the budget.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public JobArena open() {
        if (closed) {
            throw new IllegalStateException("native memory pool is closed");
        }
        JobArena arena = new JobArena(this, trackAllocations ? new Throwable("arena opened here") : null, checkedSegments);
        open.add(arena);
        if (closed) {
            // close() ran between the check and the add and may have missed this arena.
            arena.reclaim();
            throw new IllegalStateException("native memory pool is closed");
        }
        return arena;
    }

    /**
     * Native bytes currently held by open arenas (the metric {@code erasure_native_bytes_in_use}):
     * whole blocks, so at least the sum of their {@link JobArena#allocatedBytes()}. 0 when every
     * arena is freed.
     */
    public long bytesInUse() {
        return bytesInUse.get();
    }

    /** Idle native bytes kept for reuse by later arenas (not counted in {@link #bytesInUse()}). */
    public long bytesCached() {
        return cache.idleBytes();
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /** Whether arenas record the stack of their opening for leak reports. */
    public boolean tracksAllocations() {
        return trackAllocations;
    }

    /** Whether a segment access after free throws (see the three-argument constructor). */
    public boolean checksSegments() {
        return checkedSegments;
    }

    /** Arenas opened and not yet freed. */
    public int openArenas() {
        return open.size();
    }

    /**
     * Refuses new arenas, frees every arena still open regardless of its reference count, and
     * returns what was still held (empty when nothing leaked). Idempotent: a second call returns an
     * empty report.
     *
     * <p>Call it only after the workers have stopped: freeing an arena that a thread is still
     * reading makes that thread fail with {@link IllegalStateException}.
     */
    public LeakReport close() {
        closed = true;
        cache.close(); // blocks of arenas freed from now on are unmapped at once
        int arenas = 0;
        long bytes = 0;
        List<String> stacks = new ArrayList<>();
        for (JobArena arena : List.copyOf(open)) {
            long freed = arena.reclaim();
            if (freed < 0) {
                continue; // freed by its last release meanwhile
            }
            arenas++;
            bytes += freed;
            String stack = arena.openedAtStack();
            if (stack != null) {
                stacks.add(stack);
            }
        }
        cache.close();
        return new LeakReport(arenas, bytes, List.copyOf(stacks));
    }

    /** Charges a block of {@code size} bytes to the budget and takes it, or throws and takes nothing. */
    BlockCache.Block takeBlock(long size) {
        reserve(size);
        try {
            return cache.take(size);
        } catch (RuntimeException | OutOfMemoryError e) {
            unreserve(size);
            throw e;
        }
    }

    /** Charges {@code bytes} to the budget or throws, leaving the budget unchanged. */
    private void reserve(long bytes) {
        while (true) {
            long inUse = bytesInUse.get();
            if (bytes > budgetBytes - inUse) {
                throw new MemoryBudgetExceededException(bytes, inUse, budgetBytes);
            }
            if (bytesInUse.compareAndSet(inUse, inUse + bytes)) {
                return;
            }
        }
    }

    private void unreserve(long bytes) {
        bytesInUse.addAndGet(-bytes);
    }

    /** Called once per arena, after its segments were invalidated. */
    void arenaFreed(JobArena arena, long bytes, List<BlockCache.Block> blocks) {
        blocks.forEach(cache::give);
        bytesInUse.addAndGet(-bytes);
        open.remove(arena);
    }
}
