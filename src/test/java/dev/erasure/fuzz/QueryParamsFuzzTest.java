package dev.erasure.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.erasure.api.ApiException;
import dev.erasure.api.QueryParams;
import dev.erasure.codec.InvalidShapeException;
import dev.erasure.codec.StripeShape;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the query-parameter parsing ({@code k}, {@code m}, {@code codec},
 * {@code size}, {@code want}). The input is a raw query string, decoded the way Vert.x decodes
 * request URIs. The property: a parse either yields a shape that satisfies the contract
 * (1 <= k, 1 <= m, k + m <= the code's maximum, size >= 1, want indexes distinct and in range) or
 * throws an {@link ApiException} with status 400 or the codec's {@link InvalidShapeException}
 * (answered 400 too), with a detail; nothing else.
 */
class QueryParamsFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void stripeParams(byte[] input) {
        MultiMap query = decode(new String(input, StandardCharsets.ISO_8859_1));
        StripeShape shape;
        try {
            shape = QueryParams.shape(query);
        } catch (ApiException e) {
            assertClientError(e);
            return;
        } catch (InvalidShapeException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(shape.dataShards()).isPositive();
        assertThat(shape.parityShards()).isPositive();
        assertThat(shape.totalShards()).isLessThanOrEqualTo(shape.kind().maxTotalShards());
        try {
            assertThat(QueryParams.objectSize(query)).isPositive();
        } catch (ApiException e) {
            assertClientError(e);
        }
        try {
            int[] wanted = QueryParams.wanted(query, shape);
            if (wanted != null) {
                assertThat(wanted).doesNotHaveDuplicates().isSorted();
                assertThat(java.util.Arrays.stream(wanted).allMatch(i -> i >= 0 && i < shape.totalShards()))
                        .as("want indexes in 0..k+m-1").isTrue();
            }
        } catch (ApiException e) {
            assertClientError(e);
        }
    }

    static MultiMap decode(String rawQuery) {
        MultiMap map = MultiMap.caseInsensitiveMultiMap();
        try {
            new QueryStringDecoder(rawQuery, StandardCharsets.UTF_8, false).parameters().forEach(map::add);
        } catch (IllegalArgumentException e) {
            return map; // Vert.x refuses such a URI before any route: not the parser's input
        }
        return map;
    }

    private static void assertClientError(ApiException e) {
        assertThat(e.kind().status()).isEqualTo(400);
        assertThat(e.getMessage()).isNotBlank();
    }
}
