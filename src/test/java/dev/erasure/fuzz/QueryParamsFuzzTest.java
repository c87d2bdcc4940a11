package dev.erasure.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.erasure.api.ApiException;
import dev.erasure.api.QueryParams;
import dev.erasure.codec.InvalidShapeException;
import dev.erasure.codec.StripeShape;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

/**
 * Coverage-guided fuzzing of the query-parameter parsing ({@code k}, {@code m}, {@code codec},
 * {@code size}, {@code want}). The input is a raw query string, decoded the way Vert.x decodes
 * request URIs. The property: a parse either yields a shape that satisfies the contract
 * (1 <= k, 1 <= m, k + m <= the code's maximum, size >= 1, want indexes distinct and in range) or
 * throws an {@link ApiException} with status 400 or the codec's {@link InvalidShapeException}
 * (answered 400 too), with a detail; nothing else. Every accepted value is the number written in
 * the query, compared as a BigInteger (so a value narrowed with a wrap, such as
 * {@code want=4294967296} read as 0, is caught), and a query that repeats a parameter is never
 * accepted.
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
        assertThat(query.names()).allSatisfy(name -> assertThat(query.getAll(name)).as("values of %s", name).hasSize(1));
        assertThat(BigInteger.valueOf(shape.dataShards())).as("k").isEqualTo(written(query.get("k")));
        assertThat(BigInteger.valueOf(shape.parityShards())).as("m").isEqualTo(written(query.get("m")));
        assertThat(shape.dataShards()).isPositive();
        assertThat(shape.parityShards()).isPositive();
        assertThat(shape.totalShards()).isLessThanOrEqualTo(shape.kind().maxTotalShards());
        try {
            long size = QueryParams.objectSize(query);
            assertThat(size).isPositive();
            assertThat(BigInteger.valueOf(size)).as("size").isEqualTo(written(query.get("size")));
        } catch (ApiException e) {
            assertClientError(e);
        }
        try {
            int[] wanted = QueryParams.wanted(query, shape);
            if (wanted != null) {
                assertThat(wanted).doesNotHaveDuplicates().isSorted();
                assertThat(java.util.Arrays.stream(wanted).allMatch(i -> i >= 0 && i < shape.totalShards()))
                        .as("want indexes in 0..k+m-1").isTrue();
                assertThat(java.util.Arrays.stream(wanted).mapToObj(BigInteger::valueOf).toList()).as("want")
                        .isEqualTo(Stream.of(query.get("want").split(",", -1)).map(QueryParamsFuzzTest::written)
                                .sorted().toList());
            }
        } catch (ApiException e) {
            assertClientError(e);
        }
    }

    /** The integer a client wrote, without any bound. */
    private static BigInteger written(String value) {
        return new BigInteger(value.trim());
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
