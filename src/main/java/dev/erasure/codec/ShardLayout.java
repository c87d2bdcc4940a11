package dev.erasure.codec;

import java.lang.foreign.MemorySegment;

/**
 * The object-to-shards layout of klauspost's {@code Split}/{@code Join}: an object of {@code size}
 * bytes is cut into {@code dataShards} shards of {@code shardSize = ceil(size / dataShards)} bytes,
 * shard i holding bytes [i*shardSize, (i+1)*shardSize) and the tail zero-padded.
 *
 * <p>Because the layout is contiguous, an object written into one segment of
 * {@code dataShards * shardSize} bytes (zeroed beyond {@code size}) already <em>is</em> its data
 * shards: {@link #slices} cuts views without copying, and joining is taking the first
 * {@code size} bytes.
 */
public final class ShardLayout {
    private ShardLayout() {
    }

    /**
     * @return ceil(objectSize / dataShards)
     * @throws IllegalArgumentException if objectSize < 1 or dataShards < 1, naming the value
     */
    public static long shardSize(long objectSize, int dataShards) {
        if (objectSize < 1) {
            throw new IllegalArgumentException("object size must be >= 1 (got " + objectSize + ")");
        }
        if (dataShards < 1) {
            throw new IllegalArgumentException("data shards must be >= 1 (got " + dataShards + ")");
        }
        return (objectSize + dataShards - 1) / dataShards;
    }

    /**
     * Cuts {@code count} consecutive views of {@code shardSize} bytes from {@code contiguous}
     * (which must hold at least count * shardSize bytes). No bytes are copied; the views share
     * the segment's lifetime.
     */
    public static MemorySegment[] slices(MemorySegment contiguous, int count, long shardSize) {
        if (contiguous.byteSize() < count * shardSize) {
            throw new IllegalArgumentException("segment of " + contiguous.byteSize() + " bytes cannot hold "
                    + count + " shards of " + shardSize + " bytes");
        }
        MemorySegment[] shards = new MemorySegment[count];
        for (int i = 0; i < count; i++) {
            shards[i] = contiguous.asSlice(i * shardSize, shardSize);
        }
        return shards;
    }
}
