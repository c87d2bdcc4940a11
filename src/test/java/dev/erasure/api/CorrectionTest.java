package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.erasure.api.ShardSets.Part;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * correct=true on decode and reconstruct, and corruptShards on verify, over HTTP: shards sent
 * without CRC headers and corrupted are located, corrected and named; more than can be located is
 * a 422; without correct=true nothing changes.
 */
@QuarkusTest
class CorrectionTest extends ApiTestBase {

    private static final int K = 4;
    private static final int M = 3;
    private static final int SIZE = 5001;

    private final Random random = new Random(1717);

    /** The object and its 7 shards. */
    private record Stripe(byte[] object, List<Part> parts) {
    }

    private Stripe stripe(String codec) {
        byte[] object = ShardSets.randomBytes(random, SIZE);
        return new Stripe(object, EncodeDecodeTest.encode(object, K, M, codec));
    }

    /** The part with {@code count} bytes from {@code from} flipped (and no CRC sent for it). */
    private static Part damaged(Part part, int from, int count) {
        byte[] copy = part.data().clone();
        for (int i = from; i < from + count; i++) {
            copy[i] ^= (byte) (0x21 + i);
        }
        return new Part(part.index(), copy);
    }

    private static Response post(String path, List<Part> parts, String codec, Map<String, ?> query) {
        return given().contentType(ShardSets.mixedContentType()).body(ShardSets.multipartMixed(parts, false))
                .queryParams(query).queryParam("k", K).queryParam("m", M).queryParam("codec", codec).post(path);
    }

    @Test
    void decode_correctsAWholeCorruptedDataShard_andNamesIt() {
        for (String codec : List.of("rs-vandermonde", "rs-cauchy")) {
            Stripe stripe = stripe(codec);
            List<Part> sent = new ArrayList<>(stripe.parts());
            int shardSize = sent.get(0).data().length;
            sent.set(2, damaged(sent.get(2), 0, shardSize));
            Response response = post("/v1/decode", sent, codec, Map.of("size", SIZE, "correct", "true"));
            response.then().statusCode(200).header("Corrected-Shards", "2");
            assertThat(response.asByteArray()).as(codec).isEqualTo(stripe.object());
        }
    }

    @Test
    void decode_everyOtherCodec_isCorrectedWhenItIsAGrsCode_elseRefusedWith400() {
        for (String codec : List.of("zfec", "jerasure-reed-sol-van")) {
            Stripe stripe = stripe(codec);
            List<Part> sent = new ArrayList<>(stripe.parts());
            sent.set(5, damaged(sent.get(5), 7, 300));
            Response response = post("/v1/decode", sent, codec, Map.of("size", SIZE, "correct", "true"));
            response.then().statusCode(200).header("Corrected-Shards", "5");
            assertThat(response.asByteArray()).as(codec).isEqualTo(stripe.object());
        }
        // isal-rs' matrix is not a generalized Reed-Solomon code, leopard is no matrix code at all.
        List<Part> leopardShards = new ArrayList<>();
        for (int i = 0; i < K + M; i++) {
            leopardShards.add(new Part(i, ShardSets.randomBytes(random, 64)));
        }
        Map<String, List<Part>> refused = Map.of("isal-rs", stripe("isal-rs").parts(), "leopard", leopardShards);
        refused.forEach((codec, parts) -> post("/v1/decode", parts, codec, Map.of("size", 100, "correct", "true"))
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/correction-unsupported"))
                .body("detail", containsString("codec " + codec)));
    }

    @Test
    void correctForACodeWithoutCorrector_isRefusedBeforeTheBodyIsRead() {
        // the body is no shard set at all: only a check of the parameters can answer 400 correction-unsupported
        for (String path : List.of("/v1/decode", "/v1/reconstruct")) {
            for (String codec : List.of("isal-rs", "leopard")) {
                given().contentType("application/json").body("not a shard set").queryParam("k", K)
                        .queryParam("m", M).queryParam("codec", codec).queryParam("size", 100)
                        .queryParam("correct", "true").post(path)
                        .then().statusCode(400)
                        .contentType("application/problem+json")
                        .body("type", equalTo("/problems/correction-unsupported"))
                        .body("detail", containsString("codec " + codec));
            }
        }
    }

    @Test
    void decode_isalRsWithTwoParityShards_isAGrsCodeAndCorrected() {
        // 2^(p*c) for p = 0, 1 is a GRS parity block (points 2^c); from m = 3 on (k >= 3) it is not
        byte[] object = ShardSets.randomBytes(random, SIZE);
        List<Part> sent = new ArrayList<>(EncodeDecodeTest.encode(object, K, 2, "isal-rs"));
        sent.set(1, damaged(sent.get(1), 3, 200));
        Response response = given().contentType(ShardSets.mixedContentType())
                .body(ShardSets.multipartMixed(sent, false)).queryParam("k", K).queryParam("m", 2)
                .queryParam("codec", "isal-rs").queryParam("size", SIZE).queryParam("correct", "true")
                .post("/v1/decode");
        response.then().statusCode(200).header("Corrected-Shards", "1");
        assertThat(response.asByteArray()).isEqualTo(object);
    }

    @Test
    void decode_cleanStripeWithCorrect_hasAnEmptyCorrectedShardsHeader() {
        Stripe stripe = stripe("rs-cauchy");
        Response response = post("/v1/decode", stripe.parts(), "rs-cauchy", Map.of("size", SIZE, "correct", "true"));
        response.then().statusCode(200).header("Corrected-Shards", "");
        assertThat(response.asByteArray()).isEqualTo(stripe.object());
    }

