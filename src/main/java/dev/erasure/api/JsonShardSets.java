package dev.erasure.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.erasure.buffer.JobArena;
import dev.erasure.codec.StripeShape;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the contract's JSON shard set: {@code {"codec","k","m","shardSize","size","shards":[{"index",
 * "crc32c","data"}]}}. The query parameters are authoritative; {@code codec}, {@code k} and {@code m}
 * in the body are optional and must agree with them. Meant for small payloads: the body and the
 * decoded shards pass through the heap (bounded by the body limit) before landing in the arena.
 */
final class JsonShardSets {

    private JsonShardSets() {
    }

    /** @throws ApiException 400 for malformed JSON, bad indexes, unequal sizes or disagreeing k/m/codec */
    static ShardSet read(Buffer body, StripeShape shape, JobArena arena, int maxParts) {
        JsonObject json = parse(body);
        agree(json, "k", shape.dataShards());
        agree(json, "m", shape.parityShards());
        Object codec = json.getValue("codec");
        if (codec != null && !shape.kind().wireName().equals(codec)) {
            throw ApiException.invalidParameter("JSON codec '" + codec + "' differs from the query's codec '"
                    + shape.kind().wireName() + "'");
        }
        JsonArray items = json.getValue("shards") instanceof JsonArray array ? array : null;
        if (items == null) {
            throw ApiException.malformed("JSON shard set needs an array \"shards\"");
        }
        if (items.size() > maxParts) {
            throw ApiException.malformed("shard set has more than " + maxParts + " parts (limit " + maxParts + ")");
        }
        return collect(items, shape, arena);
    }

    /** Copies each shard into the arena, checking indexes, sizes and CRC-32C. */
    private static ShardSet collect(JsonArray items, StripeShape shape, JobArena arena) {
        MemorySegment[] shards = new MemorySegment[shape.totalShards()];
        boolean[] present = new boolean[shape.totalShards()];
        List<Integer> discarded = new ArrayList<>();
        long shardSize = -1;
        for (int p = 0; p < items.size(); p++) {
            JsonObject item = items.getValue(p) instanceof JsonObject o ? o : null;
            if (item == null) {
                throw ApiException.malformed("shards[" + p + "] must be an object {index, crc32c, data}");
            }
            int index = index(item, p, shape);
            if (shards[index] != null) {
                throw ApiException.invalidShardSet("shard index " + index + " appears twice (shards[" + p + "])");
            }
            byte[] data = data(item, p);
            if (shardSize >= 0 && data.length != shardSize) {
                throw ApiException.invalidShardSet("shards must have equal sizes: shard " + index + " has "
                        + data.length + " bytes, the first shard had " + shardSize);
            }
            shardSize = data.length;
            shards[index] = arena.allocateUninitialized(shardSize);
            MemorySegment.copy(MemorySegment.ofArray(data), 0, shards[index], 0, shardSize);
            String crc = item.getValue("crc32c") instanceof String s ? s : null;
            present[index] = crc == null || Checksums.parse(crc, "shards[" + p + "]") == Checksums.crc32c(shards[index]);
            if (!present[index]) {
                discarded.add(index);
            }
        }
        if (shardSize < 0) {
            throw ApiException.invalidShardSet("shard set has no shards");
        }
        return ShardSet.of(shape, shardSize, shards, present, discarded);
    }

    /**
     * The body as a JSON object. A refusal says what is wrong in the contract's words (empty, cut
     * short, not JSON at line/column, or the wrong JSON type); the parser's own message is not
     * passed on.
     */
    private static JsonObject parse(Buffer body) {
        String notObject = "request body is not a JSON object {\"shards\": [...]}: ";
        if (isBlank(body)) {
            throw ApiException.malformed(notObject + "it is empty");
        }
        Object value;
        try {
            value = Json.decodeValue(body);
        } catch (DecodeException e) {
            throw ApiException.malformed(notObject + whatIsWrong(e));
        }
        if (value instanceof JsonObject object) {
            return object;
        }
        throw ApiException.malformed(notObject + "it is " + switch (value) {
            case JsonArray a -> "an array";
            case String s -> "a string";
            case Number n -> "a number";
            case Boolean b -> "a boolean";
            case null -> "null";
            default -> "not an object";
        });
    }

    private static String whatIsWrong(DecodeException e) {
        if (e.getCause() instanceof JsonEOFException) {
            return "it ends before the JSON is complete";
        }
        if (e.getCause() instanceof StreamConstraintsException) {
            StreamReadConstraints limits = StreamReadConstraints.defaults();
            return "it exceeds the JSON reader's limits (at most " + limits.getMaxNestingDepth()
                    + " levels of nesting, strings of " + limits.getMaxStringLength() + " characters, numbers of "
                    + limits.getMaxNumberLength() + " digits)";
        }
        if (e.getCause() instanceof JsonProcessingException parse && parse.getLocation() != null) {
            JsonLocation at = parse.getLocation();
            return "it is not valid JSON at line " + at.getLineNr() + ", column " + at.getColumnNr();
        }
        return "it is not valid JSON";
    }

    private static boolean isBlank(Buffer body) {
        for (int i = 0; i < body.length(); i++) {
            byte b = body.getByte(i);
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private static void agree(JsonObject json, String name, int expected) {
        Object value = json.getValue(name);
        if (value != null && !(value instanceof Number n && n.longValue() == expected)) {
            throw ApiException.invalidParameter("JSON " + name + "=" + value + " differs from the query's " + name
                    + "=" + expected);
        }
    }

    private static int index(JsonObject item, int p, StripeShape shape) {
        if (!(item.getValue("index") instanceof Number n) || n.doubleValue() != n.intValue()) {
            throw ApiException.malformed("shards[" + p + "].index must be an integer");
        }
        int index = n.intValue();
        if (index < 0 || index >= shape.totalShards()) {
            throw ApiException.invalidShardSet("shard index " + index + " is out of range 0.."
                    + (shape.totalShards() - 1) + " (k + m = " + shape.totalShards() + ")");
        }
        return index;
    }

    private static byte[] data(JsonObject item, int p) {
        if (!(item.getValue("data") instanceof String text)) {
            throw ApiException.malformed("shards[" + p + "].data must be a base64 string");
        }
        byte[] data;
        try {
            data = java.util.Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.malformed("shards[" + p + "].data is not valid base64: " + e.getMessage());
        }
        if (data.length == 0) {
            throw ApiException.invalidShardSet("shards[" + p + "] is empty (shards must have >= 1 byte)");
        }
        return data;
    }
}
