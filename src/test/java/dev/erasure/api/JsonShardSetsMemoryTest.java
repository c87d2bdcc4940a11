package dev.erasure.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.NativeMemoryLeakCheck;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.StripeShape;
import io.vertx.core.buffer.Buffer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JSON shard set reader (issue 18): the body is staged in native memory and parsed as a
 * stream, so decoding allocates on the heap only the parser's buffers, not copies of the body or
 * the shards; its size and string limits answer in our words.
 */
class JsonShardSetsMemoryTest {

    @RegisterExtension
    final NativeMemoryLeakCheck memory = new NativeMemoryLeakCheck(64L << 20);

    private static final StripeShape SHAPE = new StripeShape(CodecKind.RS_VANDERMONDE, 2, 1);

    @Test
    void decodingEightMebibytes_allocatesLessThanAMebibyteOfHeap() {
        byte[] shard = new byte[3 << 20];
        new Random(5).nextBytes(shard);
        Buffer body = Buffer.buffer(set(shard, shard));
        JobArena arena = memory.pool().open();
        try {
            JsonShardSets.read(body, SHAPE, arena, 8); // warm-up: parser classes, buffer recycler
            JobArena second = memory.pool().open();
            try {
                com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long before = threads.getCurrentThreadAllocatedBytes();
                ShardSet set = JsonShardSets.read(body, SHAPE, second, 8);
                long allocated = threads.getCurrentThreadAllocatedBytes() - before;

                assertThat(body.length()).isGreaterThan(8_000_000);
                assertThat(allocated).as("heap bytes allocated while decoding %d bytes of JSON", body.length())
                        .isLessThan(1 << 20);
                assertThat(set.shardSize()).isEqualTo(shard.length);
                assertThat(set.shards()[1].toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)).isEqualTo(shard);
            } finally {
                second.release();
            }
        } finally {
            arena.release();
        }
    }

    @Test
    void shardDataLongerThanTheStringLimit_isAccepted_otherLongStringsAreRefusedInOurWords() {
        byte[] shard = new byte[100_000];
        JobArena arena = memory.pool().open();
        try {
            assertThat(JsonShardSets.read(Buffer.buffer(set(shard, shard)), SHAPE, arena, 8).shardSize()).isEqualTo(100_000);
            String longCrc = "{\"shards\":[{\"index\":0,\"crc32c\":\"" + "0".repeat(5000) + "\",\"data\":\"AAAA\"}]}";
            assertThatThrownBy(() -> JsonShardSets.read(Buffer.buffer(longCrc), SHAPE, arena, 8))
                    .isInstanceOf(ApiException.class)
                    .hasMessage("request body is not a JSON object {\"shards\": [...]}: it exceeds the JSON reader's "
                            + "limits: a string other than a shard's data is longer than 1024 characters")
                    .message().doesNotContainIgnoringCase("jackson").doesNotContain("Constraints");
            String deep = "{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
            assertThatThrownBy(() -> JsonShardSets.read(Buffer.buffer(deep), SHAPE, arena, 8))
                    .hasMessageContaining("deeper than 32 levels");
            String number = "{\"k\":" + "1".repeat(100) + "}";
            assertThatThrownBy(() -> JsonShardSets.read(Buffer.buffer(number), SHAPE, arena, 8))
                    .hasMessageContaining("a number is longer than 64 characters");
            assertThatThrownBy(() -> JsonShardSets.read(Buffer.buffer("{\"shards\":[{"), SHAPE, arena, 8))
                    .hasMessageStartingWith("request body is not a JSON object {\"shards\": [...]}: ")
                    .message().doesNotContain("Source").doesNotContain("StreamRead");
        } finally {
            arena.release();
        }
    }

    @Test
    void bodyOverTheJsonLimit_is413_onContentLengthAndWhileStreaming() {
        ApiLimits limits = new ApiLimits(1 << 20, 8, 256, 0, ApiLimits.DEFAULT_BODY_RATE_WINDOW,
                ApiLimits.DEFAULT_MAX_BODY_TIME, 1000);
        JobArena arena = memory.pool().open();
        try {
            assertThatThrownBy(() -> new JsonShardSets(SHAPE, arena, limits, 1001))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.kind().status()).isEqualTo(413))
                    .hasMessageContaining("more than the limit of 1000 bytes (erasure.api.max-json-body-size");
            JsonShardSets streamed = new JsonShardSets(SHAPE, arena, limits, -1);
            streamed.accept(Buffer.buffer(new byte[600]));
            assertThatThrownBy(() -> streamed.accept(Buffer.buffer(new byte[600])))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.kind().status()).isEqualTo(413));
        } finally {
            arena.release();
        }
    }

    private static byte[] set(byte[] first, byte[] second) {
        Base64.Encoder base64 = Base64.getEncoder();
        return ("{\"codec\":\"rs-vandermonde\",\"k\":2,\"m\":1,\"shards\":[{\"index\":0,\"data\":\""
                + base64.encodeToString(first) + "\"},{\"index\":1,\"data\":\"" + base64.encodeToString(second) + "\"}]}")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
