package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code erasure.api.lend-body-chunks=false}: bodies are read as before, and no chunk is lent. */
@QuarkusTest
@TestProfile(ChunkLoansOffTest.Off.class)
class ChunkLoansOffTest extends ApiTestBase {

    public static class Off implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("erasure.api.lend-body-chunks", "false");
        }
    }

    @Test
    void bodiesAreReadWithoutLoans() {
        byte[] object = ShardSets.randomBytes(new Random(3), 500_000);
        long lentBefore = ChunkLoans.LENT.sum();
        byte[] echoed = given().contentType("application/octet-stream").body(object).post("/v1/echo")
                .then().statusCode(200).extract().asByteArray();
        given().contentType("application/octet-stream").body(object).post("/v1/encode?k=4&m=2").then().statusCode(200);
        assertThat(java.util.Arrays.equals(echoed, object)).as("echoed body equals the sent one").isTrue();
        assertThat(ChunkLoans.LENT.sum()).as("chunks lent").isEqualTo(lentBefore);
    }
}
