package dev.erasure.api;

import dev.erasure.buffer.JobArena;
import dev.erasure.codec.StripeShape;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

/**
 * Test-only entry points into the api's package-private parsers, for the fuzz harnesses in
 * {@code dev.erasure.fuzz}: the same calls {@link ShardSetReader} makes, without HTTP. Owned by the
 * reliability work (issue 6); it adds no behaviour.
 */
public final class FuzzTargets {

    private FuzzTargets() {
    }

    /**
     * Parses {@code body} as a multipart shard set fed in chunks of {@code chunkSize} bytes, as the
     * routes do, into {@code arena}.
     *
     * @return the number of shards received
     * @throws ApiException for every client mistake
     */
    public static int multipart(byte[] body, int chunkSize, String boundary, StripeShape shape, JobArena arena,
            ApiLimits limits) {
        ShardSetCollector collector = new ShardSetCollector(shape, arena, body.length);
        MultipartParser parser = new MultipartParser(boundary, limits.maxParts(), limits.maxPartHeaderBytes(), collector);
        for (int offset = 0; offset < body.length; offset += chunkSize) {
            parser.feed(Unpooled.wrappedBuffer(body, offset, Math.min(chunkSize, body.length - offset)));
        }
        parser.finish();
        return collector.result().received().length;
    }

    /**
     * Parses {@code body} as a JSON shard set into {@code arena}.
     *
     * @return the number of shards received
     * @throws ApiException for every client mistake
     */
    public static int json(byte[] body, StripeShape shape, JobArena arena, ApiLimits limits) {
        return JsonShardSets.read(Buffer.buffer(body), shape, arena, limits.maxParts()).received().length;
    }
}
