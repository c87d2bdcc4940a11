package dev.erasure.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
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
 *   <li>Every segment handed out is bound to a shared {@link Arena} that this job shares with the
 *       jobs of its generation ({@link SharedScopes}): once the memory is freed, an access to such a
 *       segment reads only this job's old bytes until the last job of the generation is freed, and
 *       throws {@link IllegalStateException} from then on; the memory is not reused before that (use
 *       after free cannot corrupt another job or the process). A pool built with
 *       {@code checkedSegments = false} skips this scope, and with it the detection.</li>
 *   <li>{@link NativeMemoryPool#close()} frees arenas still open whatever their count ("reclaims" them,
 *       reported as a leak). A later {@link #release()} of a reclaimed arena is then a harmless no-op
 *       returning false, so that late HTTP callbacks at shutdown do not fail.</li>
 * </ul>
 *
 * <p>Memory: segments are bump-allocated (each rounded up to 64 bytes) from native blocks that the
 * arena takes from its pool; block sizes grow geometrically (16 KiB up to 4 MiB steps, powers of two),
 * so a stripe of many shards needs few blocks. The pool's budget is charged for whole blocks, which
 * is the native memory really held ({@link NativeMemoryPool#bytesInUse()}); {@link #allocatedBytes()}
 * counts the segments handed out. When the arena is freed its blocks go back to the pool for reuse.
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
    private final boolean checkedSegments;
    /** A long-lived arena: its segments get a scope generation of their own ({@link NativeMemoryPool#openLongLived()}). */
    private final boolean ownScope;
    /**
     * Guarded by {@code this}: the generation whose scope every segment has; set by the first
     * allocation, null when unchecked or nothing was allocated yet.
     */
    private SharedScopes.Generation generation;
    /** Guarded by {@code this}. */
    private boolean live = true;
    /** Guarded by {@code this}: blocks held, the last one being carved. */
    private final List<BlockCache.Block> blocks = new ArrayList<>(4);
    private long offsetInLast;
    private long allocatedBytes;
    private long heldBytes;
    /** Set when the pool freed this arena at close while references were still held. */
    private volatile boolean reclaimed;

    JobArena(NativeMemoryPool pool, Throwable openedAt, boolean checkedSegments) {
        this(pool, openedAt, checkedSegments, false);
    }

    JobArena(NativeMemoryPool pool, Throwable openedAt, boolean checkedSegments, boolean ownScope) {
        this.pool = pool;
        this.openedAt = openedAt;
        this.checkedSegments = checkedSegments;
        this.ownScope = ownScope;
    }

    /**
     * Allocates {@code bytes} zeroed bytes, 64-byte aligned, charging the pool's budget when a new
     * block is needed. Thread-safe. The segment is valid until the arena is freed; accessing it
     * afterwards throws {@link IllegalStateException}.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     * @throws MemoryBudgetExceededException if the budget cannot cover the block needed (nothing is
     *     allocated; its {@code requested()} is the block size)
     * @throws IllegalStateException if the arena was already freed
     */
    public MemorySegment allocate(long bytes) {
        return allocate(bytes, true);
    }

    /**
     * Like {@link #allocate(long)} but the bytes are NOT zeroed: they may hold data of an earlier job.
     * Only for callers that overwrite every byte before anyone reads it (a request body read in
     * full, a codec output). Saves a memset of the segment.
     */
    public MemorySegment allocateUninitialized(long bytes) {
        return allocate(bytes, false);
    }

    private synchronized MemorySegment allocate(long bytes, boolean zero) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0 (got " + bytes + ")");
        }
        checkLive("allocate");
        long charged = alignUp(bytes);
        if (checkedSegments && generation == null) {
            generation = pool.joinScope(ownScope ? Long.MAX_VALUE : charged);
        }
        Arena scope = generation == null ? null : generation.scope;
        if (charged == 0) {
            return scope == null ? MemorySegment.NULL : MemorySegment.NULL.reinterpret(scope, null);
        }
        BlockCache.Block block = blocks.isEmpty() ? null : blocks.getLast();
        if (block == null || block.size() - offsetInLast < charged) {
            long previous = block == null ? 0 : block.size();
            block = pool.takeBlock(BlockCache.blockSize(charged, previous));
            blocks.add(block);
            heldBytes += block.size();
            offsetInLast = 0;
        }
        MemorySegment segment = block.memory.asSlice(offsetInLast, bytes);
        if (scope != null) {
            segment = segment.reinterpret(scope, null);
        }
        if (zero && !block.zeroed) {
            segment.fill((byte) 0);
        }
        offsetInLast += charged;
        allocatedBytes += charged;
        return segment;
    }

    /** Bytes of the segments allocated from this arena so far (each rounded up to 64); 0 once freed. */
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
        return live;
    }

    /**
     * Frees the memory whatever the reference count; used by the pool's close. If a thread is still
     * inside a native call on one of the segments, the blocks stay mapped (never reused) and are
     * still counted as freed.
     *
     * @return the bytes freed, or -1 if the arena had already been freed
     */
    synchronized long reclaim() {
        if (!live) {
            return -1;
        }
        reclaimed = true;
        long bytes = heldBytes;
        try {
            free();
        } catch (IllegalStateException inUse) {
            // the blocks stay mapped and out of the cache; free() already accounted them
        }
        return bytes;
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

    /**
     * Gives the blocks back to the pool, which parks them in this arena's generation until its scope
     * is closed (see {@link SharedScopes}). Returns the bytes freed, or -1 if already freed.
     *
     * @throws IllegalStateException if closing the generation's scope found a thread still inside a
     *     native call on one of its segments (its blocks then stay mapped and are never reused)
     */
    private synchronized long free() {
        if (!live) {
            return -1;
        }
        live = false;
        long bytes = heldBytes;
        List<BlockCache.Block> returned = List.copyOf(blocks);
        blocks.clear();
        heldBytes = 0;
        allocatedBytes = 0;
        pool.arenaFreed(this, generation, bytes, returned);
        return bytes;
    }

    private void checkLive(String action) {
        if (!live || refCount.get() <= 0) {
            throw freed(action);
        }
    }

    private IllegalStateException freed(String action) {
        return new IllegalStateException("cannot " + action + ": arena already freed"
                + (reclaimed ? " by the pool's close" : " (refCount 0)"));
    }

    static long alignUp(long bytes) {
        return (bytes + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
