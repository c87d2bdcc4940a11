package dev.erasure.ops;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Whether the Java heap is exhausted, for readiness: a service whose heap is full answers nothing
 * useful (every request may fail with {@code OutOfMemoryError}), so load balancers must stop sending
 * to it until it recovers. The heap counts as exhausted when an {@code OutOfMemoryError} was reported
 * within the last {@link #OOM_HOLD_NANOS} (by the HTTP side, which catches it around request
 * handling), or when a heap pool that the collector reports on is still above
 * {@link #THRESHOLD} of its maximum after its last collection and right now. Thread-safe.
 */
public final class HeapGuard {

    /** Share of a pool's maximum that counts as full after a collection. */
    static final double THRESHOLD = 0.95;
    /** How long readiness stays DOWN after an {@code OutOfMemoryError}. */
    static final long OOM_HOLD_NANOS = 10_000_000_000L;

    private final List<MemoryPoolMXBean> pools;
    private final LongSupplier clock;
    private volatile long lastOutOfMemory;
    private volatile boolean sawOutOfMemory;

    public HeapGuard() {
        this(ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported())
                .toList(), System::nanoTime);
    }

    HeapGuard(List<MemoryPoolMXBean> pools, LongSupplier clock) {
        this.pools = pools;
        this.clock = clock;
    }

    /** An {@code OutOfMemoryError} was caught while serving a request. */
    public void outOfMemory() {
        lastOutOfMemory = clock.getAsLong();
        sawOutOfMemory = true;
    }

    /** Null while the heap is fine, else why it is not (the readiness data). */
    public String exhaustion() {
        if (sawOutOfMemory && clock.getAsLong() - lastOutOfMemory < OOM_HOLD_NANOS) {
            return "OutOfMemoryError within the last " + OOM_HOLD_NANOS / 1_000_000_000L + " s";
        }
        for (MemoryPoolMXBean pool : pools) {
            MemoryUsage afterGc = pool.getCollectionUsage();
            MemoryUsage now = pool.getUsage();
            long max = now == null ? -1 : now.getMax();
            if (afterGc != null && max > 0 && afterGc.getUsed() > THRESHOLD * max && now.getUsed() > THRESHOLD * max) {
                return "heap pool '" + pool.getName() + "' above " + (int) (THRESHOLD * 100)
                        + " % of its maximum after its last collection";
            }
        }
        return null;
    }
}