    @Test
    void decode_withoutCorrect_changesNothing_theCorruptionGoesThrough() {
        Stripe stripe = stripe("rs-cauchy");
        List<Part> sent = new ArrayList<>(stripe.parts());
        sent.set(1, damaged(sent.get(1), 10, 1));
        Response response = post("/v1/decode", sent, "rs-cauchy", Map.of("size", SIZE));
        response.then().statusCode(200);
        assertThat(response.header("Corrected-Shards")).isNull();
        assertThat(response.asByteArray()).isNotEqualTo(stripe.object());
    }

    @Test
    void decode_twoCorruptedOfSeven_is422_uncorrectable() {
        Stripe stripe = stripe("rs-vandermonde");
        List<Part> sent = new ArrayList<>(stripe.parts());
        sent.set(0, damaged(sent.get(0), 100, 50));
        sent.set(5, damaged(sent.get(5), 100, 50));
        post("/v1/decode", sent, "rs-vandermonde", Map.of("size", SIZE, "correct", "true")).then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/uncorrectable-shards"))
                .body("detail", containsString("more than 1 of the 7 supplied shards are corrupted"))
                .body("detail", containsString("at byte 100"));
    }

    @Test
    void correct_needsKPlusOneShards_andATrueOrFalseValue() {
        Stripe stripe = stripe("rs-cauchy");
        post("/v1/decode", stripe.parts().subList(0, K), "rs-cauchy", Map.of("size", SIZE, "correct", "true"))
                .then().statusCode(422).body("type", equalTo("/problems/too-few-shards"))
                .body("detail", containsString("decode with correct=true"))
                .body("detail", containsString("needs at least 5 usable shards, got 4"));
        post("/v1/reconstruct", stripe.parts(), "rs-cauchy", Map.of("correct", "yes")).then().statusCode(400)
                .body("type", equalTo("/problems/invalid-parameter"))
                .body("detail", equalTo("correct must be true or false (got 'yes')"));
    }

    @Test
    void reconstruct_rebuildsTheMissingShardFromCorrectedOnes_andReturnsCorrectedWantedShards() {
        Stripe stripe = stripe("rs-cauchy");
        List<Part> parts = stripe.parts();
        // shard 6 missing; data shard 0 wrong in its first 300 bytes, parity 4 in one bit: different
        // columns, one wrong shard per column, within floor((6 - 4) / 2) = 1
        List<Part> sent = new ArrayList<>(parts.subList(0, 6));
        sent.set(0, damaged(parts.get(0), 0, 300));
        byte[] bit = parts.get(4).data().clone();
        bit[900] ^= 0x08;
        sent.set(4, new Part(4, bit));
        Response response = post("/v1/reconstruct", sent, "rs-cauchy", Map.of("correct", "true", "want", "0,6"));
        response.then().statusCode(200).header("Corrected-Shards", "0,4");
        List<Part> out = ShardSets.parseMixed(response.contentType(), response.asByteArray());
        assertThat(out).extracting(Part::index).containsExactly(0, 6);
        assertThat(out.get(0).data()).isEqualTo(parts.get(0).data());
        assertThat(out.get(1).data()).isEqualTo(parts.get(6).data());
    }

    @Test
    void reconstruct_withJsonShards_isCorrectedToo() {
        Stripe stripe = stripe("rs-vandermonde");
        List<Part> sent = new ArrayList<>(stripe.parts().subList(1, 7));
        sent.set(2, damaged(sent.get(2), 7, 1)); // shard 3
        StringBuilder json = new StringBuilder("{\"shards\":[");
        for (int i = 0; i < sent.size(); i++) {
            json.append(i == 0 ? "" : ",").append("{\"index\":").append(sent.get(i).index()).append(",\"data\":\"")
                    .append(Base64.getEncoder().encodeToString(sent.get(i).data())).append("\"}");
        }
        json.append("]}");
        given().contentType("application/json").accept("application/json").body(json.toString())
                .queryParam("k", K).queryParam("m", M).queryParam("codec", "rs-vandermonde")
                .queryParam("correct", "true").post("/v1/reconstruct")
                .then().statusCode(200).header("Corrected-Shards", "3")
                .body("shards[0].index", equalTo(0))
                .body("shards[0].data", equalTo(Base64.getEncoder().encodeToString(stripe.parts().get(0).data())));
    }

    @Test
    void verify_namesTheCorruptShards_orSaysTheyCannotBeDetermined() {
        Stripe stripe = stripe("rs-cauchy");
        List<Part> one = new ArrayList<>(stripe.parts());
        one.set(1, damaged(one.get(1), 40, 3));
        post("/v1/verify", one, "rs-cauchy", Map.of()).then().statusCode(200)
                .body("consistent", equalTo(false))
                .body("mismatchedParity", equalTo(List.of(4, 5, 6)))
                .body("corruptShards", equalTo(List.of(1)));
        post("/v1/verify", stripe.parts(), "rs-cauchy", Map.of()).then().statusCode(200)
                .body("consistent", equalTo(true)).body("corruptShards", equalTo(List.of()));
        List<Part> two = new ArrayList<>(one);
        two.set(3, damaged(two.get(3), 40, 3));
        post("/v1/verify", two, "rs-cauchy", Map.of()).then().statusCode(200)
                .body("consistent", equalTo(false))
                .body("corruptShards", nullValue())
                .body("corruptShardsDetail", containsString("more than 1 of the 7 supplied shards are corrupted"));
    }
}
