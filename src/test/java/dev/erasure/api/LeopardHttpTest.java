package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import dev.erasure.api.ShardSets.Part;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** codec=leopard over HTTP, with the limits of {@link LeopardLimitsProfile}. */
@QuarkusTest
@TestProfile(LeopardLimitsProfile.class)
class LeopardHttpTest extends ApiTestBase {

    private static List<Part> encode(byte[] object, int k, int m, long expectedShardSize) {
        // Bodies go as streams: RestAssured would otherwise format a 65 MB byte[] for its failure log.
        Response response = given().contentType("application/octet-stream").body(new ByteArrayInputStream(object))
                .queryParam("k", k).queryParam("m", m).queryParam("codec", "leopard")
                .when().post("/v1/encode")
                .then().statusCode(200)
                .header("Codec", "leopard")
                .header("Shard-Size", Long.toString(expectedShardSize))
                .extract().response();
        List<Part> parts = ShardSets.parseMixed(response.contentType(), response.asByteArray());
        assertThat(parts).hasSize(k + m);
        assertThat(parts).allSatisfy(p -> assertThat(p.data()).hasSize((int) expectedShardSize));
        return parts;
    }

    private static byte[] decode(List<Part> survivors, int k, int m, long size) {
        return given().contentType(ShardSets.mixedContentType())
                .body(new ByteArrayInputStream(ShardSets.multipartMixed(survivors, true)))
                .queryParam("k", k).queryParam("m", m).queryParam("codec", "leopard").queryParam("size", size)
                .when().post("/v1/decode")
                .then().statusCode(200)
                .extract().asByteArray();
    }

    @Test
    void stripeOf1000Plus200Shards_of64KiB_roundTripsAfterLosing200() {
        int k = 1000;
        int m = 200;
        byte[] object = ShardSets.randomBytes(new Random(12), k * 65536);
        List<Part> parts = encode(object, k, m, 65536);
        // Lose the first 200 data shards: every parity shard is needed.
        assertThat(decode(parts.subList(200, k + m), k, m, object.length)).isEqualTo(object);
    }

    @Test
    void objectShardSize_isRoundedUpToAMultipleOf64() {
        byte[] object = ShardSets.randomBytes(new Random(3), 1000);
        List<Part> parts = encode(object, 10, 4, 128);
        byte[] decoded = decode(List.of(parts.get(0), parts.get(2), parts.get(3), parts.get(4), parts.get(5),
                parts.get(6), parts.get(7), parts.get(9), parts.get(10), parts.get(13)), 10, 4, object.length);
        assertThat(decoded).isEqualTo(object);
        // The data shards are the object cut into 128-byte pieces, zero padded.
        assertThat(Arrays.copyOf(parts.get(0).data(), 128)).isEqualTo(Arrays.copyOf(object, 128));
    }

    @Test
    void moreParityThanData_is400NamingTheRule() {
        given().contentType("application/octet-stream").body(new byte[100])
                .queryParam("k", 2).queryParam("m", 3).queryParam("codec", "leopard")
                .when().post("/v1/encode")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("m <= k"));
    }

    @Test
    void shardSizeNotAMultipleOf64_is400NamingTheRule() {
        List<Part> parts = List.of(new Part(0, null, new byte[100]), new Part(1, null, new byte[100]));
        given().contentType(ShardSets.mixedContentType()).body(ShardSets.multipartMixed(parts, false))
                .queryParam("k", 2).queryParam("m", 1).queryParam("codec", "leopard")
                .when().post("/v1/parity")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("multiple of 64"));
    }
}
