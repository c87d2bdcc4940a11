package dev.erasure.codec;

import java.util.List;

/**
 * What a client needs to know to pick a code: its limits, the shapes it accepts (every one of
 * them MDS: any k of the k + m shards give back the stripe), and the libraries and systems whose
 * shards it reads and writes byte for byte. Served as JSON by {@code GET /v1/codecs}.
 *
 * @param name the wire name ({@code codec} query parameter)
 * @param field the finite field the code computes in
 * @param construction how parity is computed, in one sentence
 * @param maxTotalShards the largest k + m
 * @param shardSizeMultiple every shard size is a multiple of this many bytes (1: any size >= 1)
 * @param mdsShapes the accepted shapes: (k, m) is accepted iff k + m <= maxTotalShards and one of
 *     these ranges holds it (a range may also demand m <= k); the code is MDS for each of them
 * @param byteCompatibleWith libraries that produce and decode the same shards
 * @param usedBy storage systems that use this code, and how to select it there
 */
public record CodecDescription(String name, String field, String construction, int maxTotalShards, int shardSizeMultiple,
        List<ShapeRange> mdsShapes, List<String> byteCompatibleWith, List<String> usedBy) {

    public CodecDescription {
        mdsShapes = List.copyOf(mdsShapes);
        byteCompatibleWith = List.copyOf(byteCompatibleWith);
        usedBy = List.copyOf(usedBy);
    }

    /**
     * A rectangle of shapes, minDataShards <= k <= maxDataShards and minParityShards <= m <=
     * maxParityShards, cut to m <= k when {@code parityAtMostData} (Leopard-RS codes only such
     * shapes: its parity comes from FFTs over m-sized groups of the data).
     */
    public record ShapeRange(int minDataShards, int maxDataShards, int minParityShards, int maxParityShards,
            boolean parityAtMostData) {

        /** A plain rectangle (no m <= k cut). */
        public ShapeRange(int minDataShards, int maxDataShards, int minParityShards, int maxParityShards) {
            this(minDataShards, maxDataShards, minParityShards, maxParityShards, false);
        }

        public boolean contains(int dataShards, int parityShards) {
            return dataShards >= minDataShards && dataShards <= maxDataShards
                    && parityShards >= minParityShards && parityShards <= maxParityShards
                    && (!parityAtMostData || parityShards <= dataShards);
        }
    }

    /** True iff k + m <= maxTotalShards and some range of {@link #mdsShapes} holds (k, m). */
    public boolean accepts(int dataShards, int parityShards) {
        if ((long) dataShards + parityShards > maxTotalShards) {
            return false;
        }
        return mdsShapes.stream().anyMatch(range -> range.contains(dataShards, parityShards));
    }

    /** The smallest and largest k over all accepted shapes. */
    public int minDataShards() {
        return mdsShapes.stream().mapToInt(ShapeRange::minDataShards).min().orElseThrow();
    }

    public int maxDataShards() {
        return mdsShapes.stream().mapToInt(r -> Math.min(r.maxDataShards(), maxTotalShards - r.minParityShards()))
                .max().orElseThrow();
    }

    /** The smallest and largest m over all accepted shapes. */
    public int minParityShards() {
        return mdsShapes.stream().mapToInt(ShapeRange::minParityShards).min().orElseThrow();
    }

    public int maxParityShards() {
        return mdsShapes.stream().mapToInt(r -> Math.min(r.maxParityShards(), maxTotalShards - r.minDataShards()))
                .max().orElseThrow();
    }
}
