package dev.erasure.api;

import dev.erasure.buffer.JobArena;
import dev.erasure.codec.StripeShape;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes shards from native memory into HTTP responses. Shard bodies are wrapped, not copied: each
 * becomes a Netty buffer over {@code segment.asByteBuffer()}, so the segments must stay allocated
 * until the response's end future completes (the caller's arena reference guarantees that). Every
 * piece of a multipart body is direct memory, so the composite reaches the socket as one gathering
 * write without a copy.
 * JSON responses are the exception: they base64-encode through the heap (small payloads only).
 */
final class ShardSetWriter {

    private ShardSetWriter() {
    }

    /** A Vert.x buffer over native memory, without copying it. */
    static Buffer wrap(MemorySegment segment) {
        return Buffer.buffer(Unpooled.wrappedBuffer(segment.asByteBuffer()));
    }

    /**
     * Answers a shard set: multipart/mixed, or the JSON shard set when the client accepts JSON.
     * {@code objectSize} < 0 and {@code discarded} == null leave those headers out.
     */
    static void respondShards(Exchange exchange, StripeShape shape, long shardSize, long objectSize, String discarded,
            int[] indexes, MemorySegment[] shards) {
        HttpServerResponse response = exchange.response();
        shardHeaders(response, shape, shardSize, objectSize, discarded);
        if (MediaTypes.wantsJson(exchange.request().getHeader("Accept"))) {
            Buffer body = json(shape, shardSize, objectSize, indexes, shards);
            response.putHeader("Content-Type", MediaTypes.JSON);
            exchange.end(body);
        } else {
            exchange.end(multipart(response, indexes, shards, exchange.arena()));
        }
    }

    /** Answers the object: the first {@code size} bytes of the data shards, with the shard headers. */
    static void respondObject(Exchange exchange, StripeShape shape, long shardSize, String discarded,
            MemorySegment[] dataShards, long size) {
        shardHeaders(exchange.response(), shape, shardSize, -1, discarded);
        exchange.end(object(exchange.response(), dataShards, size));
    }

    /** The headers of every response that carries shards; objectSize < 0 and discarded == null are left out. */
    static void shardHeaders(HttpServerResponse response, StripeShape shape, long shardSize, long objectSize,
            String discarded) {
        response.putHeader("Codec", shape.kind().wireName())
                .putHeader("Data-Shards", Integer.toString(shape.dataShards()))
                .putHeader("Parity-Shards", Integer.toString(shape.parityShards()))
                .putHeader("Shard-Size", Long.toString(shardSize));
        if (objectSize >= 0) {
            response.putHeader("Object-Size", Long.toString(objectSize));
        }
        if (discarded != null) {
            response.putHeader("Discarded-Shards", discarded);
        }
    }

    /**
     * Builds {@code multipart/mixed}: one part per shard in the given (ascending) order with
     * Content-Type, Shard-Index and Shard-CRC32C, and sets Content-Type and Content-Length. Returns
     * the whole body as one composite buffer over the native shards (no copy), so the response goes
     * out in one gathering write instead of one flush per part.
     *
     * <p>The part headers are written into {@code arena}, the job's arena, which the exchange holds
     * until the response's last byte is written: direct memory, because Netty writes a composite
     * without copying it only if every component is direct, and not Netty's pooled buffers, which
     * Vert.x never releases (docs/engine.md, "Responses from native memory").
     */
    static Buffer multipart(HttpServerResponse response, int[] indexes, MemorySegment[] shards, JobArena arena) {
        String boundary = "erasure-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        String[] heads = new String[indexes.length + 1];
        long headerBytes = 0;
        long shardBytes = 0;
        for (int p = 0; p < indexes.length; p++) {
            heads[p] = (p == 0 ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: application/octet-stream\r\n"
                    + "Shard-Index: " + indexes[p] + "\r\nShard-CRC32C: " + Checksums.hex(Checksums.crc32c(shards[p]))
                    + "\r\n\r\n";
            headerBytes += heads[p].length();
            shardBytes += shards[p].byteSize();
        }
        heads[indexes.length] = (indexes.length == 0 ? "" : "\r\n") + "--" + boundary + "--\r\n";
        headerBytes += heads[indexes.length].length();
        response.putHeader("Content-Type", MediaTypes.MULTIPART_MIXED + "; boundary=" + boundary)
                .putHeader("Content-Length", Long.toString(headerBytes + shardBytes));
        MemorySegment headers = arena.allocateUninitialized(headerBytes);
        ByteBuf[] pieces = new ByteBuf[2 * indexes.length + 1];
        long offset = 0;
        for (int p = 0; p <= indexes.length; p++) {
            byte[] ascii = heads[p].getBytes(StandardCharsets.ISO_8859_1);
            MemorySegment head = headers.asSlice(offset, ascii.length);
            MemorySegment.copy(ascii, 0, head, ValueLayout.JAVA_BYTE, 0, ascii.length);
            offset += ascii.length;
            pieces[2 * p] = Unpooled.wrappedBuffer(head.asByteBuffer());
            if (p < indexes.length) {
                pieces[2 * p + 1] = Unpooled.wrappedBuffer(shards[p].asByteBuffer());
            }
        }
        return composite(pieces);
    }

    /** A composite over the pieces; as many components as pieces, so Netty never consolidates (copies) them. */
    private static Buffer composite(ByteBuf[] pieces) {
        return Buffer.buffer(Unpooled.wrappedBuffer(pieces.length, pieces));
    }

    /** The JSON shard set of the contract, base64 through the heap. */
    static Buffer json(StripeShape shape, long shardSize, long objectSize, int[] indexes, MemorySegment[] shards) {
        JsonArray items = new JsonArray();
        Base64.Encoder base64 = Base64.getEncoder();
        for (int p = 0; p < indexes.length; p++) {
            items.add(new JsonObject()
                    .put("index", indexes[p])
                    .put("crc32c", Checksums.hex(Checksums.crc32c(shards[p])))
                    .put("data", base64.encodeToString(shards[p].toArray(java.lang.foreign.ValueLayout.JAVA_BYTE))));
        }
        JsonObject body = new JsonObject()
                .put("codec", shape.kind().wireName())
                .put("k", shape.dataShards())
                .put("m", shape.parityShards())
                .put("shardSize", shardSize);
        if (objectSize >= 0) {
            body.put("size", objectSize);
        }
        return body.put("shards", items).toBuffer();
    }

    /**
     * The first {@code size} bytes of the concatenated data shards (klauspost's Join) as one
     * composite buffer over native memory; sets Content-Type and Content-Length.
     */
    static Buffer object(HttpServerResponse response, MemorySegment[] dataShards, long size) {
        response.putHeader("Content-Type", MediaTypes.OCTET_STREAM).putHeader("Content-Length", Long.toString(size));
        java.util.List<ByteBuf> pieces = new java.util.ArrayList<>();
        long remaining = size;
        for (int i = 0; i < dataShards.length && remaining > 0; i++) {
            long n = Math.min(remaining, dataShards[i].byteSize());
            pieces.add(Unpooled.wrappedBuffer(dataShards[i].asSlice(0, n).asByteBuffer()));
            remaining -= n;
        }
        return composite(pieces.toArray(ByteBuf[]::new));
    }
}
