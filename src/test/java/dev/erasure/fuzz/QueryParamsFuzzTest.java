package dev.erasure.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.erasure.api.ApiException;
import dev.erasure.api.StripeParams;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the query-parameter parsing ({@code k}, {@code m}, {@code codec},
 * {@code size}, {@code want}). The input is a raw query string, decoded the way Vert.x decodes
 * request URIs. The property: a parse either yields a shape that satisfies the contract
 * (1 <= k, 1 <= m, k + m <= 256, size >= 1, want indexes distinct and in range) or throws an
 * {@link ApiException} with status 400 and a detail; nothing else.
 */
class QueryParamsFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void stripeParams(byte[] input) {
        MultiMap query = decode(new String(input, StandardCharsets.ISO_8859_1));
        StripeParams params;
        try {
            params = StripeParams.parse(query);
        } catch (ApiException e) {
            assertClientError(e);
            return;
        }
        assertThat(params.dataShards()).isPositive();
        assertThat(params.parityShards()).isPositive();
        assertThat(params.totalShards()).isLessThanOrEqualTo(StripeParams.MAX_TOTAL_SHARDS);
        try {
            assertThat(StripeParams.objectSize(query)).isPositive();
        } catch (ApiException e) {
            assertClientError(e);
        }
        try {
            int[] wanted = params.wanted(query);
            if (wanted != null) {
                assertThat(wanted).doesNotHaveDuplicates().isSorted();
                assertThat(java.util.Arrays.stream(wanted).allMatch(i -> i >= 0 && i < params.totalShards()))
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
