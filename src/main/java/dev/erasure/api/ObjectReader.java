package dev.erasure.api;

import dev.erasure.buffer.JobArena;
import dev.erasure.codec.StripeShape;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import java.lang.foreign.MemorySegment;

/**
 * Reads an object body into one contiguous segment of the job's arena, laid out as its stripe:
 * {@code totalShards * shardSize} bytes with the object at offset 0 and zeros after it, so the
 * first {@code dataShards} slices are the data shards (see {@code ShardLayout}; the shard size is
 * {@link StripeShape#shardSizeFor}) and the rest is room for parity. The stripe is allocated
 * uninitialized and only the padding is zeroed. With a
 * Content-Length the segment is allocated before the first chunk and chunks are copied straight
 * into place; without one, chunks are staged in growing arena chunks and copied once (natively)
 * into the segment at the end.
 */
final class ObjectReader {

    /** The object as read: {@code stripe} holds totalShards * shardSize bytes. */
    record StripeBuffer(MemorySegment stripe, long objectSize, long shardSize) {
    }

    private final JobArena arena;
    /** The stripe's shape, or null to read the object alone (one shard of the object's size, no parity). */
    private final StripeShape shape;
    private final int dataShards;
    private final int totalShards;
    private final StagedBytes staging;
    private MemorySegment stripe;
    private long shardSize;
    private long written;

    private ObjectReader(JobArena arena, StripeShape shape, long declaredLength) {
        this.arena = arena;
        this.shape = shape;
        this.dataShards = shape == null ? 1 : shape.dataShards();
        this.totalShards = shape == null ? 1 : shape.totalShards();
        this.staging = new StagedBytes(arena, 64 * 1024);
        if (declaredLength == 0) {
            throw emptyObject();
        }
        if (declaredLength > 0) {
            allocate(declaredLength);
        }
    }

    /**
     * Reads an object as the data shards of a stripe of {@code shape}, with room for the parity.
     *
     * @param declaredLength Content-Length, or -1 when absent
     * @throws ApiException (400) when Content-Length is 0: objects have at least 1 byte
     */
    static ObjectReader stripe(JobArena arena, StripeShape shape, long declaredLength) {
        return new ObjectReader(arena, shape, declaredLength);
    }

    /**
     * Reads an object into a segment of its own size (no padding, no parity room).
     *
     * @param declaredLength Content-Length, or -1 when absent
     * @throws ApiException (400) when Content-Length is 0: objects have at least 1 byte
     */
    static ObjectReader object(JobArena arena, long declaredLength) {
        return new ObjectReader(arena, null, declaredLength);
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
            allocate(written);
            staging.copyTo(stripe);
        }
        return new StripeBuffer(stripe, written, shardSize);
    }

    /** Allocates the stripe for an object of {@code objectSize} bytes and zeroes its padding. */
    private void allocate(long objectSize) {
        shardSize = shape == null ? objectSize : shape.shardSizeFor(objectSize);
        stripe = arena.allocateUninitialized(totalShards * shardSize);
        zeroPadding(objectSize);
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
