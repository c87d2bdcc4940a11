package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.api.ShardSets.Part;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** POST /v1/encode and /v1/decode with multipart/mixed: random objects of odd sizes, decoded from any k survivors. */
@QuarkusTest
class EncodeDecodeTest extends ApiTestBase {

    static List<Part> encode(byte[] object, int k, int m, String codec) {
        Response response = given().contentType("application/octet-stream").body(object)
                .queryParam("k", k).queryParam("m", m).queryParam("codec", codec)
                .when().post("/v1/encode")
                .then().statusCode(200)
                .header("Codec", codec)
                .header("Data-Shards", Integer.toString(k))
                .header("Parity-Shards", Integer.toString(m))
                .header("Object-Size", Integer.toString(object.length))
                .extract().response();
        List<Part> parts = ShardSets.parseMixed(response.contentType(), response.asByteArray());
        long shardSize = (object.length + k - 1) / k;
        assertThat(response.header("Shard-Size")).isEqualTo(Long.toString(shardSize));
        assertThat(parts).extracting(Part::index).containsExactlyElementsOf(range(k + m));
        assertThat(parts).allSatisfy(p -> assertThat(p.data()).hasSize((int) shardSize));
        byte[] joined = new byte[(int) (k * shardSize)];
        for (int i = 0; i < k; i++) {
            System.arraycopy(parts.get(i).data(), 0, joined, (int) (i * shardSize), (int) shardSize);
        }
        assertThat(Arrays.copyOf(joined, object.length)).as("data shards are the object").isEqualTo(object);
        assertThat(Arrays.copyOfRange(joined, object.length, joined.length)).as("zero padding")
                .isEqualTo(new byte[joined.length - object.length]);
        return parts;
    }

    static byte[] decode(List<Part> survivors, int k, int m, String codec, long size) {
        return given().contentType(ShardSets.mixedContentType()).body(ShardSets.multipartMixed(survivors, true))
                .queryParam("k", k).queryParam("m", m).queryParam("codec", codec).queryParam("size", size)
                .when().post("/v1/decode")
                .then().statusCode(200).contentType("application/octet-stream")
                .extract().asByteArray();
    }

    static List<Integer> range(int n) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(i);
        }
        return list;
    }

    @ParameterizedTest(name = "encode_{1}x{2}_{0}B_{3} then decode from random k survivors")
    @CsvSource({
        "1, 4, 2, rs-vandermonde",
        "2, 4, 2, rs-cauchy",
        "3, 3, 1, rs-vandermonde",
        "7, 10, 4, rs-cauchy",
        "63, 5, 3, rs-vandermonde",
        "65, 10, 4, rs-vandermonde",
        "65553, 10, 4, rs-cauchy",
        "1048583, 10, 4, rs-vandermonde",
        "1001, 3, 7, zfec",
        "65553, 10, 4, zfec",
        "4097, 21, 4, isal-rs",
        "333, 3, 40, isal-rs",
        "65, 8, 3, jerasure-reed-sol-van",
        "1048583, 10, 4, jerasure-reed-sol-van",
    })
    void encodeThenDecodeFromAnyKSurvivors(int size, int k, int m, String codec) {
        Random random = new Random(size * 31L + k);
        byte[] object = ShardSets.randomBytes(random, size);
        List<Part> parts = encode(object, k, m, codec);
        for (int round = 0; round < 3; round++) {
            List<Part> survivors = new ArrayList<>(parts);
            Collections.shuffle(survivors, random);
            survivors = new ArrayList<>(survivors.subList(0, k));
            survivors.sort((a, b) -> Integer.compare(a.index(), b.index()));
            assertThat(decode(survivors, k, m, codec, size)).as("decoded from %s",
                    survivors.stream().map(Part::index).toList()).isEqualTo(object);
        }
    }

    @Test
    void decodeFromParityOnlySurvivorsProvesTheParity() {
        byte[] object = ShardSets.randomBytes(new Random(7), 4096 + 17);
        List<Part> parts = encode(object, 3, 3, "rs-vandermonde");
        assertThat(decode(parts.subList(3, 6), 3, 3, "rs-vandermonde", object.length)).isEqualTo(object);
    }

    @Test
    void chunkedUploadWithoutContentLengthIsStagedAndEncodedTheSame() {
        byte[] object = ShardSets.randomBytes(new Random(11), 300_001);
        List<Part> fromFixed = encode(object, 6, 3, "rs-vandermonde");
        Response chunked = given().contentType("application/octet-stream").body(new ByteArrayInputStream(object))
                .queryParam("k", 6).queryParam("m", 3).post("/v1/encode").then().statusCode(200).extract().response();
        assertThat(chunked.header("Content-Length")).as("response length is known").isNotNull();
        List<Part> fromChunked = ShardSets.parseMixed(chunked.contentType(), chunked.asByteArray());
        assertThat(fromChunked).extracting(Part::crc32c)
                .containsExactlyElementsOf(fromFixed.stream().map(Part::crc32c).toList());
        assertThat(decode(fromChunked.subList(2, 8), 6, 3, "rs-vandermonde", object.length)).isEqualTo(object);
    }

    @Test
    void corruptedShardIsDiscardedAndNamedButTheObjectStillDecodes() {
        byte[] object = ShardSets.randomBytes(new Random(3), 10_001);
        List<Part> parts = new ArrayList<>(encode(object, 4, 2, "rs-vandermonde"));
        parts.set(1, parts.get(1).corrupted());
        byte[] decoded = given().contentType(ShardSets.mixedContentType()).body(ShardSets.multipartMixed(parts, true))
                .queryParam("k", 4).queryParam("m", 2).queryParam("size", object.length)
                .post("/v1/decode").then().statusCode(200).header("Discarded-Shards", "1").extract().asByteArray();
        assertThat(decoded).isEqualTo(object);
    }

    @Test
    void theSameObjectEncodedTwiceGivesTheSameShards() {
        byte[] object = ShardSets.randomBytes(new Random(5), 777);
        assertThat(encode(object, 5, 2, "rs-cauchy")).extracting(Part::crc32c)
                .containsExactlyElementsOf(encode(object, 5, 2, "rs-cauchy").stream().map(Part::crc32c).toList());
    }

    @Test
    void chunkedShardSetWithLargeShardsIsStagedCompactedAndDecoded() {
        byte[] object = ShardSets.randomBytes(new Random(13), 3 * 200_003);
        List<Part> parts = encode(object, 3, 2, "rs-vandermonde");
        byte[] decoded = given().contentType(ShardSets.mixedContentType())
                .body(new ByteArrayInputStream(ShardSets.multipartMixed(parts.subList(1, 4), true)))
                .queryParam("k", 3).queryParam("m", 2).queryParam("size", object.length)
                .post("/v1/decode").then().statusCode(200).extract().asByteArray();
        assertThat(decoded).isEqualTo(object);
    }
}
