package dev.erasure.api.stream;

import dev.erasure.api.ApiException;
import dev.erasure.api.ApiLimits;
import dev.erasure.api.Checksums;
import dev.erasure.api.MediaTypes;
import dev.erasure.api.MultipartParser;
import dev.erasure.api.Problem;
import dev.erasure.api.ProblemMapper;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.CodingCancelledException;
import dev.erasure.codec.ErasureCode;
import dev.erasure.codec.TooFewShardsException;
import dev.erasure.job.JobService;
import dev.erasure.job.Operation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code POST /v1/stripes/decode} and {@code /v1/stripes/reconstruct}: the body is cells as
 * {@code multipart/mixed} parts in stripe order, at least k per stripe, each with {@code Stripe-Index},
 * {@code Shard-Index} and optionally {@code Shard-CRC32C}, and optionally a last {@code application/json}
 * part (the summary of an encode answer), which is skipped. Part bodies are copied straight into the
 * stripe's cells; a stripe is complete when the next stripe's first part (or the end) arrives. Its
 * worker checks the declared CRCs (a mismatch makes the cell an erasure), rebuilds what is missing
 * and, for reconstruct, checksums the wanted cells.
 *
 * <p>The parser is fed at most k * cell bytes at a time, and only while a spare slot is ready: a
 * new stripe can only begin after k whole cells of the previous one, so such a piece starts at most
 * one stripe, and the spare is where it goes. Without a spare the request is paused.
 *
 * <p>Decode answers the object (exactly {@code size} bytes, with Content-Length): it has no parts,
 * so a failure after the first byte closes the connection before Content-Length bytes were sent.
 * Reconstruct answers the wanted shards' cells as parts, then a final JSON part.
 */
final class CellStream extends StripeStream implements MultipartParser.PartHandler {

    private final boolean decode;
    private final long objectSize;
    private final long maxStripes;
    private final int[] wanted;
    private final int[] shardCrcs;
    private final Crc32cAppend append;
    private final MultipartParser parser;
    private final long pieceBytes;
    private Slot spare;
    private Slot filling;
    private long stripes;
    private int partShard = -1;
    private long partOffset;
    /** Bytes of the summary part read so far, or -1 before it (see {@link #partStarted}). */
    private long summaryBytes = -1;

    /** The largest summary part accepted: the encode summary of 65536 shards is about 720 KiB. */
    static final long SUMMARY_MAX = 1 << 20;

    /**
     * @param objectSize decode: the object's size; reconstruct: -1
     * @param wanted reconstruct: the shards to answer, ascending; decode: null
     */
    CellStream(RoutingContext routing, ProblemMapper problems, JobService jobs, NativeMemoryPool pool,
            StreamSettings settings, StreamParams params, ApiLimits limits, String boundary, long objectSize,
            int[] wanted, java.time.Duration queueWait) {
        super(routing, problems, jobs, pool, settings, params, queueWait);
        this.decode = wanted == null;
        this.objectSize = objectSize;
        this.wanted = wanted;
        this.maxStripes = decode ? (objectSize + params.stripeBytes() - 1) / params.stripeBytes()
                : params.maxStripes(settings.maxObjectBytes());
        this.shardCrcs = decode ? null : new int[wanted.length];
        this.append = new Crc32cAppend(cell);
        this.pieceBytes = params.stripeBytes();
        this.parser = new MultipartParser(boundary, Integer.MAX_VALUE, limits.maxPartHeaderBytes(), this);
    }

    /** The multipart boundary of the request (415 for another type, 400 without a boundary). */
    static String boundary(RoutingContext routing) {
        String contentType = routing.request().getHeader("Content-Type");
        String type = MediaTypes.baseType(contentType);
        if (!MediaTypes.MULTIPART_MIXED.equals(type) && !MediaTypes.MULTIPART_FORM_DATA.equals(type)) {
            throw MediaTypes.unsupported(contentType, MediaTypes.MULTIPART_MIXED + " or " + MediaTypes.MULTIPART_FORM_DATA
                    + " (the cells, one part each)");
        }
        return MediaTypes.boundary(contentType);
    }

    @Override
    int partsPerStripe() {
        return decode ? 0 : wanted.length;
    }

    /** Feeds the chunk to the parser, piece by piece, while a spare slot is ready. */
    @Override
    boolean consume(ByteBuf chunk) {
        while (chunk.isReadable()) {
            if (spare == null) {
                spare = takeSlot();
                if (spare == null) {
                    return false;
                }
            }
            int n = (int) Math.min(chunk.readableBytes(), pieceBytes);
            parser.feed(chunk.slice(chunk.readerIndex(), n));
            chunk.skipBytes(n);
            if (isStopped()) {
                return true; // a part failed the stream: leave the rest unread
            }
        }
        return true;
    }

