package dev.erasure.buffer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * All native memory of the service: a global byte budget shared by every {@link JobArena}.
 * Thread-safe.
 *
 * <p>Memory comes from {@code java.lang.foreign} only, no malloc downcalls. Arenas carve segments from
 * native blocks (see {@link JobArena}); freed blocks are kept for reuse, up to a quarter of the budget
 * ({@link #bytesCached()}), so the steady state maps no new memory. The segments of an arena are
 * scoped by a {@link java.lang.foreign.Arena#ofShared() shared Arena} that it shares with the other
 * arenas of its generation ({@link SharedScopes}): a freed arena's blocks are parked, not reused,
 * until that scope is closed, so an access after free can never read or write memory that another
 * job owns, and throws once the scope is closed. The budget is a lock-free counter reserved before
 * any block is taken: an allocation that does not fit throws {@link MemoryBudgetExceededException}
 * and allocates nothing.
 *
 * <p>Native memory held is at most the budget (blocks of open arenas and parked blocks) plus the
 * cache (a quarter of the budget).
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
    private final SharedScopes scopes;
    private final ScheduledFuture<?> reaping;

    /**
     * A generation of arenas takes new ones for this long; idle ones are closed as often. Under load
     * a generation is sealed sooner, by its arena count or its parked bytes ({@link SharedScopes});
     * the age bounds how long a quiet service keeps freed memory parked and a stale access undetected.
     */
    static final Duration SCOPE_MAX_AGE = Duration.ofMillis(100);
    private static final System.Logger LOG = System.getLogger(NativeMemoryPool.class.getName());
    /** Closes the idle scope generations of every pool; one daemon thread for the process. */
    private static final ScheduledExecutorService REAPER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("erasure-scope-closer").factory());
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
     *     live in the shared scope of its generation, so an access after the arena was freed sees
     *     only its own old bytes and throws once the generation is closed. False: segments are plain
     *     slices of the pool's blocks, saving even the one thread handshake per generation — but an
     *     access after free is then NOT detected and may read or write memory that a later job owns.
     * @see #NativeMemoryPool(long, boolean)
     */
    public NativeMemoryPool(long budgetBytes, boolean trackAllocations, boolean checkedSegments) {
        this(budgetBytes, trackAllocations, checkedSegments, SCOPE_MAX_AGE);
    }

    /** With the age at which a scope generation stops taking arenas (tests use a long one to count handshakes). */
    NativeMemoryPool(long budgetBytes, boolean trackAllocations, boolean checkedSegments, Duration scopeMaxAge) {
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("erasure.buffer.budget must be >= 1 byte (got " + budgetBytes + ")");
        }
        this.budgetBytes = budgetBytes;
        this.trackAllocations = trackAllocations;
        this.checkedSegments = checkedSegments;
        this.cache = new BlockCache(budgetBytes / 4);
        // Of the default 512M: a generation seals once 32 MiB are parked in it, a job whose first
        // allocation is 8 MiB or more gets a scope of its own, and so does every job while 64 MiB
        // are parked in all. (Twice these limits halved the handshakes of 1 MiB requests but kept
        // twice the memory mapped under load: docs/benchmarks.md, row N9.)
        this.scopes = new SharedScopes(budgetBytes / 16, Math.max(budgetBytes / 64, BlockCache.MIN_BLOCK),
                budgetBytes / 8, scopeMaxAge.toNanos());
        this.reaping = checkedSegments ? REAPER.scheduleWithFixedDelay(this::closeIdleScopes,
                scopeMaxAge.toMillis(), scopeMaxAge.toMillis(), TimeUnit.MILLISECONDS) : null;
    }

    /**
     * Opens an empty arena with reference count 1 (owned by the caller). Allocation, not opening,
     * is what charges the budget.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public JobArena open() {
        return open(false);
    }

    /**
     * Like {@link #open()}, for an arena held for a long time (a streamed request): its segments get
     * a scope of their own, so that it does not keep the blocks of the short jobs of its generation
     * parked while it lives.
     */
    public JobArena openLongLived() {
        return open(true);
    }

    private JobArena open(boolean ownScope) {
        if (closed) {
            throw new IllegalStateException("native memory pool is closed");
        }
        JobArena arena = new JobArena(this, trackAllocations ? new Throwable("arena opened here") : null, checkedSegments,
                ownScope);
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

    /**
     * Native bytes of freed arenas whose scope generation is not closed yet (the metric
     * {@code erasure_native_bytes_parked}): not reusable yet, counted against the budget, back to 0
     * within about {@link #SCOPE_MAX_AGE} of the last arena's release when the service is quiet.
     */
    public long bytesParked() {
        return scopes.parkedBytes();
    }

    /** Scope generations closed so far: one thread handshake each (the metric {@code erasure_native_scope_closes_total}). */
    public long scopeCloses() {
        return scopes.closes();
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
        if (reaping != null) {
            reaping.cancel(false);
        }
        scopes.close();
        try {
            closeScopes(scopes.takeClosable(System.nanoTime(), true));
        } catch (IllegalStateException inUse) {
            // those blocks stay mapped and out of the cache; closeScope() accounted them
        }
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
            long parked = scopes.parkedBytes();
            if (bytes > budgetBytes - inUse - parked) {
                // Parked blocks count: let them go back as soon as their generation's arenas are freed.
                scopes.sealCurrent();
                throw new MemoryBudgetExceededException(bytes, inUse + parked, budgetBytes);
            }
            if (bytesInUse.compareAndSet(inUse, inUse + bytes)) {
                return;
            }
        }
    }

    private void unreserve(long bytes) {
        bytesInUse.addAndGet(-bytes);
    }

    /** The generation whose scope the segments of an arena with this first allocation get. */
    SharedScopes.Generation joinScope(long firstBytes) {
        return scopes.join(firstBytes, System.nanoTime());
    }

    /**
     * Called once per arena when it is freed, with its generation (null when unchecked or nothing
     * was allocated): the blocks are parked until the generation is sealed and its last arena freed,
     * then its scope is closed and the parked blocks go back to the cache and the budget.
     *
     * @throws IllegalStateException if the scope could not be closed because a thread is still
     *     inside a native call on one of its segments: its blocks then stay mapped (never reuse
     *     memory that may be read) and are accounted as gone
     */
    void arenaFreed(JobArena arena, SharedScopes.Generation generation, long bytes, List<BlockCache.Block> blocks) {
        open.remove(arena);
        if (generation == null) {
            blocks.forEach(cache::give);
            bytesInUse.addAndGet(-bytes);
            return;
        }
        boolean last = scopes.leave(generation, blocks, bytes); // parked before leaving "in use"
        bytesInUse.addAndGet(-bytes);
        if (last) {
            closeScope(generation);
        }
    }

    /**
     * Seals the current scope generation and closes every generation without a live arena, so that
     * all parked blocks go back now (tests; the reaper does it every {@link #SCOPE_MAX_AGE}).
     */
    void settleScopes() {
        closeScopes(scopes.takeClosable(System.nanoTime(), true));
    }

    private void closeIdleScopes() {
        try {
            closeScopes(scopes.takeClosable(System.nanoTime(), false));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "closing idle native memory scopes failed; their blocks stay mapped", e);
        }
    }

    private void closeScopes(List<SharedScopes.Generation> generations) {
        RuntimeException failure = null;
        for (SharedScopes.Generation generation : generations) {
            try {
                closeScope(generation);
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Closes a generation's scope (one thread handshake), then gives its parked blocks back. If a
     * thread is still inside a native call on one of its segments, the blocks stay mapped (never
     * reuse memory that may be read) and are accounted as gone.
     */
    private void closeScope(SharedScopes.Generation generation) {
        try {
            generation.scope.close();
        } catch (IllegalStateException e) {
            scopes.closed(generation);
            throw e;
        }
        generation.parked.forEach(cache::give);
        scopes.closed(generation);
    }
}
