package dev.erasure.codec;

import dev.erasure.codec.kernel.Kernel;
import dev.erasure.codec.leopard.LeopardKernels;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A bounded, thread-safe cache of {@link ErasureCode}s by {@link StripeShape},
 * all on one kernel. Building a code computes its matrices, so repeated shapes reuse them.
 *
 * <p>When more than {@code capacity} shapes have been used, the least recently used one is dropped
 * from the cache; callers still holding it may keep using it (its tables are freed when it becomes
 * unreachable).
 */
public final class CodeCache {

    private final Kernel kernel;
    private final int capacity;
    private final LinkedHashMap<StripeShape, ErasureCode> cache;

    /**
     * @param kernel the kernel every code computes with
     * @param capacity how many shapes to keep (>= 1); the least recently used is dropped
     * @throws IllegalArgumentException if capacity < 1
     */
    public CodeCache(Kernel kernel, int capacity) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        if (capacity < 1) {
            throw new IllegalArgumentException("codec cache capacity must be >= 1 (got " + capacity + ")");
        }
        this.capacity = capacity;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<StripeShape, ErasureCode> eldest) {
                return size() > CodeCache.this.capacity;
            }
        };
    }

    /**
     * The code for a shape, built on first use. Thread-safe.
     */
    public ErasureCode get(StripeShape shape) {
        Objects.requireNonNull(shape, "shape");
        synchronized (cache) {
            ErasureCode cached = cache.get(shape);
            if (cached != null) {
                return cached;
            }
        }
        ErasureCode built = create(shape);
        synchronized (cache) {
            ErasureCode raced = cache.putIfAbsent(shape, built);
            return raced != null ? raced : built;
        }
    }

    /** Builds the code of one shape: the family is chosen by the shape's kind. */
    private ErasureCode create(StripeShape shape) {
        if (shape.kind() == CodecKind.LEOPARD) {
            boolean vector = !"scalar".equals(kernel.name()) && LeopardKernels.vectorUsable();
            return LeopardCode.create(shape.dataShards(), shape.parityShards(), LeopardKernels.select(vector));
        }
        return ReedSolomon.create(shape.kind(), shape.dataShards(), shape.parityShards(), kernel);
    }

    /** The kernel shared by every code of this cache. */
    public Kernel kernel() {
        return kernel;
    }

    /** Number of cached shapes (at most the capacity). */
    public int size() {
        synchronized (cache) {
            return cache.size();
        }
    }
}