    @Override
    void endOfInput() {
        parser.finish();
        if (filling != null) {
            completeFilling();
        }
        if (stripes == 0) {
            throw ApiException.invalidShardSet("the body has no cells");
        }
        if (decode && stripes != maxStripes) {
            throw ApiException.invalidShardSet("the body has " + stripes + " stripes; an object of size " + objectSize
                    + " has " + maxStripes + " (k * cell = " + pieceBytes + " bytes per stripe)");
        }
        if (spare != null) {
            giveBack(spare);
            spare = null;
        }
        inputDone();
    }

    // ---- parts -----------------------------------------------------------------------------------

    @Override
    public void partStarted(int partNumber, Map<String, String> headers) {
        if (summaryBytes >= 0) {
            throw ApiException.invalidShardSet("part " + partNumber + " follows the summary part (application/json "
                    + "without Stripe-Index), which can only be the last");
        }
        if (!headers.containsKey("stripe-index") && MediaTypes.JSON.equals(MediaTypes.baseType(headers.get("content-type")))) {
            // The summary that ends the answer of /v1/stripes/encode and /reconstruct: skipped, so
            // that answer can be sent back as it is. The last stripe is complete.
            if (filling != null) {
                completeFilling();
            }
            summaryBytes = 0;
            return;
        }
        long stripe = requiredNumber(headers, "stripe-index", "Stripe-Index", partNumber);
        long shard = requiredNumber(headers, "shard-index", "Shard-Index", partNumber);
        if (shard >= shape.totalShards()) {
            throw ApiException.invalidShardSet("part " + partNumber + ": Shard-Index " + shard + " is out of range 0.."
                    + (shape.totalShards() - 1));
        }
        if (filling == null || stripe != filling.stripe) {
            long expected = filling == null ? stripes : filling.stripe + 1;
            if (stripe != expected) {
                throw ApiException.invalidShardSet("part " + partNumber + ": Stripe-Index " + stripe + " where stripe "
                        + expected + " was expected (cells come in stripe order, every stripe with at least k cells)");
            }
            if (stripe >= maxStripes) {
                throw decode
                        ? ApiException.invalidShardSet("part " + partNumber + ": stripe " + stripe + " is beyond the last "
                                + "stripe of an object of size " + objectSize + " (" + maxStripes + " stripes)")
                        : EncodeStream.tooLarge((stripe + 1) * pieceBytes, settings.maxObjectBytes());
            }
            if (filling != null) {
                completeFilling();
            }
            startStripe(stripe);
        }
        int index = (int) shard;
        if (filling.received[index]) {
            throw ApiException.invalidShardSet("part " + partNumber + ": stripe " + stripe + " has shard " + index
                    + " twice");
        }
        String crc = headers.get("shard-crc32c");
        filling.hasCrc[index] = crc != null;
        if (crc != null) {
            filling.declaredCrc[index] = Checksums.parse(crc, "part " + partNumber);
        }
        filling.received[index] = true;
        filling.receivedCount++;
        partShard = index;
        partOffset = 0;
    }

    @Override
    public void partData(ByteBuffer bytes) {
        int n = bytes.remaining();
        if (summaryBytes >= 0) {
            summaryBytes += n;
            if (summaryBytes > SUMMARY_MAX) {
                throw ApiException.malformed("the summary part has more than " + SUMMARY_MAX + " bytes");
            }
            return;
        }
        if (partOffset + n > cell) {
            throw ApiException.invalidShardSet("stripe " + filling.stripe + ", shard " + partShard + ": the cell is longer "
                    + "than cell = " + cell + " bytes");
        }
        MemorySegment.copy(MemorySegment.ofBuffer(bytes), 0, filling.cells[partShard], partOffset, n);
        partOffset += n;
    }

    @Override
    public void partEnded() {
        if (summaryBytes >= 0) {
            return;
        }
        if (partOffset != cell) {
            throw ApiException.invalidShardSet("stripe " + filling.stripe + ", shard " + partShard + ": the cell has "
                    + partOffset + " bytes, not cell = " + cell);
        }
        partShard = -1;
    }

    private static long requiredNumber(Map<String, String> headers, String key, String name, int partNumber) {
        String value = headers.get(key);
        if (value == null) {
            throw ApiException.invalidShardSet("part " + partNumber + " has no " + name + " header");
        }
        long number;
        try {
            number = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalidShardSet("part " + partNumber + ": " + name + " must be an integer (got '" + value
                    + "')");
        }
        if (number < 0) {
            throw ApiException.invalidShardSet("part " + partNumber + ": " + name + " must be >= 0 (got " + number + ")");
        }
        return number;
    }

    private void startStripe(long stripe) {
        if (spare == null) {
            throw new IllegalStateException("no spare slot for stripe " + stripe);
        }
        filling = spare;
        spare = null;
        int n = shape.totalShards();
        if (filling.received == null) {
            filling.received = new boolean[n];
            filling.hasCrc = new boolean[n];
            filling.declaredCrc = new int[n];
        } else {
            Arrays.fill(filling.received, false);
            Arrays.fill(filling.hasCrc, false);
        }
        filling.receivedCount = 0;
        filling.stripe = stripe;
        stripes++;
    }

