package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.erasure.api.ShardSets.Part;
import dev.erasure.codec.CancelSignal;
import dev.erasure.codec.LeopardCode;
import dev.erasure.codec.leopard.LeopardEngine;
import dev.erasure.codec.leopard.ScalarLeopardKernel;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayInputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * codec=leopard over HTTP, with the limits of {@link LeopardLimitsProfile}: a large round trip, the
 * shape and shard-size rules, and every endpoint with every shard-set format at a GF(2^8) and a
 * GF(2^16) shape, the parity checked against the scalar reference kernel.
 */
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

    /**
     * encode (multipart/mixed and JSON), parity (form-data), decode (form-data), reconstruct (JSON
     * in and out, and multipart/mixed without want) and verify (multipart/mixed, consistent and
     * with a tampered parity shard).
     */
    @ParameterizedTest(name = "{0}+{1} x {2} B ({3})")
    @CsvSource({"6, 3, 128, FF8", "300, 100, 64, FF16"})
    void everyEndpointAndFormat(int k, int m, int shardSize, LeopardEngine.Method method) {
        LeopardCode reference = LeopardCode.create(k, m, new ScalarLeopardKernel());
        assertThat(reference.method()).isEqualTo(method);
        Random random = new Random(k * 31L + m);
        byte[] object = ShardSets.randomBytes(random, k * shardSize - 5);
        List<Part> all = encode(object, k, m, shardSize);
        assertThat(all.subList(k, k + m)).extracting(Part::data)
                .containsExactlyElementsOf(referenceParity(reference, all, k, m));

        JsonPath json = given().contentType("application/octet-stream").accept("application/json").body(object)
                .queryParam("k", k).queryParam("m", m).queryParam("codec", "leopard")
                .post("/v1/encode").then().statusCode(200).body("codec", equalTo("leopard"))
                .body("shardSize", equalTo(shardSize)).extract().jsonPath();
        for (int i = 0; i < k + m; i++) {
            assertThat(Base64.getDecoder().decode(json.getString("shards[" + i + "].data")))
                    .as("JSON shard %d", i).isEqualTo(all.get(i).data());
        }

        Response parity = form(all.subList(0, k), k, m).post("/v1/parity");
        parity.then().statusCode(200).header("Codec", "leopard");
        assertThat(ShardSets.parseMixed(parity.contentType(), parity.asByteArray())).extracting(Part::data)
                .containsExactlyElementsOf(all.subList(k, k + m).stream().map(Part::data).toList());

        // Any k survivors: the first m data shards lost (every parity shard needed), then a random k.
        List<List<Part>> survivorSets = new ArrayList<>();
        survivorSets.add(all.subList(m, k + m));
        List<Part> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, random);
        survivorSets.add(shuffled.subList(0, k));
        for (List<Part> survivors : survivorSets) {
            assertThat(form(survivors, k, m).queryParam("size", object.length).post("/v1/decode")
                    .then().statusCode(200).header("Codec", "leopard").extract().asByteArray())
                    .as("decoded from %s", survivors.stream().map(Part::index).toList()).isEqualTo(object);
        }

        // Lose m shards, half data, half parity; rebuild them from the JSON set of the rest.
        List<Integer> lost = new ArrayList<>();
        IntStream.range(0, m / 2).forEach(i -> lost.add(1 + 2 * i));
        IntStream.range(m / 2, m).forEach(j -> lost.add(k + j));
        List<Part> kept = all.stream().filter(p -> !lost.contains(p.index())).toList();
        JsonPath rebuilt = given().contentType("application/json").accept("application/json")
                .body(ShardSets.json(kept))
                .queryParam("k", k).queryParam("m", m).queryParam("codec", "leopard")
                .queryParam("want", String.join(",", lost.stream().map(String::valueOf).toList()))
                .post("/v1/reconstruct").then().statusCode(200).extract().jsonPath();
        for (int i = 0; i < lost.size(); i++) {
            assertThat(rebuilt.getInt("shards[" + i + "].index")).isEqualTo(lost.get(i));
            assertThat(Base64.getDecoder().decode(rebuilt.getString("shards[" + i + "].data")))
                    .as("rebuilt shard %d", lost.get(i)).isEqualTo(all.get(lost.get(i)).data());
        }
        Response missing = given().contentType(ShardSets.mixedContentType())
                .body(ShardSets.multipartMixed(kept, true))
                .queryParam("k", k).queryParam("m", m).queryParam("codec", "leopard").post("/v1/reconstruct");
        missing.then().statusCode(200);
        assertThat(ShardSets.parseMixed(missing.contentType(), missing.asByteArray()))
                .extracting(Part::index, p -> Arrays.hashCode(p.data()))
                .containsExactlyElementsOf(lost.stream()
                        .map(i -> org.assertj.core.groups.Tuple.tuple(i, Arrays.hashCode(all.get(i).data()))).toList());

        verify(all, k, m).then().statusCode(200).body("consistent", equalTo(true))
                .body("mismatchedParity", equalTo(List.of()));
        List<Part> tampered = new ArrayList<>(all);
        tampered.set(k + 1, new Part(k + 1, all.get(k + 1).corrupted().data()));
        verify(tampered, k, m).then().statusCode(200).body("consistent", equalTo(false))
                .body("mismatchedParity", equalTo(List.of(k + 1)))
                .body("corruptShards", nullValue());

        // One shard more than m lost: 422.
        form(all.subList(m + 1, k + m), k, m).queryParam("size", object.length).post("/v1/decode")
                .then().statusCode(422).contentType("application/problem+json");
    }

    /** A multipart/form-data request of the parts (names shard-i) with the leopard shape. */
    private static RequestSpecification form(List<Part> parts, int k, int m) {
        RequestSpecification form = given().queryParam("k", k).queryParam("m", m).queryParam("codec", "leopard");
        for (Part part : parts) {
            form = form.multiPart("shard-" + part.index(), "shard-" + part.index() + ".bin", part.data(),
                    "application/octet-stream");
        }
        return form;
    }

    private static Response verify(List<Part> parts, int k, int m) {
        return given().contentType(ShardSets.mixedContentType()).body(ShardSets.multipartMixed(parts, true))
                .queryParam("k", k).queryParam("m", m).queryParam("codec", "leopard").post("/v1/verify");
    }

    /** The parity of the data shards on the scalar reference kernel (heap segments). */
    private static List<byte[]> referenceParity(LeopardCode code, List<Part> all, int k, int m) {
        int shardSize = all.get(0).data().length;
        MemorySegment[] shards = new MemorySegment[k + m];
        for (int i = 0; i < k + m; i++) {
            shards[i] = MemorySegment.ofArray(i < k ? all.get(i).data().clone() : new byte[shardSize]);
        }
        code.encode(shards, CancelSignal.NEVER);
        return IntStream.range(k, k + m).mapToObj(i -> shards[i].toArray(ValueLayout.JAVA_BYTE)).toList();
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

    @Test
    void shardSizeNotAMultipleOf64_is400EvenWhenNoJobWouldRun() {
        // all data shards (decode) or every wanted shard (reconstruct) present: nothing is coded
        List<Part> parts = List.of(new Part(0, null, new byte[100]), new Part(1, null, new byte[100]),
                new Part(2, null, new byte[100]));
        for (Map.Entry<String, String> request : Map.of("/v1/decode", "size", "/v1/reconstruct", "want").entrySet()) {
            given().contentType(ShardSets.mixedContentType()).body(ShardSets.multipartMixed(parts, false))
                    .queryParam("k", 2).queryParam("m", 1).queryParam("codec", "leopard")
                    .queryParam(request.getValue(), "1")
                    .when().post(request.getKey())
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo("/problems/invalid-shard-set"))
                    .body("detail", containsString("shard 0 has 100 bytes; codec leopard needs a shard size that is a"
                            + " multiple of 64 bytes"));
        }
    }
}
