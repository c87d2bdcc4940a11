package dev.erasure.api;

import dev.erasure.buffer.JobArena;
import dev.erasure.codec.ShardLayout;
import dev.erasure.codec.StripeShape;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import java.lang.foreign.MemorySegment;
import java.util.zip.CRC32C;

/**
 * Reads an object body into the job's arena as its stripe: {@code dataShards} data shards of
 * {@code shardSize} bytes ({@link StripeShape#shardSizeFor}) holding the object (zero padded at the
 * end), then room for the parity shards; or, for echo, as one shard of the object's size.
 *
 * <p>Memory is taken as the body arrives, so a slow client holds little more than what it has
 * sent. With a Content-Length the shard size is known: each data shard gets its segment when the
 * first of its bytes arrives and chunks are copied straight into place; a shard larger than
 * {@link #DIRECT_SHARD_BYTES} is collected in growing arena chunks instead and compacted by one
 * native copy once complete (those bodies cost up to one shard more, for the rest of the request).
 * Without a Content-Length the whole body is collected in growing chunks and copied once into a
 * contiguous stripe at the end. Parity shards and shards the object does not reach are allocated
 * at the end.
 *
 * <p>Read as a stripe with a Content-Length and shards of at most {@link #DIRECT_SHARD_BYTES}, the
 * CRC-32C of each data shard is computed piece by piece from the chunk being copied, while those
 * bytes are in cache, instead of by a second pass over the shard from memory when the response is
 * written ({@link StripeBuffer#dataCrcs}). The codec reads the data shards and never writes them.
 */
final class ObjectReader {

    /** Largest data shard that gets its segment on its first byte (a connection holds at most this much unsent). */
    static final long DIRECT_SHARD_BYTES = 16L << 20;

    /**
     * The object as read: {@code shards} holds the k data shards then room for the parity shards;
     * {@code dataCrcs} the CRC-32C of each data shard as it is now (padding included), or null when
     * they were not computed while reading.
     */
    record StripeBuffer(MemorySegment[] shards, long objectSize, long shardSize, int[] dataCrcs) {
    }

    private final JobArena arena;
    /** The stripe's shape, or null to read the object alone (one shard of the object's size, no parity). */
    private final StripeShape shape;
    private final int dataShards;
    private final int totalShards;
    private final long declaredLength;
    private final MemorySegment[] shards;
    private StagedBytes staging;
    /** Running CRC-32C of each data shard, fed by the copies; null when not computed while reading. */
    private final CRC32C[] crcs;
    private long shardSize;
    private long written;

    private ObjectReader(JobArena arena, StripeShape shape, long declaredLength) {
        this.arena = arena;
        this.shape = shape;
        this.dataShards = shape == null ? 1 : shape.dataShards();
        this.totalShards = shape == null ? 1 : shape.totalShards();
        this.declaredLength = declaredLength;
        this.shards = new MemorySegment[totalShards];
        if (declaredLength == 0) {
            throw emptyObject();
        }
        if (declaredLength > 0) {
            shardSize = shardSizeFor(declaredLength);
        }
        this.crcs = shape != null && declaredLength > 0 && shardSize <= DIRECT_SHARD_BYTES ? new CRC32C[dataShards] : null;
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
     * Reads an object as one shard of its own size (no padding, no parity room).
     *
     * @param declaredLength Content-Length, or -1 when absent
     * @throws ApiException (400) when Content-Length is 0: objects have at least 1 byte
     */
    static ObjectReader object(JobArena arena, long declaredLength) {
        return new ObjectReader(arena, null, declaredLength);
    }

    private long shardSizeFor(long objectSize) {
        return shape == null ? objectSize : shape.shardSizeFor(objectSize);
    }

    /**
     * Copies one body chunk into native memory. A chunk in native memory (a lent chunk,
     * {@link ChunkLoans}) is read through its address, without the NIO buffer views Netty would
     * create for it; it is valid for the duration of this call, which is all the copy needs.
     */
    void accept(Buffer chunk) {
        ByteBuf buf = ChunkLoans.byteBuf(chunk);
        MemorySegment source = buf.hasMemoryAddress()
                ? MemorySegment.ofAddress(buf.memoryAddress() + buf.readerIndex()).reinterpret(buf.readableBytes())
                : MemorySegment.ofBuffer(buf.nioBuffer());
        if (declaredLength < 0) {
            if (staging == null) {
                staging = new StagedBytes(arena, 64 * 1024);
            }
            staging.append(source);
            written += source.byteSize();
            return;
        }
        long offset = 0;
        while (offset < source.byteSize()) {
            int index = (int) (written / shardSize);
            long inShard = written % shardSize;
            long n = Math.min(shardSize - inShard, source.byteSize() - offset);
            MemorySegment piece = source.asSlice(offset, n);
            if (shardSize > DIRECT_SHARD_BYTES) {
                if (inShard == 0) {
                    staging = new StagedBytes(arena, 64 * 1024, shardSize);
                }
                staging.append(piece);
                if (inShard + n == shardSize) {
                    shards[index] = staging.contiguous();
                    staging = null;
                }
            } else {
                if (inShard == 0) {
                    shards[index] = arena.allocateUninitialized(shardSize);
                }
                if (crcs != null) {
                    if (crcs[index] == null) {
                        crcs[index] = new CRC32C();
                    }
                    crcs[index].update(piece.asByteBuffer());
                }
                MemorySegment.copy(piece, 0, shards[index], inShard, n);
            }
            offset += n;
            written += n;
        }
    }

    /** The body ended: returns the stripe, padding zeroed and parity allocated. */
    StripeBuffer finish() {
        if (written == 0) {
            throw emptyObject();
        }
        if (declaredLength < 0) {
            shardSize = shardSizeFor(written);
            MemorySegment stripe = arena.allocateUninitialized(totalShards * shardSize);
            staging.copyTo(stripe);
            stripe.asSlice(written, dataShards * shardSize - written).fill((byte) 0);
            return new StripeBuffer(ShardLayout.slices(stripe, totalShards, shardSize), written, shardSize, null);
        }
        int partial = (int) (written / shardSize);
        long inShard = written % shardSize;
        if (inShard > 0) {
            if (staging != null) {
                MemorySegment tail = arena.allocate(shardSize);
                staging.copyTo(tail);
                shards[partial] = tail;
                staging = null;
            } else {
                MemorySegment padding = shards[partial].asSlice(inShard);
                padding.fill((byte) 0);
                if (crcs != null) {
                    crcs[partial].update(padding.asByteBuffer());
                }
            }
        }
        for (int i = 0; i < dataShards; i++) {
            if (shards[i] == null) {
                shards[i] = arena.allocate(shardSize);
                if (crcs != null) {
                    crcs[i] = new CRC32C();
                    crcs[i].update(shards[i].asByteBuffer());
                }
            }
        }
        if (totalShards > dataShards) {
            MemorySegment parity = arena.allocateUninitialized((totalShards - dataShards) * shardSize);
            System.arraycopy(ShardLayout.slices(parity, totalShards - dataShards, shardSize), 0, shards, dataShards,
                    totalShards - dataShards);
        }
        int[] dataCrcs = null;
        if (crcs != null) {
            dataCrcs = new int[dataShards];
            for (int i = 0; i < dataShards; i++) {
                dataCrcs[i] = (int) crcs[i].getValue();
            }
        }
        return new StripeBuffer(shards, written, shardSize, dataCrcs);
    }

    private static ApiException emptyObject() {
        return ApiException.malformed("the object is empty; objects must have >= 1 byte");
    }
}