    private void completeFilling() {
        Slot slot = filling;
        filling = null;
        if (partShard >= 0) {
            throw ApiException.malformed("stripe " + slot.stripe + " ended inside a part");
        }
        if (slot.receivedCount < shape.dataShards()) {
            throw new ApiException(ApiException.Kind.TOO_FEW_SHARDS, "stripe " + slot.stripe + " has "
                    + slot.receivedCount + " cells (shards " + indexes(slot.received) + "); at least k = "
                    + shape.dataShards() + " are needed");
        }
        boolean[] received = slot.received.clone();
        boolean[] hasCrc = slot.hasCrc.clone();
        int[] declared = slot.declaredCrc.clone();
        submit(slot, decode ? Operation.DECODE : Operation.RECONSTRUCT,
                (code, cancel) -> rebuild(code, slot, received, hasCrc, declared, cancel));
    }

    /** On the worker: checks the declared CRCs, rebuilds the missing cells needed, checksums the outputs. */
    private int[] rebuild(ErasureCode code, Slot slot, boolean[] received, boolean[] hasCrc, int[] declared,
            dev.erasure.codec.CancelSignal cancel) {
        int n = shape.totalShards();
        boolean[] usable = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (cancel.isCancelled()) {
                throw new CodingCancelledException();
            }
            usable[i] = received[i] && (!hasCrc[i] || Checksums.crc32c(slot.cells[i]) == declared[i]);
        }
        boolean[] out = new boolean[n];
        if (decode) {
            Arrays.fill(out, 0, shape.dataShards(), true);
        } else {
            for (int i : wanted) {
                out[i] = true;
            }
        }
        MemorySegment[] shards = new MemorySegment[n];
        boolean missing = false;
        for (int i = 0; i < n; i++) {
            if (usable[i] || out[i]) {
                shards[i] = slot.cells[i];
            }
            missing |= out[i] && !usable[i];
        }
        if (missing) {
            code.reconstruct(shards, usable, cancel);
        }
        if (decode) {
            return null;
        }
        int[] crcs = new int[wanted.length];
        for (int p = 0; p < wanted.length; p++) {
            crcs[p] = Checksums.crc32c(slot.cells[wanted[p]]);
        }
        return crcs;
    }

    @Override
    Throwable describe(Slot slot, Throwable failure) {
        if (failure instanceof TooFewShardsException tooFew) {
            return new ApiException(ApiException.Kind.TOO_FEW_SHARDS, "stripe " + slot.stripe + ": " + tooFew.getMessage()
                    + "; cells whose Shard-CRC32C did not match count as missing");
        }
        return failure;
    }

    private static String indexes(boolean[] flags) {
        return IntStream.range(0, flags.length).filter(i -> flags[i]).mapToObj(Integer::toString)
                .collect(Collectors.joining(",", "[", "]"));
    }

    // ---- output ----------------------------------------------------------------------------------

    @Override
    void responseHeaders() {
        if (decode) {
            response.putHeader("Content-Type", MediaTypes.OCTET_STREAM)
                    .putHeader("Content-Length", Long.toString(objectSize))
                    .putHeader("Object-Size", Long.toString(objectSize));
        } else {
            response.putHeader("Content-Type", MediaTypes.MULTIPART_MIXED + "; boundary=" + boundary).setChunked(true);
        }
    }

    @Override
    Buffer stripeOutput(Slot slot) {
        if (!decode) {
            for (int p = 0; p < shardCrcs.length; p++) {
                shardCrcs[p] = append.append(shardCrcs[p], slot.crcs[p]);
            }
            return multipartStripe(slot, wanted);
        }
        long left = Math.min(pieceBytes, objectSize - slot.stripe * pieceBytes);
        List<ByteBuf> pieces = new ArrayList<>(shape.dataShards());
        for (int i = 0; i < shape.dataShards() && left > 0; i++) {
            long n = Math.min(left, cell);
            pieces.add(Unpooled.wrappedBuffer(slot.cells[i].asSlice(0, n).asByteBuffer()));
            left -= n;
        }
        return Buffer.buffer(Unpooled.wrappedBuffer(pieces.size(), pieces.toArray(ByteBuf[]::new)));
    }

    @Override
    Buffer closing() {
        if (decode) {
            return null;
        }
        JsonArray crcs = new JsonArray();
        for (int crc : shardCrcs) {
            crcs.add(Checksums.hex(crc));
        }
        JsonObject last = new JsonObject().put("stripes", stripes).put("cell", cell)
                .put("shards", new JsonArray(Arrays.stream(wanted).boxed().toList())).put("shardCrc32c", crcs);
        return lastPart(MediaTypes.JSON, last.encode());
    }

    @Override
    Buffer failureTail(Problem problem) {
        return decode ? null : lastPart(MediaTypes.PROBLEM_JSON, problem.toJson());
    }
}
