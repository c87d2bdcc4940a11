package dev.erasure.codec.leopard;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Native work areas for {@link LeopardEngine}, reused because allocating (and zeroing) one per
 * call costs as much as coding a small stripe. Areas are fully overwritten before being read, so
 * stale bytes never matter.
 *
 * <ul>
 *   <li>Up to {@link #PER_THREAD_BYTES}: one area per thread, kept for the thread's life (the
 *       service codes on a fixed pool of worker threads).</li>
 *   <li>Larger (very large shapes, up to 64 MiB at 65536 shards): one shared area for the whole
 *       JVM, lent to one call at a time; a call that finds it lent allocates its own area and
 *       frees it on return.</li>
 * </ul>
 */
final class WorkAreas {

    /** Largest area kept per thread. */
    static final long PER_THREAD_BYTES = LeopardEngine.WORK_BUDGET + (64L << 10);

    private static final ThreadLocal<MemorySegment> PER_THREAD = new ThreadLocal<>();
    private static final ReentrantLock SHARED_LOCK = new ReentrantLock();
    private static MemorySegment shared;

    private WorkAreas() {
    }

    /** A lent work area; {@link #close()} gives it back (or frees it). */
    static final class Lease implements AutoCloseable {
        private final MemorySegment segment;
        private final Arena own;
        private final boolean sharedLent;

        private Lease(MemorySegment segment, Arena own, boolean sharedLent) {
            this.segment = segment;
            this.own = own;
            this.sharedLent = sharedLent;
        }

        /** At least the requested bytes, 64-byte aligned. */
        MemorySegment segment() {
            return segment;
        }

        @Override
        public void close() {
            if (own != null) {
                own.close();
            }
            if (sharedLent) {
                SHARED_LOCK.unlock();
            }
        }
    }

    /** Lends a work area of at least {@code bytes}. */
    static Lease lend(long bytes) {
        if (bytes <= PER_THREAD_BYTES) {
            MemorySegment cached = PER_THREAD.get();
            if (cached == null) {
                cached = Arena.ofAuto().allocate(PER_THREAD_BYTES, 64);
                PER_THREAD.set(cached);
            }
            return new Lease(cached, null, false);
        }
        if (SHARED_LOCK.tryLock()) {
            if (shared == null || shared.byteSize() < bytes) {
                shared = Arena.ofAuto().allocate(bytes, 64);
            }
            return new Lease(shared, null, true);
        }
        Arena arena = Arena.ofConfined();
        return new Lease(arena.allocate(bytes, 64), arena, false);
    }
}
