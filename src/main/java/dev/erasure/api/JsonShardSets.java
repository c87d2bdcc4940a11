package dev.erasure.api;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.erasure.buffer.JobArena;
import dev.erasure.codec.StripeShape;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the contract's JSON shard set: {@code {"codec","k","m","shardSize","size","shards":[{"index",
 * "crc32c","data"}]}}. The query parameters are authoritative; {@code codec}, {@code k} and {@code m}
 * in the body are optional and must agree with them; other members are skipped.
 *
 * <p>Memory: the body is staged in the job's arena as it arrives (native memory, counted against
 * {@code erasure.buffer.budget}, 503 when it does not fit) and limited to
 * {@code erasure.api.max-json-body-size} (413). At its end it is parsed as a stream (Jackson's
 * token parser over the staged bytes) and every {@code data} string is base64-decoded straight into
 * its shard's native segment: the heap holds only the parser's small buffers, never the body, a
 * string of it or a decoded shard. The first shard is decoded into growing arena chunks and
 * compacted (its size is unknown until it ends); every later one into a segment of exactly that size.
 *
 * <p>JSON limits ({@link #CONSTRAINTS}): strings other than shard data at most
 * {@value #MAX_STRING} characters, member names {@value #MAX_NAME}, numbers {@value #MAX_NUMBER}
 * digits, nesting {@value #MAX_DEPTH} levels; shard data strings are bounded only by the body limit.
 * Violations are 400 {@code malformed-body} (the body limit 413) with a detail in our words.
 */
final class JsonShardSets {

    /** Longest string other than a shard's data (codec, crc32c): characters. */
    static final int MAX_STRING = 1024;
    /** Longest member name: characters. */
    static final int MAX_NAME = 256;
    /** Longest number: characters. */
    static final int MAX_NUMBER = 64;
    /** Deepest nesting of objects and arrays. */
    static final int MAX_DEPTH = 32;

    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
            .maxStringLength(MAX_STRING).maxNameLength(MAX_NAME).maxNumberLength(MAX_NUMBER)
            .maxNestingDepth(MAX_DEPTH).build();
    private static final JsonFactory FACTORY = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
    /** Standard base64 alphabet; padding optional, as java.util.Base64's decoder accepts. */
    private static final Base64Variant BASE64 = Base64Variants.MIME_NO_LINEFEEDS
            .withReadPadding(Base64Variant.PaddingReadBehaviour.PADDING_ALLOWED);

    /** The members read from the set and from its shards. */
    private static final Set<String> MEMBERS = Set.of("k", "m", "codec", "shards", "index", "crc32c", "data");

    private final StripeShape shape;
    private final JobArena arena;
    private final long maxBytes;
    private final int maxParts;
    private final StagedBytes body;
    private final MemorySegment[] shards;
    private final boolean[] present;
    private final List<Integer> discarded = new ArrayList<>();
    private long shardSize = -1;

    /**
     * @param declaredLength the request's Content-Length, or -1 when absent
     * @throws ApiException 413 when Content-Length exceeds {@code erasure.api.max-json-body-size}
     */
    JsonShardSets(StripeShape shape, JobArena arena, ApiLimits limits, long declaredLength) {
        this(shape, arena, limits.maxJsonBodyBytes(), limits.maxParts(), declaredLength);
    }

    private JsonShardSets(StripeShape shape, JobArena arena, long maxBytes, int maxParts, long declaredLength) {
        this.shape = shape;
        this.arena = arena;
        this.maxBytes = maxBytes;
        this.maxParts = maxParts;
        if (declaredLength > maxBytes) {
            throw tooLarge(declaredLength);
        }
        this.body = new StagedBytes(arena, 64 * 1024, declaredLength);
        this.shards = new MemorySegment[shape.totalShards()];
        this.present = new boolean[shape.totalShards()];
    }

    /** Parses a whole body at once (fuzz harness): the same path as a streamed request. */
    static ShardSet read(Buffer body, StripeShape shape, JobArena arena, int maxParts) {
        JsonShardSets reader = new JsonShardSets(shape, arena, Long.MAX_VALUE, maxParts, body.length());
        reader.accept(body);
        return reader.finish();
    }

    /** Stages one body chunk in native memory. */
    void accept(Buffer chunk) {
        if (body.size() + chunk.length() > maxBytes) {
            throw tooLarge(body.size() + chunk.length());
        }
        body.append(MemorySegment.ofBuffer(chunk.getByteBuf().nioBuffer()));
    }

    /** The body ended: parses it into the arena. */
    ShardSet finish() {
        try (JsonParser parser = FACTORY.createParser(body.inputStream())) {
            return parse(parser);
        } catch (StreamConstraintsException e) {
            throw notAnObject("it exceeds the JSON reader's limits: " + constraint(e));
        } catch (JsonEOFException e) {
            throw notAnObject("it ends before the JSON is complete");
        } catch (StreamReadException e) {
            throw notAnObject(syntax(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A refusal in the contract's words; the parser's own message is not passed on. */
    private static ApiException notAnObject(String what) {
        return ApiException.malformed("request body is not a JSON object {\"shards\": [...]}: " + what);
    }

    private ShardSet parse(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        if (first != JsonToken.START_OBJECT) {
            throw notAnObject(first == null ? "it is empty" : "it is " + switch (first) {
                case START_ARRAY -> "an array";
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case VALUE_NULL -> "null";
                default -> "not an object";
            });
        }
        boolean sawShards = false;
        Set<String> seen = new HashSet<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            once(seen, name, "the JSON shard set");
            switch (name) {
                case "k" -> agree(parser, value, "k", shape.dataShards());
                case "m" -> agree(parser, value, "m", shape.parityShards());
                case "codec" -> {
                    if (value != JsonToken.VALUE_NULL && !(value == JsonToken.VALUE_STRING
                            && shape.kind().wireName().equals(parser.getText()))) {
                        throw ApiException.invalidParameter("JSON codec '" + parser.getText()
                                + "' differs from the query's codec '" + shape.kind().wireName() + "'");
                    }
                }
                case "shards" -> {
                    if (value != JsonToken.START_ARRAY) {
                        throw ApiException.malformed("JSON shard set needs an array \"shards\"");
                    }
                    readShards(parser);
                    sawShards = true;
                }
                default -> parser.skipChildren();
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
            throw notAnObject("it is not valid JSON at line " + parser.currentLocation().getLineNr() + ", column "
                    + parser.currentLocation().getColumnNr());
        }
        if (!sawShards) {
            throw ApiException.malformed("JSON shard set needs an array \"shards\"");
        }
        if (shardSize < 0) {
            throw ApiException.invalidShardSet("shard set has no shards");
        }
        return ShardSet.of(shape, shardSize, shards, present, discarded);
    }

    /** Reads the array of shards, each into the arena, checking indexes, sizes and CRC-32C. */
    private void readShards(JsonParser parser) throws IOException {
        int p = 0;
        for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken(), p++) {
            if (p >= maxParts) {
                throw ApiException.malformed("shard set has more than " + maxParts + " parts (limit " + maxParts + ")");
            }
            if (item != JsonToken.START_OBJECT) {
                throw ApiException.malformed("shards[" + p + "] must be an object {index, crc32c, data}");
            }
            readShard(parser, p);
        }
    }

    private void readShard(JsonParser parser, int p) throws IOException {
        Integer index = null;
        String crc = null;
        MemorySegment data = null;
        Set<String> seen = new HashSet<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            once(seen, name, "shards[" + p + "]");
            switch (name) {
                case "index" -> index = index(parser, value, p);
                case "crc32c" -> {
                    // a checksum of another type must not be skipped silently: the shard would go unchecked
                    if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL) {
                        throw ApiException.malformed("shards[" + p + "].crc32c must be a string of 8 hex digits");
                    }
                    crc = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                case "data" -> {
                    if (value != JsonToken.VALUE_STRING) {
                        throw ApiException.malformed("shards[" + p + "].data must be a base64 string");
                    }
                    data = decode(parser, p);
                }
                default -> parser.skipChildren();
            }
        }
        if (index == null) {
            throw ApiException.malformed("shards[" + p + "].index must be an integer");
        }
        if (data == null) {
            throw ApiException.malformed("shards[" + p + "].data must be a base64 string");
        }
        if (shards[index] != null) {
            throw ApiException.invalidShardSet("shard index " + index + " appears twice (shards[" + p + "])");
        }
        shards[index] = data;
        present[index] = crc == null || Checksums.parse(crc, "shards[" + p + "]") == Checksums.crc32c(data);
        if (!present[index]) {
            discarded.add(index);
        }
    }

    /** Base64-decodes the current string straight into native memory. */
    private MemorySegment decode(JsonParser parser, int p) throws IOException {
        ShardSink sink = shardSize < 0 ? new ShardSink(new StagedBytes(arena, Math.min(body.size() / shape.dataShards() + 1,
                ObjectReader.DIRECT_SHARD_BYTES)), null, p) : new ShardSink(null, arena.allocateUninitialized(shardSize), p);
        try {
            parser.readBinaryValue(BASE64, sink);
        } catch (StreamConstraintsException e) {
            throw e;
        } catch (StreamReadException | IllegalArgumentException e) {
            // Jackson reports a bad character after a backslash escape as IllegalArgumentException
            throw ApiException.malformed("shards[" + p + "].data is not valid base64 (near byte "
                    + parser.currentLocation().getByteOffset() + " of the body)");
        }
        if (sink.written == 0) {
            throw ApiException.invalidShardSet("shards[" + p + "] is empty (shards must have >= 1 byte)");
        }
        if (shardSize < 0) {
            shardSize = sink.written;
            return sink.staged.contiguous();
        }
        if (sink.written != shardSize) {
            throw unequal(p, sink.written, "");
        }
        return sink.target;
    }

    /** Receives decoded bytes: staged for the first shard, into an exact segment for the others. */
    private final class ShardSink extends OutputStream {
        final StagedBytes staged;
        final MemorySegment target;
        final int p;
        long written;

        ShardSink(StagedBytes staged, MemorySegment target, int p) {
            this.staged = staged;
            this.target = target;
            this.p = p;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            MemorySegment source = MemorySegment.ofArray(bytes).asSlice(offset, length);
            if (staged != null) {
                staged.append(source);
            } else {
                if (written + length > target.byteSize()) {
                    throw unequal(p, written + length, "at least ");
                }
                MemorySegment.copy(source, 0, target, written, length);
            }
            written += length;
        }
    }

    private static void agree(JsonParser parser, JsonToken value, String name, int expected) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return;
        }
        if (!value.isNumeric()) {
            throw ApiException.invalidParameter("JSON " + name + " must be a number equal to the query's " + name + "="
                    + expected + " (got " + (value == JsonToken.VALUE_STRING ? "the string \"" + parser.getText() + "\""
                    : parser.getText()) + ")");
        }
        if (parser.getDoubleValue() != expected) {
            throw ApiException.invalidParameter("JSON " + name + "=" + parser.getText() + " differs from the query's "
                    + name + "=" + expected);
        }
    }

    /**
     * A member the service reads, given twice, is refused: which of its values was meant is
     * unknowable. Other members are skipped and not remembered (no heap grows with the body).
     */
    private static void once(Set<String> seen, String name, String where) {
        if (MEMBERS.contains(name) && !seen.add(name)) {
            throw ApiException.malformed(where + " has the member \"" + name + "\" twice");
        }
    }

    private int index(JsonParser parser, JsonToken value, int p) throws IOException {
        double number = value.isNumeric() ? parser.getDoubleValue() : Double.NaN;
        if (number != Math.rint(number)) {
            throw ApiException.malformed("shards[" + p + "].index must be an integer");
        }
        // judged as written, never narrowed: 4294967296 is out of range, not shard 0
        if (number < 0 || number >= shape.totalShards()) {
            throw ApiException.invalidShardSet("shard index " + parser.getText() + " is out of range 0.."
                    + (shape.totalShards() - 1) + " (k + m = " + shape.totalShards() + ")");
        }
        return (int) number;
    }

    private ApiException unequal(int p, long size, String qualifier) {
        return ApiException.invalidShardSet("shards must have equal sizes: shards[" + p + "] has " + qualifier + size
                + " bytes, the first shard had " + shardSize);
    }

    private ApiException tooLarge(long bytes) {
        return new ApiException(ApiException.Kind.BODY_TOO_LARGE, "JSON shard set has " + bytes
                + " bytes, more than the limit of " + maxBytes + " bytes (erasure.api.max-json-body-size; "
                + "send large shards as multipart)");
    }

    /** A JSON limit broken, in our words (Jackson's message names its own classes). */
    private static String constraint(StreamConstraintsException e) {
        String message = String.valueOf(e.getOriginalMessage());
        if (message.startsWith("String value length")) {
            return "a string other than a shard's data is longer than " + MAX_STRING + " characters";
        }
        if (message.startsWith("Name length")) {
            return "a member name is longer than " + MAX_NAME + " characters";
        }
        if (message.startsWith("Number value length")) {
            return "a number is longer than " + MAX_NUMBER + " characters";
        }
        if (message.contains("nesting depth")) {
            return "it nests objects or arrays deeper than " + MAX_DEPTH + " levels";
        }
        return "it breaks a limit of the JSON reader";
    }

    /** A syntax error, in our words: where it is, not the parser's message. */
    private static String syntax(StreamReadException e) {
        return e.getLocation() == null ? "it is not valid JSON"
                : "it is not valid JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }
}
