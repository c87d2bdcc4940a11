package dev.erasure.api;

import dev.erasure.buffer.JobArena;
import dev.erasure.codec.StripeShape;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the parts of a multipart shard set straight into the job's arena as they arrive.
 *
 * <p>Sizes: parts must all have the same size, which is unknown until the first part's closing
 * delimiter. The first part is staged into arena chunks (one chunk of Content-Length / k bytes when
 * the length is known, since a valid set has at least k parts; otherwise growing chunks) and, when it
 * spans several chunks, compacted once into one segment by a native copy. Every later part is written
 * into a segment of exactly that size; a part that overflows or falls short is refused (400).
 *
 * <p>Shard index: header {@code Shard-Index} (multipart/mixed) or the form-data name {@code shard-<i>}.
 * A {@code Shard-CRC32C} header that does not match the body makes the shard an erasure (discarded).
 */
final class ShardSetCollector implements MultipartParser.PartHandler {

    private static final Pattern FORM_NAME = Pattern.compile("(?i)(?:^|;)\\s*name\\s*=\\s*\"?([^\";]*)\"?");

    private final StripeShape shape;
    private final JobArena arena;
    private final long contentLength;
    private final MemorySegment[] shards;
    private final boolean[] present;
    private final List<Integer> discarded = new ArrayList<>();
    private StagedBytes firstPart;
    private long shardSize = -1;
    private int index;
    private Integer expectedCrc;
    private MemorySegment target;
    private long written;

    /** @param contentLength the request's Content-Length, or -1 when absent */
    ShardSetCollector(StripeShape shape, JobArena arena, long contentLength) {
        this.shape = shape;
        this.arena = arena;
        this.contentLength = contentLength;
        this.shards = new MemorySegment[shape.totalShards()];
        this.present = new boolean[shape.totalShards()];
    }

    @Override
    public void partStarted(int partNumber, Map<String, String> headers) {
        index = shardIndex(partNumber, headers);
        if (shards[index] != null) {
            throw ApiException.invalidShardSet("shard index " + index + " appears twice (part " + partNumber + ")");
        }
        String crc = headers.get("shard-crc32c");
        expectedCrc = crc == null ? null : Checksums.parse(crc, "part " + partNumber);
        written = 0;
        target = shardSize < 0 ? null : arena.allocateUninitialized(shardSize);
    }

    @Override
    public void partData(ByteBuffer bytes) {
        int length = bytes.remaining();
        if (shardSize >= 0) {
            if (written + length > shardSize) {
                throw unequal(written + length, "at least ");
            }
            MemorySegment.copy(MemorySegment.ofBuffer(bytes), 0, target, written, length);
        } else {
            if (firstPart == null) {
                firstPart = new StagedBytes(arena, contentLength > 0 ? contentLength / shape.dataShards() + 1 : 64 * 1024);
            }
            firstPart.append(MemorySegment.ofBuffer(bytes));
        }
        written += length;
    }

    @Override
    public void partEnded() {
        if (shardSize < 0) {
            if (written == 0) {
                throw ApiException.invalidShardSet("shard " + index + " is empty (shards must have >= 1 byte)");
            }
            shardSize = written;
            target = firstPart.contiguous();
            firstPart = null;
        } else if (written != shardSize) {
            throw unequal(written, "");
        }
        shards[index] = target;
        present[index] = expectedCrc == null || expectedCrc == Checksums.crc32c(target);
        if (!present[index]) {
            discarded.add(index);
        }
        target = null;
    }

    /** The collected set; call after the parser finished. */
    ShardSet result() {
        if (shardSize < 0) {
            throw ApiException.invalidShardSet("shard set has no parts");
        }
        return ShardSet.of(shape, shardSize, shards, present, discarded);
    }

    private int shardIndex(int partNumber, Map<String, String> headers) {
        Integer fromHeader = parseIndex(headers.get("shard-index"), "Shard-Index of part " + partNumber);
        Integer fromName = null;
        String disposition = headers.get("content-disposition");
        if (disposition != null) {
            Matcher name = FORM_NAME.matcher(disposition);
            if (name.find()) {
                String value = name.group(1);
                if (!value.startsWith("shard-")) {
                    throw ApiException.invalidShardSet("form-data part name must be shard-<index> (got '" + value + "')");
                }
                fromName = parseIndex(value.substring(6), "form-data name of part " + partNumber);
            }
        }
        if (fromHeader == null && fromName == null) {
            throw ApiException.invalidShardSet("part " + partNumber
                    + " has neither a Shard-Index header nor a form-data name shard-<index>");
        }
        if (fromHeader != null && fromName != null && !fromHeader.equals(fromName)) {
            throw ApiException.invalidShardSet("part " + partNumber + " says Shard-Index " + fromHeader
                    + " but is named shard-" + fromName);
        }
        return fromHeader != null ? fromHeader : fromName;
    }

    private Integer parseIndex(String value, String where) {
        if (value == null) {
            return null;
        }
        long parsed;
        try {
            // a long: 4294967296 is out of range, not "not an integer"
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalidShardSet(where + " must be an integer (got '" + value + "')");
        }
        if (parsed < 0 || parsed >= shape.totalShards()) {
            throw ApiException.invalidShardSet("shard index " + parsed + " is out of range 0.."
                    + (shape.totalShards() - 1) + " (k + m = " + shape.totalShards() + ")");
        }
        return (int) parsed;
    }

    private ApiException unequal(long size, String qualifier) {
        return ApiException.invalidShardSet("shards must have equal sizes: shard " + index + " has " + qualifier
                + size + " bytes, the first shard had " + shardSize);
    }
}
