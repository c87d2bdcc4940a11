package dev.erasure.api;

import static io.restassured.RestAssured.given;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A job that outlives its deadline is cancelled and answered 503 deadline-exceeded with Retry-After; its memory comes back. */
@QuarkusTest
@TestProfile(DeadlineTest.TinyDeadline.class)
class DeadlineTest extends ApiTestBase {

    /** The scalar kernel and a 10 ms deadline: a 56-parity stripe of 1 MB (56 M multiply-adds) cannot make it. */
    public static class TinyDeadline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("erasure.codec.kernel", "scalar", "erasure.jobs.workers", "1",
                    "erasure.jobs.deadline", "10ms", "erasure.jobs.retry-after", "4s");
        }
    }

    @Test
    void aJobPastItsDeadlineIsAnswered503WithRetryAfter() {
        byte[] object = ShardSets.randomBytes(new Random(4), 1_000_000);
        var response = given().contentType("application/octet-stream").body(object).post("/v1/encode?k=200&m=56");
        ProblemsTest.assertProblem(response, 503, "deadline-exceeded", "did not finish within its deadline of 10 ms");
        response.then().header("Retry-After", "4");
    }
}
