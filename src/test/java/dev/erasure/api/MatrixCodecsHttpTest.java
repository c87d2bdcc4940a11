package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.erasure.api.ShardSets.Part;
import dev.erasure.codec.CancelSignal;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.ReedSolomon;
import dev.erasure.codec.kernel.ScalarKernel;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * zfec, isal-rs and jerasure-reed-sol-van through every endpoint and shard-set format: encode
 * (multipart/mixed and JSON), parity, decode (form-data), reconstruct (JSON in and out) and verify
 * (multipart/mixed). The parity the service sends is the parity of the codec's own matrix, computed
 * here on the scalar kernel, so a request cannot silently be coded with another matrix.
 */
@QuarkusTest
class MatrixCodecsHttpTest extends ApiTestBase {

    private static final int K = 5;
    private static final int M = 3;
    private static final int SIZE = 4099;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"zfec", "isal-rs", "jerasure-reed-sol-van"})
    void everyEndpointAndFormat(String codec) {
        Random random = new Random(codec.hashCode());
        byte[] object = ShardSets.randomBytes(random, SIZE);
        List<Part> all = EncodeDecodeTest.encode(object, K, M, codec);
        assertThat(all.subList(K, K + M)).extracting(Part::data).containsExactlyElementsOf(expectedParity(codec, all));

        JsonPath json = given().contentType("application/octet-stream").accept("application/json").body(object)
                .queryParam("k", K).queryParam("m", M).queryParam("codec", codec)
                .post("/v1/encode").then().statusCode(200).body("codec", equalTo(codec)).extract().jsonPath();
        for (int i = 0; i < K + M; i++) {
            assertThat(Base64.getDecoder().decode(json.getString("shards[" + i + "].data")))
                    .as("JSON shard %d", i).isEqualTo(all.get(i).data());
        }

        Response parity = given().contentType(ShardSets.mixedContentType())
                .body(ShardSets.multipartMixed(all.subList(0, K), true))
                .queryParam("k", K).queryParam("m", M).queryParam("codec", codec).post("/v1/parity");
        parity.then().statusCode(200).header("Codec", codec);
        assertThat(ShardSets.parseMixed(parity.contentType(), parity.asByteArray())).extracting(Part::data)
                .containsExactlyElementsOf(all.subList(K, K + M).stream().map(Part::data).toList());

        List<Part> survivors = new ArrayList<>(all);
        Collections.shuffle(survivors, random);
        survivors = new ArrayList<>(survivors.subList(0, K));
        var form = given().queryParam("k", K).queryParam("m", M).queryParam("codec", codec).queryParam("size", SIZE);
        for (Part part : survivors) {
            form = form.multiPart("shard-" + part.index(), "shard-" + part.index() + ".bin", part.data(),
                    "application/octet-stream");
        }
        assertThat(form.post("/v1/decode").then().statusCode(200).extract().asByteArray())
                .as("decoded from %s", survivors.stream().map(Part::index).toList()).isEqualTo(object);

        JsonPath rebuilt = given().contentType("application/json").accept("application/json")
                .body(ShardSets.json(all.subList(M, K + M)))
                .queryParam("k", K).queryParam("m", M).queryParam("codec", codec).queryParam("want", "0,1,2")
                .post("/v1/reconstruct").then().statusCode(200).extract().jsonPath();
        for (int i = 0; i < 3; i++) {
            assertThat(rebuilt.getInt("shards[" + i + "].index")).isEqualTo(i);
            assertThat(Base64.getDecoder().decode(rebuilt.getString("shards[" + i + "].data")))
                    .as("rebuilt shard %d", i).isEqualTo(all.get(i).data());
        }

        verify(codec, all).then().statusCode(200).body("consistent", equalTo(true));
        List<Part> tampered = new ArrayList<>(all);
        tampered.set(K + 1, new Part(K + 1, all.get(K + 1).corrupted().data()));
        verify(codec, tampered).then().statusCode(200).body("consistent", equalTo(false))
                .body("mismatchedParity", equalTo(List.of(K + 1)));
    }

    private static Response verify(String codec, List<Part> parts) {
        return given().contentType(ShardSets.mixedContentType()).body(ShardSets.multipartMixed(parts, true))
                .queryParam("k", K).queryParam("m", M).queryParam("codec", codec).post("/v1/verify");
    }

    /** The parity of the data shards as the codec library computes it, on the scalar kernel. */
    private static List<byte[]> expectedParity(String codec, List<Part> all) {
        ReedSolomon code = ReedSolomon.create(CodecKind.fromWireName(codec), K, M, new ScalarKernel());
        MemorySegment[] shards = new MemorySegment[K + M];
        int shardSize = all.get(0).data().length;
        for (int i = 0; i < K + M; i++) {
            shards[i] = MemorySegment.ofArray(i < K ? all.get(i).data().clone() : new byte[shardSize]);
        }
        code.encode(shards, CancelSignal.NEVER);
        List<byte[]> parity = new ArrayList<>();
        for (int i = K; i < K + M; i++) {
            parity.add(shards[i].toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
        return parity;
    }
}
