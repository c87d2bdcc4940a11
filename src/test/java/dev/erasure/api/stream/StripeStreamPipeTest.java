package dev.erasure.api.stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The answer of {@code /v1/stripes/encode}, sent back unchanged (summary part included), decodes
 * to the object; the summary part is only accepted last.
 */
@QuarkusTest
class StripeStreamPipeTest {

    private static final String SHAPE = "k=4&m=2&cell=4096";

    private static Response encode(byte[] object) {
        return given().contentType("application/octet-stream").body(object).post("/v1/stripes/encode?" + SHAPE)
                .then().statusCode(200).extract().response();
    }

    @Test
    void theEncodeAnswerAsItIs_decodesToTheObject() {
        byte[] object = new byte[3 * 4 * 4096 - 1000];
        new Random(7).nextBytes(object);
        Response encoded = encode(object);
        assertThat(encoded.asString()).contains("\"shardCrc32c\"");

        byte[] decoded = given().contentType(encoded.contentType()).body(encoded.asByteArray())
                .post("/v1/stripes/decode?" + SHAPE + "&size=" + object.length)
                .then().statusCode(200).extract().asByteArray();

        assertThat(decoded).isEqualTo(object);
    }

    @Test
    void aCellAfterTheSummaryPart_isRefused() {
        byte[] object = new byte[4 * 4096];
        new Random(8).nextBytes(object);
        Response encoded = encode(object);
        String boundary = encoded.contentType().replaceFirst(".*boundary=\"?([^\";]+)\"?.*", "$1");
        String body = new String(encoded.asByteArray(), StandardCharsets.ISO_8859_1);
        int closing = body.lastIndexOf("\r\n--" + boundary + "--");
        int firstCell = body.indexOf("--" + boundary + "\r\n");
        int secondPart = body.indexOf("\r\n--" + boundary + "\r\n", firstCell + 1);
        // the first cell part again, after the summary
        String reordered = body.substring(0, closing) + "\r\n" + body.substring(firstCell, secondPart) + body.substring(closing);

        given().contentType(encoded.contentType()).body(reordered.getBytes(StandardCharsets.ISO_8859_1))
                .post("/v1/stripes/decode?" + SHAPE + "&size=" + object.length)
                .then().statusCode(400).body(containsString("follows the summary part"));
    }
}
