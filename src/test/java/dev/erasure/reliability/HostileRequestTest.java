package dev.erasure.reliability;

import static dev.erasure.reliability.Bodies.ascii;
import static dev.erasure.reliability.Bodies.filled;
import static dev.erasure.reliability.Bodies.multipart;
import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.reliability.Bodies.Part;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of hostile requests: each row is one malformed, inconsistent or oversized request and
 * the contract's answer to it (status, problem type, a precise detail). After every row the native
 * bytes in use are back at idle (0) and a valid request still succeeds: no input leaves the service
 * worse off.
 */
@QuarkusTest
class HostileRequestTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String OCTETS = "application/octet-stream";
    private static final byte[] SHARD = filled(64, 7);

    @TestHTTPResource("/")
    URI base;

    @Inject
    NativeMemoryPool pool;

    @Inject
    MeterRegistry registry;

    /** One row: what is sent and what must come back. */
    record Row(String path, String contentType, byte[] body, int status, String type, String detail) {
        @Override
        public String toString() {
            return path + " [" + contentType + ", " + body.length + " bytes] -> " + status + " " + type;
        }
    }

    private static Arguments row(String name, String path, String contentType, byte[] body, int status, String type,
            String detail) {
        return Arguments.of(name, new Row(path, contentType, body, status, type, detail));
    }

    static Stream<Arguments> rows() {
        byte[] object = filled(1000, 1);
        byte[] twoShards = multipart(Part.shard(0, SHARD), Part.shard(1, SHARD));
        return Stream.of(
                // parameters
                row("k=0", "/v1/encode?k=0&m=1", OCTETS, object, 400, "invalid-parameter", "k must be >= 1 (got 0)"),
                row("m=0", "/v1/encode?k=2&m=0", OCTETS, object, 400, "invalid-parameter", "m must be >= 1 (got 0)"),
                row("k+m=257", "/v1/encode?k=200&m=57", OCTETS, object, 400, "invalid-parameter",
                        "k + m must be <= 256 (got 257)"),
                row("k negative", "/v1/encode?k=-3&m=1", OCTETS, object, 400, "invalid-parameter", "k must be >= 1 (got -3)"),
                row("k huge", "/v1/encode?k=4294967297&m=1", OCTETS, object, 400, "invalid-parameter", "k must be <= 256"),
                row("k beyond long", "/v1/encode?k=99999999999999999999999&m=1", OCTETS, object, 400,
                        "invalid-parameter", "k must be an integer"),
                row("k not numeric", "/v1/encode?k=ten&m=1", OCTETS, object, 400, "invalid-parameter",
                        "k must be an integer (got 'ten')"),
                row("k missing", "/v1/encode?m=1", OCTETS, object, 400, "invalid-parameter", "query parameter k is required"),
                row("codec unknown", "/v1/encode?k=2&m=1&codec=rs-magic", OCTETS, object, 400, "invalid-parameter",
                        "rs-magic"),
                row("size negative", "/v1/decode?k=2&m=1&size=-5", Bodies.MIXED, twoShards, 400, "invalid-parameter",
                        "size must be >= 1 (got -5)"),
                row("size not numeric", "/v1/decode?k=2&m=1&size=1e3", Bodies.MIXED, twoShards, 400,
                        "invalid-parameter", "size must be an integer (got '1e3')"),
                row("size beyond the shards", "/v1/decode?k=2&m=1&size=1000000000000", Bodies.MIXED, twoShards, 400,
                        "invalid-parameter", "size"),
                row("want out of range", "/v1/reconstruct?k=2&m=1&want=3", Bodies.MIXED, twoShards, 400,
                        "invalid-parameter", "want index 3 is out of range 0..2"),
                row("want twice", "/v1/reconstruct?k=2&m=1&want=2,2", Bodies.MIXED, twoShards, 400,
                        "invalid-parameter", "want lists index 2 twice"),
                row("want beyond int", "/v1/reconstruct?k=2&m=1&want=4294967296", Bodies.MIXED, twoShards, 400,
                        "invalid-parameter", "want index 4294967296 is out of range 0..2"),
                row("k repeated", "/v1/encode?k=4&k=5&m=1", OCTETS, object, 400, "invalid-parameter",
                        "query parameter k is given 2 times ('4', '5'); give it once"),
                row("want repeated", "/v1/reconstruct?k=2&m=1&want=0&want=2", Bodies.MIXED, twoShards, 400,
                        "invalid-parameter", "query parameter want is given 2 times"),
                row("JSON cut short", "/v1/parity?k=2&m=1", "application/json", ascii("{\"shards\": [{\"index\""), 400,
                        "malformed-body", "it ends before the JSON is complete"),
                row("want not numeric", "/v1/reconstruct?k=2&m=1&want=two", Bodies.MIXED, twoShards, 400,
                        "invalid-parameter", "want must be an integer"),
                // content types and empty bodies
                row("encode empty body", "/v1/encode?k=2&m=1", OCTETS, new byte[0], 400, "malformed-body",
                        "the object is empty"),
                row("encode as text", "/v1/encode?k=2&m=1", "text/plain", object, 415, "unsupported-media-type",
                        "Content-Type text/plain is not supported here"),
                row("shard set as octets", "/v1/parity?k=2&m=1", OCTETS, twoShards, 415, "unsupported-media-type",
                        "use multipart/mixed, multipart/form-data or application/json"),
                row("shard set as xml", "/v1/decode?k=2&m=1&size=10", "application/xml", twoShards, 415,
                        "unsupported-media-type", "application/xml"),
                row("shard set empty", "/v1/parity?k=2&m=1", Bodies.MIXED, new byte[0], 400, "malformed-body",
                        "no boundary delimiter"),
                // multipart framing
                row("no boundary parameter", "/v1/parity?k=2&m=1", "multipart/mixed", twoShards, 400, "malformed-body",
                        "has no boundary parameter"),
                row("wrong boundary", "/v1/parity?k=2&m=1", "multipart/mixed; boundary=other", twoShards, 400,
                        "malformed-body", "no boundary delimiter --other"),
                row("truncated multipart", "/v1/parity?k=2&m=1", Bodies.MIXED,
                        multipart(Bodies.BOUNDARY, false, Part.shard(0, SHARD), Part.shard(1, SHARD)), 400,
                        "malformed-body", "ended before the closing delimiter"),
                row("truncated in a header", "/v1/parity?k=2&m=1", Bodies.MIXED,
                        ascii("--" + Bodies.BOUNDARY + "\r\nShard-Ind"), 400, "malformed-body", "ended before"),
                row("closing delimiter only", "/v1/parity?k=2&m=1", Bodies.MIXED,
                        ascii("--" + Bodies.BOUNDARY + "--\r\n"), 400, "invalid-shard-set", "no parts"),
                row("10^5 tiny parts", "/v1/reconstruct?k=128&m=128", Bodies.MIXED, Bodies.tinyParts(100_000), 400,
                        "invalid-shard-set", "shard index 0 appears twice (part 257)"),
                row("part header too large", "/v1/parity?k=2&m=1", Bodies.MIXED,
                        multipart(new Part("Shard-Index: 0\r\nX-Padding: " + "p".repeat(9000), SHARD)), 400,
                        "malformed-body", "header block of part 1 exceeds 8192 bytes"),
                row("header line without colon", "/v1/parity?k=2&m=1", Bodies.MIXED,
                        multipart(new Part("Shard-Index 0", SHARD)), 400, "malformed-body", "malformed header line"),
                // shard sets
                row("duplicate index", "/v1/parity?k=2&m=1", Bodies.MIXED,
                        multipart(Part.shard(0, SHARD), Part.shard(0, SHARD)), 400, "invalid-shard-set",
                        "shard index 0 appears twice"),
                row("index out of range", "/v1/decode?k=2&m=1&size=100", Bodies.MIXED,
                        multipart(Part.shard(0, SHARD), Part.shard(3, SHARD)), 400, "invalid-shard-set",
                        "shard index 3 is out of range 0..2"),
                row("index negative", "/v1/decode?k=2&m=1&size=100", Bodies.MIXED, multipart(Part.shard(-1, SHARD)),
                        400, "invalid-shard-set", "shard index -1 is out of range"),
                row("index not numeric", "/v1/decode?k=2&m=1&size=100", Bodies.MIXED,
                        multipart(new Part("Shard-Index: one", SHARD)), 400, "invalid-shard-set", "must be an integer"),
                row("no index", "/v1/decode?k=2&m=1&size=100", Bodies.MIXED,
                        multipart(new Part("Content-Type: application/octet-stream", SHARD)), 400, "invalid-shard-set",
                        "neither a Shard-Index header nor a form-data name"),
                row("unequal sizes", "/v1/parity?k=2&m=1", Bodies.MIXED,
                        multipart(Part.shard(0, SHARD), Part.shard(1, filled(65, 1))), 400, "invalid-shard-set",
                        "shards must have equal sizes"),
                row("empty shard", "/v1/parity?k=2&m=1", Bodies.MIXED, multipart(Part.shard(0, new byte[0])), 400,
                        "invalid-shard-set", "is empty"),
                row("crc not hex", "/v1/parity?k=2&m=1", Bodies.MIXED,
                        multipart(Part.shardWithCrc(0, SHARD, "zzzz"), Part.shard(1, SHARD)), 400, null, "CRC"),
                row("wrong crc leaves too few", "/v1/parity?k=2&m=1", Bodies.MIXED,
                        multipart(Part.shardWithCrc(0, SHARD, "00000000"), Part.shard(1, SHARD)), 422, "too-few-shards",
                        "discarded for CRC-32C mismatch: [0]"),
                row("too few shards", "/v1/decode?k=2&m=1&size=100", Bodies.MIXED, multipart(Part.shard(2, SHARD)), 422,
                        "too-few-shards", "needs at least 2 usable shards, got 1"),
                // JSON shard sets
                row("json not json", "/v1/parity?k=2&m=1", "application/json", ascii("{\"shards\":[{"), 400,
                        "malformed-body", "not a JSON object"),
                row("json not an object", "/v1/parity?k=2&m=1", "application/json", ascii("[1,2,3]"), 400,
                        "malformed-body", "not a JSON object"),
                row("json nested 100000 deep", "/v1/parity?k=2&m=1", "application/json",
                        ascii("{\"shards\":" + "[".repeat(100_000)), 400, "malformed-body", "shards[0] must be an object"),
                row("json nested 100000 deep in an unknown member", "/v1/parity?k=2&m=1", "application/json",
                        ascii("{\"x\":" + "[".repeat(100_000)), 400, "malformed-body", "deeper than 32 levels"),
                row("json string of 2000 characters", "/v1/parity?k=2&m=1", "application/json",
                        ascii("{\"codec\":\"" + "x".repeat(2000) + "\"}"), 400, "malformed-body",
                        "a string other than a shard's data is longer than 1024 characters"),
                row("json invalid base64", "/v1/parity?k=2&m=1", "application/json",
                        ascii("{\"shards\":[{\"index\":0,\"data\":\"***not base64***\"}]}"), 400, "malformed-body",
                        "shards[0].data is not valid base64"),
                row("json index as text", "/v1/parity?k=2&m=1", "application/json",
                        ascii("{\"shards\":[{\"index\":\"0\",\"data\":\"AAAA\"}]}"), 400, "malformed-body",
                        "shards[0].index must be an integer"),
                row("json index huge", "/v1/parity?k=2&m=1", "application/json",
                        ascii("{\"shards\":[{\"index\":1e300,\"data\":\"AAAA\"}]}"), 400, null, "index"),
                row("json k disagrees", "/v1/parity?k=2&m=1", "application/json",
                        ascii("{\"k\":3,\"shards\":[{\"index\":0,\"data\":\"AAAA\"}]}"), 400, "invalid-parameter",
                        "JSON k=3 differs from the query's k=2"),
                row("json duplicate index", "/v1/parity?k=2&m=1", "application/json",
                        ascii("{\"shards\":[{\"index\":0,\"data\":\"AAAA\"},{\"index\":0,\"data\":\"AAAA\"}]}"), 400,
                        "invalid-shard-set", "shard index 0 appears twice"),
                row("json 10^5 shards", "/v1/parity?k=2&m=1", "application/json",
                        ascii("{\"shards\":[" + "{},".repeat(100_000) + "{}]}"), 400, "malformed-body",
                        "shards[0].index must be an integer"),
                row("json no shards", "/v1/parity?k=2&m=1", "application/json", ascii("{\"shards\":[]}"), 400,
                        "invalid-shard-set", "no shards"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void hostileRequest_getsTheContractsAnswer(String name, Row row) throws IOException, InterruptedException {
        double refusedBefore = refusedCount();
        HttpResponse<String> response = send(row.path(), row.contentType(), row.body());

        assertThat(response.statusCode()).as("status of %s; body %s", name, response.body()).isEqualTo(row.status());
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonObject problem = new JsonObject(response.body());
        if (row.type() != null) {
            assertThat(problem.getString("type")).isEqualTo("/problems/" + row.type());
        }
        assertThat(problem.getInteger("status")).isEqualTo(row.status());
        assertThat(problem.getString("detail")).contains(row.detail());
        assertThat(response.body()).doesNotContain("Exception", "\tat ", "dev.erasure.");
        String reason = problem.getString("type").substring("/problems/".length());
        assertThat(refusedCount() - refusedBefore).as("refusals counted for %s", name).isEqualTo(1.0);
        assertThat(registry.get("erasure.requests.refused").tags("status", Integer.toString(row.status()), "reason", reason)
                .counter().count()).as("erasure.requests.refused{%s, %s}", row.status(), reason).isPositive();
    }

    private double refusedCount() {
        return registry.find("erasure.requests.refused").counters().stream().mapToDouble(Counter::count).sum();
    }

    /** After every row: memory back to idle, and the next valid request succeeds. */
    @AfterEach
    void serviceIsNoWorseOff() throws IOException, InterruptedException {
        Memory.awaitIdle(pool);
        HttpResponse<String> valid = send("/v1/encode?k=2&m=1", OCTETS, filled(100, 3));
        assertThat(valid.statusCode()).as("a valid encode after the hostile request").isEqualTo(200);
        Memory.awaitIdle(pool);
    }

    private HttpResponse<String> send(String path, String contentType, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
