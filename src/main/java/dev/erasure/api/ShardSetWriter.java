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
        respondShards(exchange, shape, shardSize, objectSize, discarded, indexes, shards, NO_CRCS);
    }

    /**
     * Like {@link #respondShards(Exchange, StripeShape, long, long, String, int[], MemorySegment[])},
     * with the CRC-32C of the first {@code knownCrcs.length} parts already computed (the data shards
     * of an encode, checksummed while the body was read); the other parts are checksummed here.
     */
    static void respondShards(Exchange exchange, StripeShape shape, long shardSize, long objectSize, String discarded,
            int[] indexes, MemorySegment[] shards, int[] knownCrcs) {
        HttpServerResponse response = exchange.response();
        shardHeaders(response, shape, shardSize, objectSize, discarded);
        if (MediaTypes.wantsJson(exchange.request().getHeader("Accept"))) {
            Buffer body = json(shape, shardSize, objectSize, indexes, shards, knownCrcs);
            response.putHeader("Content-Type", MediaTypes.JSON);
            exchange.end(body);
        } else {
            exchange.end(multipart(response, indexes, shards, knownCrcs, exchange.arena(),
                    exchange.limits().coalesceResponseBytes()));
        }
    }

    private static final int[] NO_CRCS = new int[0];

    /** The CRC-32C of part {@code p}: given, or computed from the shard. */
    private static int crc(int p, MemorySegment[] shards, int[] knownCrcs) {
        return p < knownCrcs.length ? knownCrcs[p] : Checksums.crc32c(shards[p]);
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
     * the whole body in native memory of {@code arena}, the job's arena, which the exchange holds
     * until the response's last byte is written (direct memory: Netty writes it without a copy;
     * not Netty's pooled buffers, which Vert.x never releases: docs/engine.md, "Responses from
     * native memory").
     *
     * <p>A body of at most {@code coalesceBytes} bytes is copied, part headers and shards, into one
     * segment and goes out as one buffer: for small shards, the per-piece costs of a gathering write
     * (a buffer object, a scope check and an iovec per piece) outweigh copying a few kilobytes. A
     * larger body is a composite over the shards themselves (no copy) with the part headers in
     * the arena, which Netty sends in one gathering write.
     */
    static Buffer multipart(HttpServerResponse response, int[] indexes, MemorySegment[] shards, int[] knownCrcs,
            JobArena arena, long coalesceBytes) {
        int parts = indexes.length;
        byte[] delimiter = ("\r\n--erasure-" + Long.toHexString(ThreadLocalRandom.current().nextLong()))
                .getBytes(StandardCharsets.ISO_8859_1);
        // All part heads, then the close delimiter, in one array; headEnd[p] is where head p ends.
        byte[] heads = new byte[(parts + 1) * (delimiter.length + PART_HEAD_MAX)];
        int[] headEnd = new int[parts + 1];
        int at = 0;
        long shardBytes = 0;
        for (int p = 0; p < parts; p++) {
            at = put(heads, at, delimiter, p == 0 ? 2 : 0);
            at = put(heads, at, CONTENT_TYPE_AND_INDEX, 0);
            at = putDecimal(heads, at, indexes[p]);
            at = put(heads, at, CRC_HEADER, 0);
            at = putHex(heads, at, crc(p, shards, knownCrcs));
            at = put(heads, at, HEAD_END, 0);
            headEnd[p] = at;
            shardBytes += shards[p].byteSize();
        }
        at = put(heads, at, delimiter, parts == 0 ? 2 : 0);
        at = put(heads, at, CLOSE, 0);
        headEnd[parts] = at;
        long total = at + shardBytes;
        response.putHeader("Content-Type", MediaTypes.MULTIPART_MIXED + "; boundary="
                        + new String(delimiter, 4, delimiter.length - 4, StandardCharsets.ISO_8859_1))
                .putHeader("Content-Length", Long.toString(total));
        if (total <= coalesceBytes) {
            MemorySegment body = arena.allocateUninitialized(total);
            long offset = 0;
            int from = 0;
            for (int p = 0; p <= parts; p++) {
                MemorySegment.copy(heads, from, body, ValueLayout.JAVA_BYTE, offset, headEnd[p] - from);
                offset += headEnd[p] - from;
                from = headEnd[p];
                if (p < parts) {
                    MemorySegment.copy(shards[p], 0, body, offset, shards[p].byteSize());
                    offset += shards[p].byteSize();
                }
            }
            return wrap(body);
        }
        MemorySegment headers = arena.allocateUninitialized(at);
        MemorySegment.copy(heads, 0, headers, ValueLayout.JAVA_BYTE, 0, at);
        ByteBuf[] pieces = new ByteBuf[2 * parts + 1];
        int from = 0;
        for (int p = 0; p <= parts; p++) {
            pieces[2 * p] = Unpooled.wrappedBuffer(headers.asSlice(from, headEnd[p] - from).asByteBuffer());
            from = headEnd[p];
            if (p < parts) {
                pieces[2 * p + 1] = Unpooled.wrappedBuffer(shards[p].asByteBuffer());
            }
        }
        return composite(pieces);
    }

    /** The multipart body with every CRC computed here. */
    static Buffer multipart(HttpServerResponse response, int[] indexes, MemorySegment[] shards, JobArena arena,
            long coalesceBytes) {
        return multipart(response, indexes, shards, NO_CRCS, arena, coalesceBytes);
    }

    private static final byte[] CONTENT_TYPE_AND_INDEX = "\r\nContent-Type: application/octet-stream\r\nShard-Index: "
            .getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CRC_HEADER = "\r\nShard-CRC32C: ".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CLOSE = "--\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);
    /** Most bytes of a part head after the delimiter: the headers with a 10-digit index and 8 hex digits. */
    private static final int PART_HEAD_MAX = CONTENT_TYPE_AND_INDEX.length + 10 + CRC_HEADER.length + 8
            + HEAD_END.length;

    private static int put(byte[] to, int at, byte[] bytes, int from) {
        System.arraycopy(bytes, from, to, at, bytes.length - from);
        return at + bytes.length - from;
    }

    /** Writes a non-negative int in decimal. */
    private static int putDecimal(byte[] to, int at, int value) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            to[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + digits;
    }

    /** Writes the 8 lower-case hex digits of a CRC (the wire form of {@link Checksums#hex}). */
    private static int putHex(byte[] to, int at, int crc) {
        for (int i = 7; i >= 0; i--) {
            to[at + i] = HEX[crc & 0xf];
            crc >>>= 4;
        }
        return at + 8;
    }

    /** A composite over the pieces; as many components as pieces, so Netty never consolidates (copies) them. */
    private static Buffer composite(ByteBuf[] pieces) {
        return Buffer.buffer(Unpooled.wrappedBuffer(pieces.length, pieces));
    }

    /** The JSON shard set of the contract, base64 through the heap. */
    static Buffer json(StripeShape shape, long shardSize, long objectSize, int[] indexes, MemorySegment[] shards,
            int[] knownCrcs) {
        JsonArray items = new JsonArray();
        Base64.Encoder base64 = Base64.getEncoder();
        for (int p = 0; p < indexes.length; p++) {
            items.add(new JsonObject()
                    .put("index", indexes[p])
                    .put("crc32c", Checksums.hex(crc(p, shards, knownCrcs)))
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
