package dev.erasure.api.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Access control switched on: which paths need a key, what a missing or wrong key gets, that both
 * header forms and both configured keys work, that rejections are counted by reason, and that no
 * key reaches the log.
 */
@QuarkusTest
@TestProfile(SecuredProfile.class)
class AccessControlTest {

    private static final String KEY = SecuredProfile.CURRENT_KEY;
    private static final String WRONG_KEY = "wrong-key-but-long-enough-4242";

    @BeforeAll
    static void logOnFailure() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    private static RequestSpecification withKey() {
        return given().header("X-API-Key", KEY);
    }

    @Test
    void healthProbes_needNoKey() {
        for (String probe : new String[] {"/q/health", "/q/health/live", "/q/health/ready", "/q/health/started"}) {
            given().get(probe).then().statusCode(200).body("status", equalTo("UP"));
        }
    }

    @Test
    void everyOtherPath_withoutKey_is401WithChallengeAndProblem() {
        for (String path : new String[] {"/q/metrics", "/q/openapi", "/q/swagger-ui", "/q/swagger-ui/",
                "/q/health/../metrics", "/nowhere"}) {
            given().get(path).then()
                    .statusCode(401)
                    .header("WWW-Authenticate", "Bearer realm=\"erasure-service\"")
                    .contentType("application/problem+json")
                    .body("type", equalTo("/problems/unauthorized"))
                    .body("status", equalTo(401))
                    .body("detail", startsWith("this endpoint requires an API key"));
        }
        given().queryParam("k", 2).queryParam("m", 1).contentType("application/octet-stream").body(new byte[100])
                .post("/v1/encode").then().statusCode(401).body("type", equalTo("/problems/unauthorized"));
    }

    @Test
    void wrongKey_is403_inBothHeaderForms() {
        given().header("X-API-Key", WRONG_KEY).get("/q/metrics").then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("/problems/forbidden"))
                .body("detail", equalTo("the API key is not accepted"));
        given().header("Authorization", "Bearer " + WRONG_KEY).get("/q/openapi").then().statusCode(403);
    }

    @Test
    void otherAuthorizationSchemes_andEmptyKeys_are401() {
        given().header("Authorization", "Basic dXNlcjpwYXNz").get("/q/metrics").then()
                .statusCode(401).header("WWW-Authenticate", "Bearer realm=\"erasure-service\"")
                .body("detail", startsWith("the Authorization header must use the Bearer scheme"));
        given().header("Authorization", "Bearer ").get("/q/metrics").then().statusCode(401);
        given().header("X-API-Key", " ").get("/q/metrics").then().statusCode(401);
    }

    @Test
    void acceptedKeys_reachTheEndpoints_inBothHeaderForms() {
        withKey().get("/q/metrics").then().statusCode(200);
        given().header("Authorization", "Bearer " + KEY).get("/q/openapi").then().statusCode(200);
        given().header("Authorization", "bearer " + SecuredProfile.PREVIOUS_KEY).get("/q/metrics").then().statusCode(200);
        // With a key the request reaches the API, which answers its own 400 for the missing k.
        withKey().contentType("application/octet-stream").body(new byte[10]).post("/v1/encode").then()
                .statusCode(400).body("type", equalTo("/problems/invalid-parameter"));
    }

    @Test
    void rejections_areCountedByReason() {
        double missing = rejections("missing");
        double malformed = rejections("malformed");
        double invalid = rejections("invalid");

        given().get("/q/metrics").then().statusCode(401);
        given().get("/q/openapi").then().statusCode(401);
        given().header("Authorization", "Digest x").get("/q/metrics").then().statusCode(401);
        given().header("X-API-Key", WRONG_KEY).get("/q/metrics").then().statusCode(403);

        assertThat(rejections("missing")).isEqualTo(missing + 2);
        assertThat(rejections("malformed")).isEqualTo(malformed + 1);
        assertThat(rejections("invalid")).isEqualTo(invalid + 1);
    }

    @Test
    void keys_neverReachTheLog() throws IOException {
        given().header("X-API-Key", WRONG_KEY).get("/q/metrics").then().statusCode(403);
        withKey().get("/q/metrics").then().statusCode(200);

        Path log = Path.of("target/quarkus-test.log");
        assertThat(log).exists();
        String text = Files.readString(log);
        assertThat(text).contains("Access control: enabled, 2 API key(s) accepted");
        assertThat(text).doesNotContain(KEY, SecuredProfile.PREVIOUS_KEY, WRONG_KEY);
    }

    private static double rejections(String reason) {
        String metrics = withKey().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher line = Pattern.compile("^erasure_auth_rejections_total\\{reason=\"" + reason + "\"\\} (\\S+)$",
                Pattern.MULTILINE).matcher(metrics);
        assertThat(line.find()).as("series erasure_auth_rejections_total{reason=%s}", reason).isTrue();
        return Double.parseDouble(line.group(1));
    }
}
