package dev.erasure.api;

import dev.erasure.codec.StripeShape;
import dev.erasure.buffer.JobArena;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Reads a shard-set request body into the job's arena in the format its Content-Type names:
 * {@code multipart/mixed} or {@code multipart/form-data} (streamed part by part into native memory)
 * or {@code application/json} (collected on the heap, bounded by the body limit). Anything else is
 * a 415.
 */
final class ShardSetReader {

    static final String ACCEPTED = "multipart/mixed, multipart/form-data or application/json";

    private ShardSetReader() {
    }

    /**
     * Checks the Content-Type (415, or 400 for a multipart type without boundary) and returns the
     * step that reads the body and hands the set to {@code onSet}. Checking first lets the caller
     * validate every header before the body is touched.
     */
    static Runnable prepare(Exchange exchange, StripeShape shape, JobArena arena, ApiLimits limits,
            Consumer<ShardSet> onSet) {
        String contentType = exchange.request().getHeader("Content-Type");
        String type = MediaTypes.baseType(contentType);
        long declared = exchange.declaredLength();
        if (MediaTypes.MULTIPART_MIXED.equals(type) || MediaTypes.MULTIPART_FORM_DATA.equals(type)) {
            String boundary = MediaTypes.boundary(contentType);
            ShardSetCollector collector = new ShardSetCollector(shape, arena, declared);
            MultipartParser parser = new MultipartParser(boundary, limits.maxParts(), limits.maxPartHeaderBytes(), collector);
            return () -> exchange.readBody(chunk -> parser.feed(chunk.getByteBuf()), () -> {
                parser.finish();
                onSet.accept(collector.result());
            });
        }
        if (MediaTypes.JSON.equals(type)) {
            Buffer body = Buffer.buffer(declared > 0 ? (int) Math.min(declared, 1 << 20) : 4096);
            return () -> exchange.readBody(body::appendBuffer,
                    () -> onSet.accept(JsonShardSets.read(body, shape, arena, limits.maxParts())));
        }
        throw MediaTypes.unsupported(contentType, ACCEPTED);
    }
}
