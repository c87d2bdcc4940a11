package dev.erasure.api;

import dev.erasure.buffer.JobArena;
import dev.erasure.codec.ShardSizeMismatchException;
import dev.erasure.codec.StripeShape;
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
     * Checks the Content-Type at once (415, or 400 for a multipart type without boundary), then
     * streams the body and hands the complete set to {@code onSet} on the event loop. What
     * {@code onSet} throws becomes the problem answer.
     */
    static void read(Exchange exchange, StripeShape shape, JobArena arena, ApiLimits limits, Consumer<ShardSet> checked) {
        Consumer<ShardSet> onSet = set -> {
            requireShardSizeMultiple(set);
            checked.accept(set);
        };
        String contentType = exchange.request().getHeader("Content-Type");
        String type = MediaTypes.baseType(contentType);
        long declared = exchange.declaredLength();
        if (MediaTypes.MULTIPART_MIXED.equals(type) || MediaTypes.MULTIPART_FORM_DATA.equals(type)) {
            String boundary = MediaTypes.boundary(contentType);
            ShardSetCollector collector = new ShardSetCollector(shape, arena, declared);
            MultipartParser parser = new MultipartParser(boundary, limits.maxParts(), limits.maxPartHeaderBytes(), collector);
            exchange.readBody(chunk -> parser.feed(chunk.getByteBuf()), () -> {
                parser.finish();
                onSet.accept(collector.result());
            });
        } else if (MediaTypes.JSON.equals(type)) {
            JsonShardSets json = new JsonShardSets(shape, arena, limits, declared);
            exchange.readBody(json::accept, () -> onSet.accept(json.finish()));
        } else {
            throw MediaTypes.unsupported(contentType, ACCEPTED);
        }
    }

    /**
     * The code's shard-size rule (leopard: a multiple of 64 bytes), checked for every set: the
     * codec checks it only when a job runs, and a decode with all data shards runs none.
     */
    private static void requireShardSizeMultiple(ShardSet set) {
        int multiple = set.shape().kind().shardSizeMultiple();
        if (set.shardSize() % multiple != 0) {
            throw ShardSizeMismatchException.notMultiple(set.received()[0], set.shardSize(),
                    set.shape().kind().wireName(), multiple);
        }
    }
}
