package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code erasure.api.read-in-place=false}: bodies are lent and copied, none is read in place. */
@QuarkusTest
@TestProfile(InPlaceReadsOffTest.Off.class)
class InPlaceReadsOffTest extends ApiTestBase {

    public static class Off implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("erasure.api.read-in-place", "false");
        }
    }

    @Test
    void bodiesAreCopiedNotReadInPlace() {
        byte[] object = ShardSets.randomBytes(new Random(4), 500_000);
        long inPlaceBefore = InPlaceReads.BYTES.sum();
        long lentBefore = ChunkLoans.LENT.sum();
        byte[] echoed = given().contentType("application/octet-stream").body(object).post("/v1/echo")
                .then().statusCode(200).extract().asByteArray();
        given().contentType("application/octet-stream").body(object).post("/v1/encode?k=4&m=2").then().statusCode(200);
        assertThat(Arrays.equals(echoed, object)).as("echoed body equals the sent one").isTrue();
        assertThat(InPlaceReads.BYTES.sum()).as("bytes read in place").isEqualTo(inPlaceBefore);
        assertThat(ChunkLoans.LENT.sum()).as("chunks lent").isGreaterThan(lentBefore);
    }
}
