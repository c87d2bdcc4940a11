package dev.erasure.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.StripeShape;
import io.vertx.core.buffer.Buffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A body that is not a JSON object is refused in the contract's words, never the parser's. */
class JsonShardSetsTest {

    private static final String NOT_AN_OBJECT = "request body is not a JSON object {\"shards\": [...]}: ";

    private final NativeMemoryPool pool = new NativeMemoryPool(1 << 20, false);
    private final JobArena arena = pool.open();

    @AfterEach
    void release() {
        arena.release();
        assertThat(pool.bytesInUse()).isZero();
        pool.close();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("", "it is empty"),
                Arguments.of("  \r\n", "it is empty"),
                Arguments.of("{\"shards\": [", "it ends before the JSON is complete"),
                Arguments.of("{\"shards\": x}", "it is not valid JSON at line 1, column "),
                Arguments.of("{\"shards\": []}\n}", "it is not valid JSON"),
                Arguments.of("[{\"index\": 0}]", "it is an array"),
                Arguments.of("\"shards\"", "it is a string"),
                Arguments.of("42", "it is a number"),
                Arguments.of("true", "it is a boolean"),
                Arguments.of("null", "it is null"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("malformed")
    void malformedJsonIsExplainedWithoutParserText(String body, String what) {
        assertRefused(body, what);
    }

    @Test
    void tooDeepANestingIsNamedAsALimit() {
        assertRefused("{\"x\":" + "[".repeat(100_000), "it exceeds the JSON reader's limits: it nests objects or arrays "
                + "deeper than 32 levels");
    }

    private void assertRefused(String body, String what) {
        ApiException refused = catchThrowableOfType(ApiException.class, () -> JsonShardSets.read(Buffer.buffer(body),
                new StripeShape(CodecKind.RS_VANDERMONDE, 2, 1), arena, 8));

        assertThat(refused.kind()).isEqualTo(ApiException.Kind.MALFORMED_BODY);
        assertThat(refused.getMessage()).startsWith(NOT_AN_OBJECT + what)
                .doesNotContainIgnoringCase("unexpected")
                .doesNotContainIgnoringCase("failed to decode")
                .doesNotContain("jackson", "Source:", "token");
    }
}
