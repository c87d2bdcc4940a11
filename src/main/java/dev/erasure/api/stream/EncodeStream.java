package dev.erasure.api.stream;

import dev.erasure.api.ApiException;
import dev.erasure.api.Checksums;
import dev.erasure.api.Headers;
import dev.erasure.api.MediaTypes;
import dev.erasure.api.Problem;
import dev.erasure.api.ProblemMapper;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.CodingCancelledException;
import dev.erasure.job.JobService;
import dev.erasure.job.Operation;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.lang.foreign.MemorySegment;
import java.util.stream.IntStream;

/**
 * {@code POST /v1/stripes/encode}: the object's bytes are dealt into stripes of k cells as they
 * arrive (stripe s holds bytes [s*k*cell, (s+1)*k*cell), the last one zero-padded); each full stripe
 * is encoded on a worker, which also computes the CRC-32C of its k + m cells; the stripes go out in
 * order as {@code multipart/mixed} parts, then a final JSON part with the object size, the stripe
 * count and the CRC-32C of every whole shard (combined from the cells' CRCs).
 */
final class EncodeStream extends StripeStream {

    private final long maxObject;
    private final int[] allShards;
    private final int[] shardCrcs;
    private final Crc32cAppend append;
    private Slot filling;
    private long filled;
    private long received;
    private long stripes;
    /** The declared Content-Length, or -1 (chunked). */
    private final long declared;

    EncodeStream(RoutingContext routing, ProblemMapper problems, JobService jobs, NativeMemoryPool pool,
            StreamSettings settings, StreamParams params, java.time.Duration queueWait) {
        super(routing, problems, jobs, pool, settings, params, queueWait);
        this.maxObject = settings.maxObjectBytes();
        this.allShards = IntStream.range(0, shape.totalShards()).toArray();
        this.shardCrcs = new int[shape.totalShards()];
        this.append = new Crc32cAppend(cell);
        String length = request.getHeader("Content-Length");
        this.declared = length == null ? -1 : Long.parseLong(length.trim());
    }

    /** Checks Content-Type and Content-Length before anything is allocated. */
    static void validate(RoutingContext routing, long maxObject) {
        String contentType = routing.request().getHeader("Content-Type");
        String type = MediaTypes.baseType(contentType);
        if (type != null && !type.equals(MediaTypes.OCTET_STREAM)) {
            throw MediaTypes.unsupported(contentType, MediaTypes.OCTET_STREAM + " (the object's bytes)");
        }
        long length = Headers.contentLength(routing.request());
        if (length == 0) {
            throw ApiException.malformed("the object must have at least 1 byte (Content-Length is 0)");
        }
        if (length > maxObject) {
            throw tooLarge(length, maxObject);
        }
    }

    static ApiException tooLarge(long bytes, long maxObject) {
        return new ApiException(ApiException.Kind.BODY_TOO_LARGE, "the object has " + (bytes > maxObject ? "" : "more than ")
                + bytes + " bytes, more than the limit of " + maxObject + " bytes (erasure.stream.max-object-size)");
    }

    @Override
    int partsPerStripe() {
        return shape.totalShards();
    }

    @Override
    void arrived(Buffer chunk) {
        received += chunk.length();
        if (received > maxObject) {
            throw tooLarge(received, maxObject);
        }
    }

    /** Copies the chunk into stripes; false when it stopped for want of a slot (the chunk keeps its position). */
    @Override
    boolean consume(ByteBuf chunk) {
        long stripeBytes = (long) cell * shape.dataShards();
        while (chunk.isReadable()) {
            if (filling == null) {
                filling = takeSlot();
                if (filling == null) {
                    return false;
                }
                filling.stripe = stripes++;
                filled = 0;
            }
            int cellIndex = (int) (filled / cell);
            int offset = (int) (filled % cell);
            int n = Math.min(chunk.readableBytes(), cell - offset);
            MemorySegment source = MemorySegment.ofBuffer(chunk.nioBuffer(chunk.readerIndex(), n));
            MemorySegment.copy(source, 0, filling.cells[cellIndex], offset, n);
            chunk.skipBytes(n);
            filled += n;
            if (filled == stripeBytes) {
                submitFilling();
            }
        }
        return true;
    }

    @Override
    void endOfInput() {
        if (received == 0) {
            throw ApiException.malformed("the object must have at least 1 byte (the body was empty)");
        }
        if (filling != null) {
            // The last stripe: zero the rest of the cell being filled and every data cell after it.
            int cellIndex = (int) (filled / cell);
            int offset = (int) (filled % cell);
            filling.cells[cellIndex].asSlice(offset).fill((byte) 0);
            for (int i = cellIndex + 1; i < shape.dataShards(); i++) {
                filling.cells[i].fill((byte) 0);
            }
            submitFilling();
        }
        inputDone();
    }

    private void submitFilling() {
        Slot slot = filling;
        filling = null;
        submit(slot, Operation.ENCODE, (code, cancel) -> {
            code.encode(slot.cells, cancel);
            int[] crcs = new int[slot.cells.length];
            for (int i = 0; i < crcs.length; i++) {
                if (cancel.isCancelled()) {
                    throw new CodingCancelledException();
                }
                crcs[i] = Checksums.crc32c(slot.cells[i]);
            }
            return crcs;
        });
    }

    @Override
    void responseHeaders() {
        response.putHeader("Content-Type", MediaTypes.MULTIPART_MIXED + "; boundary=" + boundary).setChunked(true);
        if (declared >= 0) {
            response.putHeader("Object-Size", Long.toString(declared));
        }
    }

    @Override
    Buffer stripeOutput(Slot slot) {
        for (int i = 0; i < shardCrcs.length; i++) {
            shardCrcs[i] = append.append(shardCrcs[i], slot.crcs[i]);
        }
        return multipartStripe(slot, allShards);
    }

    @Override
    Buffer closing() {
        JsonArray crcs = new JsonArray();
        for (int crc : shardCrcs) {
            crcs.add(Checksums.hex(crc));
        }
        JsonObject last = new JsonObject().put("objectSize", received).put("stripes", stripes).put("cell", cell)
                .put("shardCrc32c", crcs);
        return lastPart(MediaTypes.JSON, last.encode());
    }

    @Override
    Buffer failureTail(Problem problem) {
        return lastPart(MediaTypes.PROBLEM_JSON, problem.toJson());
    }
}
