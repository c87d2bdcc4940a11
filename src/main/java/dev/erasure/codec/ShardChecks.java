package dev.erasure.codec;

import java.lang.foreign.MemorySegment;

/** Argument checks shared by the operations of {@link ReedSolomon}; nothing here writes. */
final class ShardChecks {

    private ShardChecks() {
    }

    static void shape(int dataShards, int parityShards) {
        if (dataShards < 1) {
            throw new InvalidShapeException("k (data shards) must be >= 1 (got " + dataShards + ")",
                    dataShards, parityShards);
        }
        if (parityShards < 1) {
            throw new InvalidShapeException("m (parity shards) must be >= 1 (got " + parityShards + ")",
                    dataShards, parityShards);
        }
        if (dataShards + parityShards > 256) {
            throw new InvalidShapeException("k + m must be <= 256 (got " + (dataShards + parityShards) + ")",
                    dataShards, parityShards);
        }
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
