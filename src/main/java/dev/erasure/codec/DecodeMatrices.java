package dev.erasure.codec;

import dev.erasure.codec.gf.Matrix;
import dev.erasure.codec.kernel.Kernel;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decode tables per erasure pattern, built on first use and kept in a bounded LRU cache, because
 * the same patterns repeat (a dead disk loses the same index in every stripe).
 *
 * <p>For survivors s_0..s_{k-1} (the first dataShards present shards), the rows of the encoding
 * matrix E at those indexes form a square matrix S with S x data = survivors, so
 * data = S^-1 x survivors. A missing data shard d is row d of S^-1; a missing parity shard p is
 * E[p] x S^-1. Both are rows over the survivors, so every wanted shard comes out of one pass.
 *
 * <p>Worked example, k=4, m=2, shard 1 (data) and shard 4 (parity) erased: survivors are 0, 2, 3,
 * 5, S = rows 0, 2, 3, 5 of E; shard 1 = row 1 of S^-1 applied to (shard0, shard2, shard3,
 * shard5), and shard 4 = (E[4] x S^-1) applied to the same four.
 */
final class DecodeMatrices {

    private final byte[][] encodeMatrix;
    private final int dataShards;
    private final Kernel kernel;
    private final int capacity;
    private final LinkedHashMap<BitSet, Kernel.Tables> cache;

    DecodeMatrices(byte[][] encodeMatrix, int dataShards, Kernel kernel, int capacity) {
        this.encodeMatrix = encodeMatrix;
        this.dataShards = dataShards;
        this.kernel = kernel;
        this.capacity = capacity;
        this.cache = new LinkedHashMap<>(16, 0.75f, true);
    }

    /**
     * Tables whose rows produce {@code wanted} (ascending shard indexes) from {@code survivors}
     * (ascending, exactly dataShards entries). Thread-safe.
     */
    Kernel.Tables tables(int[] survivors, int[] wanted) {
        BitSet key = new BitSet(512);
        for (int s : survivors) {
            key.set(s);
        }
        for (int w : wanted) {
            key.set(256 + w);
        }
        synchronized (cache) {
            Kernel.Tables cached = cache.get(key);
            if (cached != null) {
                return cached;
            }
        }
        Kernel.Tables built = kernel.prepare(decodeRows(survivors, wanted));
        synchronized (cache) {
            Kernel.Tables raced = cache.putIfAbsent(key, built);
            if (raced != null) {
                built.close();
                return raced;
            }
            if (cache.size() > capacity) {
                // dropped tables may still be in use by another thread; they are freed when unreachable
                Map.Entry<BitSet, Kernel.Tables> eldest = cache.entrySet().iterator().next();
                cache.remove(eldest.getKey());
            }
            return built;
        }
    }

    /** Number of cached patterns (for tests). */
    int size() {
        synchronized (cache) {
            return cache.size();
        }
    }

    private byte[][] decodeRows(int[] survivors, int[] wanted) {
        byte[][] inverse = Matrix.invert(Matrix.selectRows(encodeMatrix, survivors));
        byte[][] rows = new byte[wanted.length][];
        for (int i = 0; i < wanted.length; i++) {
            int shard = wanted[i];
            if (shard < dataShards) {
                rows[i] = inverse[shard].clone();
            } else {
                rows[i] = Matrix.multiply(new byte[][] {encodeMatrix[shard]}, inverse)[0];
            }
        }
        return rows;
    }
}
