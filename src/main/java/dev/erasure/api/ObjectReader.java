package dev.erasure.api;

import dev.erasure.buffer.JobArena;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import java.lang.foreign.MemorySegment;

/**
 * Reads an object body into one contiguous segment of the job's arena, laid out as its stripe:
 * {@code totalShards * shardSize} bytes with the object at offset 0 and zeros after it, so the
 * first {@code dataShards} slices are the data shards (see {@code ShardLayout}) and the rest is room
 * for parity. The stripe is allocated uninitialized and only the padding is zeroed. With a
 * Content-Length the segment is allocated before the first chunk and chunks are copied straight
 * into place; without one, chunks are staged in growing arena chunks and copied once (natively)
 * into the segment at the end.
 */
final class ObjectReader {

    /** The object as read: {@code stripe} holds totalShards * shardSize bytes. */
    record StripeBuffer(MemorySegment stripe, long objectSize, long shardSize) {
    }

    private final JobArena arena;
    private final int dataShards;
    private final int totalShards;
    private final StagedBytes staging;
    private MemorySegment stripe;
    private long shardSize;
    private long written;

    /**
     * @param declaredLength Content-Length, or -1 when absent
     * @throws ApiException (400) when Content-Length is 0: objects have at least 1 byte
     */
    ObjectReader(JobArena arena, int dataShards, int totalShards, long declaredLength) {
        this.arena = arena;
        this.dataShards = dataShards;
        this.totalShards = totalShards;
        this.staging = new StagedBytes(arena, 64 * 1024);
        if (declaredLength == 0) {
            throw emptyObject();
        }
        if (declaredLength > 0) {
            shardSize = (declaredLength + dataShards - 1) / dataShards;
            stripe = arena.allocateUninitialized(totalShards * shardSize);
            zeroPadding(declaredLength);
        }
    }

    /** Copies one body chunk into native memory. */
    void accept(Buffer chunk) {
        ByteBuf buf = chunk.getByteBuf();
        MemorySegment source = MemorySegment.ofBuffer(buf.nioBuffer());
        if (stripe != null) {
            MemorySegment.copy(source, 0, stripe, written, source.byteSize());
        } else {
            staging.append(source);
        }
        written += source.byteSize();
    }

    /** The body ended: returns the stripe buffer. */
    StripeBuffer finish() {
        if (written == 0) {
            throw emptyObject();
        }
        if (stripe == null) {
            shardSize = (written + dataShards - 1) / dataShards;
            stripe = arena.allocateUninitialized(totalShards * shardSize);
            staging.copyTo(stripe);
            zeroPadding(written);
        }
        return new StripeBuffer(stripe, written, shardSize);
    }

    /**
     * Zeroes the tail of the last data shards, [objectSize, dataShards * shardSize). The stripe is
     * allocated uninitialized: the body overwrites the object's bytes and the codec the parity.
     */
    private void zeroPadding(long objectSize) {
        stripe.asSlice(objectSize, dataShards * shardSize - objectSize).fill((byte) 0);
    }

    private static ApiException emptyObject() {
        return ApiException.malformed("the object is empty; objects must have >= 1 byte");
    }
}
