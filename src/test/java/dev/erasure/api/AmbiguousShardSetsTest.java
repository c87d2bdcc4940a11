package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Shard sets that say one thing twice or in the wrong type are refused, never read one way
 * silently: a checksum must not be skipped, a repeated index or member must not pick a winner.
 * The stripe is "hello" at k = 2, m = 1 (shards "hel" and "lo\0").
 */
@QuarkusTest
class AmbiguousShardSetsTest extends ApiTestBase {

    private static final String SHARD_1 = "{\"index\": 1, \"data\": \"bG8A\"}";

    private static ValidatableResponse json(String body) {
        return given().contentType("application/json").body(body).queryParam("k", 2).queryParam("m", 1)
                .queryParam("size", 5).post("/v1/decode").then();
    }

    private static ValidatableResponse mixed(String firstPartHeaders) {
        String body = "--b\r\n" + firstPartHeaders + "\r\nhel\r\n--b\r\nShard-Index: 1\r\n\r\nlo\0\r\n--b--\r\n";
        return given().contentType("multipart/mixed; boundary=b").body(body.getBytes(StandardCharsets.ISO_8859_1))
                .queryParam("k", 2).queryParam("m", 1).queryParam("size", 5).post("/v1/decode").then();
    }

    private static void refused(ValidatableResponse response, String type, String detail) {
        response.statusCode(400).contentType("application/problem+json").body("type", equalTo("/problems/" + type))
                .body("detail", containsString(detail));
    }

    @Test
    void theSameStripeIsDecodedInBothFormsWhenNothingIsAmbiguous() {
        json("{\"shards\": [{\"index\": 0, \"crc32c\": \"8f25666d\", \"data\": \"aGVs\"}, " + SHARD_1 + "]}")
                .statusCode(200).body(equalTo("hello"));
        mixed("Shard-Index: 0\r\nShard-CRC32C: 8f25666d\r\n").statusCode(200).body(equalTo("hello"));
    }

    @Test
    void aJsonChecksumThatIsNotAStringIsRefusedNotSkipped() {
        // 12345 is not the shard's CRC: skipping it would decode unchecked bytes
        refused(json("{\"shards\": [{\"index\": 0, \"crc32c\": 12345, \"data\": \"aGVs\"}, " + SHARD_1 + "]}"),
                "malformed-body", "shards[0].crc32c must be a string of 8 hex digits");
    }

    @Test
    void aJsonShardWithTwoIndexesIsRefused() {
        refused(json("{\"shards\": [{\"index\": 1, \"index\": 0, \"data\": \"aGVs\"}, " + SHARD_1 + "]}"),
                "malformed-body", "shards[0] has the member \"index\" twice");
    }

    @Test
    void aJsonSetWithTwoShardArraysIsRefused() {
        refused(json("{\"shards\": [], \"shards\": [{\"index\": 0, \"data\": \"aGVs\"}, " + SHARD_1 + "]}"),
                "malformed-body", "the JSON shard set has the member \"shards\" twice");
    }

    @Test
    void unknownJsonMembersMayRepeat() {
        json("{\"note\": 1, \"note\": 2, \"shards\": [{\"index\": 0, \"data\": \"aGVs\"}, " + SHARD_1 + "]}")
                .statusCode(200).body(equalTo("hello"));
    }

    @Test
    void aJsonKOfAnotherTypeIsNamedAsSuch() {
        refused(json("{\"k\": \"2\", \"shards\": [{\"index\": 0, \"data\": \"aGVs\"}, " + SHARD_1 + "]}"),
                "invalid-parameter", "JSON k must be a number equal to the query's k=2 (got the string \"2\")");
    }

    @Test
    void aHugeJsonIndexIsOutOfRangeNotANonInteger() {
        refused(json("{\"shards\": [{\"index\": 4294967296, \"data\": \"aGVs\"}, " + SHARD_1 + "]}"),
                "invalid-shard-set", "shard index 4294967296 is out of range 0..2");
    }

    @Test
    void aPartWithTwoShardIndexHeadersIsRefused() {
        refused(mixed("Shard-Index: 1\r\nShard-Index: 0\r\n"), "malformed-body",
                "part 1 has the header Shard-Index twice");
    }

    @Test
    void aPartWithTwoChecksumsIsRefused() {
        refused(mixed("Shard-Index: 0\r\nShard-CRC32C: 00000000\r\nShard-CRC32C: 8f25666d\r\n"), "malformed-body",
                "part 1 has the header Shard-CRC32C twice");
    }

    @Test
    void otherPartHeadersMayRepeat() {
        mixed("Shard-Index: 0\r\nX-Note: 1\r\nX-Note: 2\r\n").statusCode(200).body(equalTo("hello"));
    }

    @Test
    void aHugeShardIndexHeaderIsOutOfRangeNotANonInteger() {
        refused(mixed("Shard-Index: 4294967296\r\n"), "invalid-shard-set", "shard index 4294967296 is out of range");
        mixed("Shard-Index: 4294967296\r\n").body("detail", not(containsString("must be an integer")));
    }
}
