package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.erasure.api.ShardSets.Part;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** parity, reconstruct and verify, and the three shard-set formats (multipart/mixed, form-data, JSON). */
@QuarkusTest
class ShardSetFormatsTest extends ApiTestBase {

    private static final int K = 4;
    private static final int M = 3;

    private final Random random = new Random(2024);

    private List<Part> encoded(int size) {
        return EncodeDecodeTest.encode(ShardSets.randomBytes(random, size), K, M, "rs-cauchy");
    }

    private static Response post(String path, List<Part> parts, Map<String, ?> query) {
        return given().contentType(ShardSets.mixedContentType()).body(ShardSets.multipartMixed(parts, true))
                .queryParams(query).queryParam("k", K).queryParam("m", M).queryParam("codec", "rs-cauchy")
                .post(path);
    }

    @Test
    void parityOfTheDataBlocksEqualsTheParityOfEncode() {
        List<Part> all = encoded(5003);
        Response response = post("/v1/parity", all.subList(0, K), Map.of());
        response.then().statusCode(200).header("Shard-Size", Integer.toString(all.get(0).data().length))
                .header("Data-Shards", "4").header("Parity-Shards", "3").header("Codec", "rs-cauchy");
        List<Part> parity = ShardSets.parseMixed(response.contentType(), response.asByteArray());
        assertThat(parity).extracting(Part::index).containsExactly(4, 5, 6);
        assertThat(parity).extracting(Part::crc32c).containsExactlyElementsOf(
                all.subList(K, K + M).stream().map(Part::crc32c).toList());
    }

    @Test
    void reconstructReturnsEveryMissingShardByDefault() {
        List<Part> all = encoded(1001);
        List<Part> survivors = new ArrayList<>(List.of(all.get(1), all.get(3), all.get(4), all.get(6)));
        Response response = post("/v1/reconstruct", survivors, Map.of());
        response.then().statusCode(200);
        List<Part> rebuilt = ShardSets.parseMixed(response.contentType(), response.asByteArray());
        assertThat(rebuilt).extracting(Part::index).containsExactly(0, 2, 5);
        for (Part part : rebuilt) {
            assertThat(part.data()).as("shard %d", part.index()).isEqualTo(all.get(part.index()).data());
        }
    }

    @Test
    void reconstructReturnsOnlyTheWantedShardsPresentOrNot() {
        List<Part> all = encoded(999);
        Response response = post("/v1/reconstruct", all.subList(2, 7), Map.of("want", "0,6"));
        List<Part> rebuilt = ShardSets.parseMixed(response.contentType(), response.then().statusCode(200)
                .extract().asByteArray());
        assertThat(rebuilt).extracting(Part::index).containsExactly(0, 6);
        assertThat(rebuilt.get(0).data()).isEqualTo(all.get(0).data());
        assertThat(rebuilt.get(1).data()).isEqualTo(all.get(6).data());
    }

    @Test
    void verifyTellsConsistentFromMismatchedParity() {
        List<Part> all = encoded(4099);
        post("/v1/verify", all, Map.of()).then().statusCode(200).contentType("application/json")
                .body("consistent", equalTo(true)).body("mismatchedParity.size()", equalTo(0));
        List<Part> tampered = new ArrayList<>(all);
        Part flipped = all.get(5).corrupted();
        tampered.set(5, new Part(5, flipped.data()));
        post("/v1/verify", tampered, Map.of()).then().statusCode(200)
                .body("consistent", equalTo(false)).body("mismatchedParity", equalTo(List.of(5)));
    }

    @Test
    void formDataRequestsAsCurlFSendsThem() {
        List<Part> all = encoded(3333);
        var request = given().queryParam("k", K).queryParam("m", M).queryParam("codec", "rs-cauchy")
                .queryParam("size", 3333);
        for (int i : new int[] {0, 2, 5, 6}) {
            request = request.multiPart("shard-" + i, "shard-" + i + ".bin", all.get(i).data(), "application/octet-stream");
        }
        byte[] object = request.post("/v1/decode").then().statusCode(200).extract().asByteArray();
        byte[] expected = new byte[3333];
        int shardSize = all.get(0).data().length;
        for (int i = 0; i < K; i++) {
            System.arraycopy(all.get(i).data(), 0, expected, i * shardSize, Math.min(shardSize, 3333 - i * shardSize));
        }
        assertThat(object).isEqualTo(expected);
    }

    @Test
    void jsonRequestsAndJsonResponses() {
        byte[] object = ShardSets.randomBytes(random, 2049);
        JsonPath encoded = given().contentType("application/octet-stream").accept("application/json").body(object)
                .queryParam("k", K).queryParam("m", M).queryParam("codec", "rs-cauchy")
                .post("/v1/encode").then().statusCode(200).contentType("application/json")
                .body("codec", equalTo("rs-cauchy")).body("k", equalTo(K)).body("m", equalTo(M))
                .body("size", equalTo(2049)).body("shardSize", equalTo(513)).body("shards.size()", equalTo(K + M))
                .extract().jsonPath();
        List<Part> all = new ArrayList<>();
        for (int i = 0; i < K + M; i++) {
            byte[] data = Base64.getDecoder().decode(encoded.getString("shards[" + i + "].data"));
            assertThat(encoded.getInt("shards[" + i + "].index")).isEqualTo(i);
            assertThat(encoded.getString("shards[" + i + "].crc32c")).isEqualTo(ShardSets.crc(data));
            all.add(new Part(i, data));
        }
        byte[] decoded = given().contentType("application/json").body(ShardSets.json(all.subList(3, 7)))
                .queryParam("k", K).queryParam("m", M).queryParam("codec", "rs-cauchy").queryParam("size", 2049)
                .post("/v1/decode").then().statusCode(200).extract().asByteArray();
        assertThat(decoded).isEqualTo(object);
        JsonPath rebuilt = given().contentType("application/json").accept("application/json")
                .body(ShardSets.json(all.subList(0, 4)))
                .queryParam("k", K).queryParam("m", M).queryParam("codec", "rs-cauchy").queryParam("want", "6")
                .post("/v1/reconstruct").then().statusCode(200).extract().jsonPath();
        assertThat(rebuilt.getInt("shards[0].index")).isEqualTo(6);
        assertThat(Base64.getDecoder().decode(rebuilt.getString("shards[0].data"))).isEqualTo(all.get(6).data());
    }

    @Test
    void jsonShardWithWrongCrcIsDiscarded() {
        List<Part> all = encoded(700);
        List<Part> sent = new ArrayList<>(all.subList(0, 5));
        sent.set(2, sent.get(2).corrupted());
        given().contentType("application/json").body(ShardSets.json(sent))
                .queryParam("k", K).queryParam("m", M).queryParam("codec", "rs-cauchy").queryParam("want", "2")
                .post("/v1/reconstruct").then().statusCode(200).header("Discarded-Shards", "2");
    }
}
