package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.erasure.api.ShardSets.Part;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every 4xx row of the contract's error table, provoked: status, problem+json type and a detail
 * that names the value and the rule. (413 and 503 need small limits: {@link SmallLimitsTest}.)
 */
@QuarkusTest
class ProblemsTest extends ApiTestBase {

    static void assertProblem(Response response, int status, String slug, String detail) {
        response.then().statusCode(status).contentType("application/problem+json")
                .body("type", equalTo("/problems/" + slug))
                .body("status", equalTo(status))
                .body("title", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()))
                .body("detail", containsString(detail));
    }

    private static RequestSpecification object() {
        return given().contentType("application/octet-stream").body(new byte[] {1, 2, 3});
    }

    private static List<Part> shards(int count, int size) {
        Random random = new Random(count * 100L + size);
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            parts.add(new Part(i, ShardSets.randomBytes(random, size)));
        }
        return parts;
    }

    private static RequestSpecification mixed(List<Part> parts) {
        return given().contentType(ShardSets.mixedContentType()).body(ShardSets.multipartMixed(parts, true));
    }

    @ParameterizedTest(name = "encode?{0} -> 400 {1}")
    @CsvSource(delimiter = '|', value = {
        "m=2|query parameter k is required",
        "k=4|query parameter m is required",
        "k=four&m=2|k must be an integer (got 'four')",
        "k=0&m=2|k must be >= 1 (got 0)",
        "k=4&m=0|m must be >= 1 (got 0)",
        "k=200&m=100|k + m must be <= 256 (got 300)",
        "k=4&m=2&codec=rs-fancy|codec must be one of rs-vandermonde, rs-cauchy, zfec, isal-rs, jerasure-reed-sol-van, leopard (got 'rs-fancy')",
        "k=32&m=8&codec=isal-rs|isal-rs (ISA-L gf_gen_rs_matrix) is not MDS at k=32, m=8",
        "k=6&m=5&codec=isal-rs|use codec=rs-cauchy, which is MDS for every k + m <= 256",
        "k=200&m=100&codec=zfec|k + m must be <= 256 (got 300)",
    })
    void badParametersAreRefusedBeforeTheBodyIsRead(String query, String detail) {
        assertProblem(object().post("/v1/encode?" + query), 400, "invalid-parameter", detail);
    }

    @Test
    void decodeParametersSizeAndReconstructWant() {
        assertProblem(mixed(shards(4, 8)).post("/v1/decode?k=4&m=2"), 400, "invalid-parameter",
                "query parameter size is required");
        assertProblem(mixed(shards(4, 8)).post("/v1/decode?k=4&m=2&size=0"), 400, "invalid-parameter",
                "size must be >= 1 (got 0)");
        assertProblem(mixed(shards(4, 8)).post("/v1/decode?k=4&m=2&size=33"), 400, "invalid-parameter",
                "size must be <= k * shardSize = 4 * 8 = 32 (got 33)");
        assertProblem(mixed(shards(4, 8)).post("/v1/reconstruct?k=4&m=2&want=1,6"), 400, "invalid-parameter",
                "want index 6 is out of range 0..5 (k + m = 6)");
        assertProblem(mixed(shards(4, 8)).post("/v1/reconstruct?k=4&m=2&want=x"), 400, "invalid-parameter",
                "want must be an integer (got 'x')");
    }

    @Test
    void emptyObjectIsRefused() {
        assertProblem(given().contentType("application/octet-stream").body(new byte[0]).post("/v1/encode?k=4&m=2"),
                400, "malformed-body", "the object is empty");
    }

    @Test
    void malformedMultipartAndJson() {
        byte[] truncated = "--test-boundary-7f3a\r\nShard-Index: 0\r\n\r\nabc".getBytes(StandardCharsets.ISO_8859_1);
        assertProblem(given().contentType(ShardSets.mixedContentType()).body(truncated).post("/v1/reconstruct?k=2&m=1"),
                400, "malformed-body", "ended before the closing delimiter --test-boundary-7f3a--");
        assertProblem(given().contentType("multipart/mixed").body(truncated).post("/v1/reconstruct?k=2&m=1"),
                400, "malformed-body", "has no boundary parameter");
        assertProblem(given().contentType("application/json").body("{\"shards\": [").post("/v1/reconstruct?k=2&m=1"),
                400, "malformed-body", "not a JSON object");
        assertProblem(given().contentType("application/json").body("{\"shards\":[{\"index\":0,\"data\":\"***\"}]}")
                .post("/v1/reconstruct?k=2&m=1"), 400, "malformed-body", "shards[0].data is not valid base64");
    }

    @Test
    void duplicateOutOfRangeAndUnequalShards() {
        List<Part> twice = new ArrayList<>(shards(3, 8));
        twice.add(new Part(1, new byte[8]));
        assertProblem(mixed(twice).post("/v1/reconstruct?k=2&m=2"), 400, "invalid-shard-set",
                "shard index 1 appears twice (part 4)");
        assertProblem(mixed(shards(5, 8)).post("/v1/reconstruct?k=2&m=2"), 400, "invalid-shard-set",
                "shard index 4 is out of range 0..3 (k + m = 4)");
        List<Part> unequal = new ArrayList<>(shards(2, 8));
        unequal.add(new Part(2, new byte[9]));
        assertProblem(mixed(unequal).post("/v1/reconstruct?k=2&m=2"), 400, "invalid-shard-set",
                "shards must have equal sizes: shard 2 has at least 9 bytes, the first shard had 8");
        List<Part> shorter = new ArrayList<>(shards(2, 8));
        shorter.add(new Part(2, new byte[5]));
        assertProblem(mixed(shorter).post("/v1/reconstruct?k=2&m=2"), 400, "invalid-shard-set",
                "shard 2 has 5 bytes, the first shard had 8");
        assertProblem(given().contentType("application/json").body(ShardSets.json(unequal))
                .post("/v1/reconstruct?k=2&m=2"), 400, "invalid-shard-set", "shards must have equal sizes");
    }

    @Test
    void partHeadersAreChecked() {
        String noIndex = "--b\r\nContent-Type: application/octet-stream\r\n\r\nabc\r\n--b--\r\n";
        assertProblem(given().contentType("multipart/mixed; boundary=b").body(noIndex.getBytes(StandardCharsets.ISO_8859_1)).post("/v1/reconstruct?k=2&m=1"),
                400, "invalid-shard-set", "part 1 has neither a Shard-Index header nor a form-data name shard-<index>");
        String badCrc = "--b\r\nShard-Index: 0\r\nShard-CRC32C: xyz\r\n\r\nabc\r\n--b--\r\n";
        assertProblem(given().contentType("multipart/mixed; boundary=b").body(badCrc.getBytes(StandardCharsets.ISO_8859_1)).post("/v1/reconstruct?k=2&m=1"),
                400, "malformed-body", "Shard-CRC32C of part 1 must be 8 hex digits (got 'xyz')");
    }

    @Test
    void parityAndVerifyNeedTheirExactShardSets() {
        assertProblem(mixed(shards(3, 8)).post("/v1/parity?k=2&m=2"), 400, "invalid-shard-set",
                "parity takes the data shards 0..1 only (got index 2)");
        assertProblem(mixed(shards(1, 8)).post("/v1/parity?k=2&m=2"), 400, "invalid-shard-set",
                "parity needs all of shards 0..1, missing: [1]");
        assertProblem(mixed(shards(3, 8)).post("/v1/verify?k=2&m=2"), 400, "invalid-shard-set",
                "verify needs all of shards 0..3, missing: [3]");
    }

    @Test
    void unsupportedContentTypes() {
        assertProblem(given().contentType("text/plain").body("hello").post("/v1/encode?k=2&m=1"), 415,
                "unsupported-media-type", "Content-Type text/plain");
        assertProblem(given().contentType("application/xml").body("<a/>").post("/v1/decode?k=2&m=1&size=3"), 415,
                "unsupported-media-type", "use multipart/mixed, multipart/form-data or application/json");
    }

    @Test
    void tooFewUsableShardsListsReceivedAndDiscarded() {
        List<Part> parts = new ArrayList<>(shards(4, 16));
        parts.set(1, parts.get(1).corrupted());
        parts.set(3, parts.get(3).corrupted());
        Response response = mixed(parts.subList(0, 4)).post("/v1/decode?k=3&m=2&size=40");
        assertProblem(response, 422, "too-few-shards",
                "decode needs at least 3 usable shards, got 2 (received: [0,1,2,3], discarded for CRC-32C mismatch: [1,3])");
        assertProblem(mixed(shards(2, 16)).post("/v1/reconstruct?k=3&m=2"), 422, "too-few-shards",
                "received: [0,1], discarded for CRC-32C mismatch: []");
    }

    @Test
    void wrongMethodIs405WithAllow() {
        Response response = given().get("/v1/encode?k=2&m=1");
        response.then().header("Allow", "POST");
        assertProblem(response, 405, "method-not-allowed", "GET is not allowed on /v1/encode; use POST");
        assertProblem(given().contentType(ShardSets.mixedContentType()).body(new byte[0]).put("/v1/reconstruct?k=2&m=1"),
                405, "method-not-allowed", "PUT is not allowed on /v1/reconstruct; use POST");
    }

    @Test
    void anErrorForARequestWithoutBodyKeepsTheConnection_oneWithAnUnreadBodyClosesIt() {
        // nothing left unread: no reason to make a keep-alive client reconnect
        given().get("/v1/encode?k=2&m=1").then().statusCode(405).header("Connection", nullValue());
        given().get("/v1/nothing").then().statusCode(404).header("Connection", nullValue());
        given().post("/v1/encode?k=0&m=1").then().statusCode(400).header("Connection", nullValue());
        // a body that was not read: the connection is closed after the answer
        object().post("/v1/encode?k=0&m=1").then().statusCode(400).header("Connection", "close");
    }

    @Test
    void unknownV1PathIs404ProblemJson() {
        assertProblem(object().post("/v1/encoder?k=2&m=1"), 404, "not-found",
                "there is no endpoint /v1/encoder; the endpoints are /v1/codecs, /v1/decode, /v1/echo, /v1/encode, /v1/parity,"
                        + " /v1/reconstruct, /v1/stripes/decode, /v1/stripes/encode, /v1/stripes/reconstruct, /v1/verify");
        assertProblem(given().get("/v1/nothing/here"), 404, "not-found", "there is no endpoint /v1/nothing/here");
    }

    @ParameterizedTest(name = "{0} -> 400 {1}")
    @CsvSource(delimiter = '|', value = {
        "/v1/encode?k=4&k=5&m=2|query parameter k is given 2 times ('4', '5'); give it once",
        "/v1/encode?k=4&m=2&m=2|query parameter m is given 2 times ('2', '2'); give it once",
        "/v1/encode?k=4&m=2&codec=rs-cauchy&codec=rs-vandermonde|query parameter codec is given 2 times",
        "/v1/decode?k=4&m=2&size=3&size=4|query parameter size is given 2 times ('3', '4')",
        "/v1/reconstruct?k=4&m=2&want=1&want=2|query parameter want is given 2 times ('1', '2')",
    })
    void aRepeatedQueryParameterIsRefused(String path, String detail) {
        assertProblem(mixed(shards(4, 8)).post(path), 400, "invalid-parameter", detail);
    }

    @ParameterizedTest(name = "want={0} -> 400")
    @CsvSource(delimiter = '|', value = {
        "4294967296|want index 4294967296 is out of range 0..5 (k + m = 6)",
        "1,4294967297|want index 4294967297 is out of range 0..5 (k + m = 6)",
        "-4294967295|want index -4294967295 is out of range 0..5 (k + m = 6)",
        "99999999999999999999|want must be an integer (got '99999999999999999999')",
    })
    void aWantBeyondIntIsRefusedNotWrapped(String want, String detail) {
        assertProblem(mixed(shards(4, 8)).post("/v1/reconstruct?k=4&m=2&want=" + want), 400, "invalid-parameter", detail);
    }

    @ParameterizedTest(name = "want=''{0}'' -> 400")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "\"\"|want has an empty item (got '')",
        "1,2,|want has an empty item (got '1,2,')",
        "1,,2|want has an empty item (got '1,,2')",
    })
    void aWantWithAnEmptyItemSaysSo(String want, String detail) {
        assertProblem(mixed(shards(4, 8)).post("/v1/reconstruct?k=4&m=2&want=" + want), 400, "invalid-parameter", detail);
    }

    @Test
    void malformedJsonIsExplainedInTheContractsWords() {
        Response response = given().contentType("application/json").body("{\"shards\": x}").post("/v1/parity?k=2&m=1");
        assertProblem(response, 400, "malformed-body",
                "request body is not a JSON object {\"shards\": [...]}: it is not valid JSON at line 1, column ");
        response.then().body("detail", org.hamcrest.Matchers.not(containsString("Unexpected")));
    }

    @Test
    void afterErrorsTheNextRequestSucceeds() {
        assertProblem(object().post("/v1/encode?k=0&m=1"), 400, "invalid-parameter", "k must be >= 1");
        object().post("/v1/encode?k=2&m=1").then().statusCode(200);
    }
}
