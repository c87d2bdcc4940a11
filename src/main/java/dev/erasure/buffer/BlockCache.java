package dev.erasure.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;

/**
 * Native blocks that arenas carve their segments from, and the idle ones kept for reuse.
 *
 * <p>Why: a fresh native allocation of a large block is an {@code mmap} whose pages fault in on
 * first touch, and freeing it is an {@code munmap}; per job that cost more than encoding the stripe
 * (docs/engine.md, "Measurements"). Reused blocks are already mapped.
 *
 * <p>Blocks have power-of-two sizes from {@link #MIN_BLOCK} to {@link #MAX_CACHED_BLOCK}; larger
 * requests get an exact-size block that is never cached. Each block is allocated in an
 * {@link Arena#ofShared()} of its own, closed only when the block is evicted, so the rare eviction
 * is the only place that pays for closing a shared arena. Idle blocks are kept up to
 * {@code limitBytes} in total; beyond that a returned block is freed at once. Thread-safe (one lock;
 * each call touches one block).
 */
final class BlockCache {

    /** Smallest block: one small job's shards fit in it. */
    static final long MIN_BLOCK = 16 * 1024;
    /** Largest block kept for reuse (2^26 = 64 MiB). */
    static final long MAX_CACHED_BLOCK = 64L << 20;
    private static final int CLASSES = Long.numberOfTrailingZeros(MAX_CACHED_BLOCK) - Long.numberOfTrailingZeros(MIN_BLOCK) + 1;

    /** One native block; {@code zeroed} is true until it has been handed out once. */
    static final class Block {
        final Arena owner;
        final MemorySegment memory;
        boolean zeroed = true;

        Block(Arena owner, MemorySegment memory) {
            this.owner = owner;
            this.memory = memory;
        }

        long size() {
            return memory.byteSize();
        }
    }

    private final long limitBytes;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Block>[] idle = new ArrayDeque[CLASSES];
    private long idleBytes;
    private boolean closed;

    BlockCache(long limitBytes) {
        this.limitBytes = limitBytes;
        for (int i = 0; i < CLASSES; i++) {
            idle[i] = new ArrayDeque<>();
        }
    }

    /** The size of block to take for a segment of {@code bytes} when the previous block had {@code previous}. */
    static long blockSize(long bytes, long previous) {
        long wanted = Math.max(bytes, Math.min(previous * 2, 4L << 20));
        if (wanted > MAX_CACHED_BLOCK) {
            return JobArena.alignUp(wanted);
        }
        return Math.max(MIN_BLOCK, Long.highestOneBit(wanted - 1) << 1);
    }

    /** A block of exactly {@code size} bytes (a size from {@link #blockSize}), reused when one is idle. */
    Block take(long size) {
        synchronized (this) {
            int index = classIndex(size);
            if (index >= 0 && !idle[index].isEmpty()) {
                idleBytes -= size;
                return idle[index].pop();
            }
        }
        Arena owner = Arena.ofShared();
        try {
            return new Block(owner, owner.allocate(size, JobArena.ALIGNMENT));
        } catch (RuntimeException | OutOfMemoryError e) {
            owner.close();
            throw e;
        }
    }

    /**
     * Takes back a block no segment refers to any more; keeps it if there is room, else frees it.
     * When the cache is full but holds an idle block of a larger class, that block is freed instead
     * (the smallest such one): freeing any block costs a thread handshake (its shared arena), and one
     * big block makes room for many small ones. Without this, a cache filled with the blocks of a
     * burst of big jobs made every later small job free its block, one handshake per job
     * (docs/engine.md, "Cache eviction").
     */
    void give(Block block) {
        int index = classIndex(block.size());
        Block evicted = null;
        synchronized (this) {
            if (!closed && index >= 0) {
                if (idleBytes + block.size() > limitBytes) {
                    evicted = takeLarger(index);
                }
                if (idleBytes + block.size() <= limitBytes) {
                    block.zeroed = false;
                    idle[index].push(block);
                    idleBytes += block.size();
                    block = null;
                }
            }
        }
        if (evicted != null) {
            evicted.owner.close();
        }
        if (block != null) {
            block.owner.close();
        }
    }

    /** Removes an idle block of the smallest class above {@code index}, or returns null. Holds the lock. */
    private Block takeLarger(int index) {
        for (int larger = index + 1; larger < CLASSES; larger++) {
            if (!idle[larger].isEmpty()) {
                Block block = idle[larger].pollLast(); // the least recently given back
                idleBytes -= block.size();
                return block;
            }
        }
        return null;
    }

    /** Idle blocks of exactly {@code size} bytes (tests). */
    synchronized int idleBlocks(long size) {
        int index = classIndex(size);
        return index < 0 ? 0 : idle[index].size();
    }

    synchronized long idleBytes() {
        return idleBytes;
    }

    /** Frees every idle block; blocks given back later are freed at once. Idempotent. */
    void close() {
        ArrayDeque<Block> evicted = new ArrayDeque<>();
        synchronized (this) {
            closed = true;
            for (ArrayDeque<Block> list : idle) {
                evicted.addAll(list);
                list.clear();
            }
            idleBytes = 0;
        }
        evicted.forEach(block -> block.owner.close());
    }

    private static int classIndex(long size) {
        if (size > MAX_CACHED_BLOCK || Long.bitCount(size) != 1 || size < MIN_BLOCK) {
            return -1;
        }
        return Long.numberOfTrailingZeros(size) - Long.numberOfTrailingZeros(MIN_BLOCK);
    }
}
