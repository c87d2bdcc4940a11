package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The transport-only baseline POST /v1/echo, and the static OpenAPI description served at /q/openapi. */
@QuarkusTest
class EchoAndOpenApiTest extends ApiTestBase {

    @ParameterizedTest(name = "echo_{0}B")
    @ValueSource(ints = {1, 7, 65, 65_537, 1_048_583})
    void echoReturnsTheBodyUnchangedWithAndWithoutContentLength(int size) {
        byte[] body = ShardSets.randomBytes(new Random(size), size);
        byte[] fixed = given().contentType("application/octet-stream").body(body).post("/v1/echo")
                .then().statusCode(200).contentType("application/octet-stream").extract().asByteArray();
        assertThat(fixed).isEqualTo(body);
        byte[] chunked = given().contentType("application/octet-stream").body(new ByteArrayInputStream(body))
                .post("/v1/echo").then().statusCode(200).extract().asByteArray();
        assertThat(chunked).isEqualTo(body);
    }

    @Test
    void openApiDescribesEveryRouteAndTheProblemTypes() {
        given().accept("application/yaml").get("/q/openapi").then().statusCode(200)
                .body(containsString("/v1/encode:"))
                .body(containsString("/v1/parity:"))
                .body(containsString("/v1/decode:"))
                .body(containsString("/v1/reconstruct:"))
                .body(containsString("/v1/verify:"))
                .body(containsString("/v1/echo:"))
                .body(containsString("application/problem+json"))
                .body(containsString("k + m must be <= 256 (got 300)"));
    }

    @Test
    void theOpenApiEncodeExampleIsWhatTheServiceAnswers() {
        Object example = given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200)
                .extract().jsonPath().get("paths.'/v1/encode'.post.responses.'200'.content.'application/json'.example");
        Object actual = given().contentType("application/octet-stream").accept("application/json")
                .body("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).post("/v1/encode?k=2&m=1")
                .then().statusCode(200).extract().jsonPath().get("$");
        assertThat(actual).isEqualTo(example);
    }
}
