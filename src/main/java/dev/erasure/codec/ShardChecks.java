package dev.erasure.codec;

import java.lang.foreign.MemorySegment;

/** Argument checks shared by the operations of {@link ReedSolomon}; nothing here writes. */
final class ShardChecks {

    private ShardChecks() {
    }

    /**
     * The shape rules of the GF(2^8) codes: 1 <= k, 1 <= m, k + m <= maxTotalShards. Takes longs so
     * that values parsed from text are judged before they are narrowed to int.
     */
    static void shape(long dataShards, long parityShards, int maxTotalShards) {
        if (dataShards > Integer.MAX_VALUE) {
            throw invalid("k must be <= " + maxTotalShards + " (got " + dataShards + ")", dataShards, parityShards);
        }
        if (parityShards > Integer.MAX_VALUE) {
            throw invalid("m must be <= " + maxTotalShards + " (got " + parityShards + ")", dataShards, parityShards);
        }
        if (dataShards < 1) {
            throw invalid("k must be >= 1 (got " + dataShards + ")", dataShards, parityShards);
        }
        if (parityShards < 1) {
            throw invalid("m must be >= 1 (got " + parityShards + ")", dataShards, parityShards);
        }
        if (dataShards + parityShards > maxTotalShards) {
            throw invalid("k + m must be <= " + maxTotalShards + " (got " + (dataShards + parityShards) + ")",
                    dataShards, parityShards);
        }
    }

    private static InvalidShapeException invalid(String message, long dataShards, long parityShards) {
        return new InvalidShapeException(message, (int) Math.clamp(dataShards, Integer.MIN_VALUE, Integer.MAX_VALUE),
                (int) Math.clamp(parityShards, Integer.MIN_VALUE, Integer.MAX_VALUE));
    }

    static void arrayLength(String what, int length, int totalShards) {
        if (length != totalShards) {
            throw new IllegalArgumentException(what + " must have " + totalShards + " entries, one per shard (got "
                    + length + ")");
        }
    }

    /**
     * Checks that every non-null shard has the same size (>= 1) and returns it; 0 when all are null.
     */
    static long commonSize(MemorySegment[] shards) {
        long expected = 0;
        int first = -1;
        for (int i = 0; i < shards.length; i++) {
            if (shards[i] == null) {
                continue;
            }
            long size = shards[i].byteSize();
            if (size == 0) {
                throw ShardSizeMismatchException.empty(i);
            }
            if (first < 0) {
                first = i;
                expected = size;
            } else if (size != expected) {
                throw new ShardSizeMismatchException(i, size, expected);
            }
        }
        return expected;
    }

    static void noneNull(MemorySegment[] shards, int from, int to, String operation) {
        for (int i = from; i < to; i++) {
            if (shards[i] == null) {
                throw new IllegalArgumentException(operation + " needs shard " + i + " but it is null");
            }
        }
    }

    static void writable(MemorySegment shard, int index) {
        if (shard.isReadOnly()) {
            throw new IllegalArgumentException("shard " + index + " must be written but its segment is read-only");
        }
    }
}
