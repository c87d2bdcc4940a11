package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code quarkus.vertx.prefer-native-transport=true}: on Linux x86-64 Netty's epoll transport
 * serves the requests; the chunk loans engage on it as on NIO and the answers are the same.
 * Skipped where the native library cannot load (other platforms).
 */
@QuarkusTest
@TestProfile(EpollTransportTest.Native.class)
class EpollTransportTest extends ApiTestBase {

    public static class Native implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.vertx.prefer-native-transport", "true");
        }
    }

    @Test
    void bodiesAreLentAndAnsweredOverEpoll() {
        Assumptions.assumeTrue(Epoll.isAvailable(), () -> "epoll is not available here: " + Epoll.unavailabilityCause());
        byte[] object = ShardSets.randomBytes(new Random(5), 300_000);
        long lentBefore = ChunkLoans.LENT.sum();
        byte[] echoed = given().contentType("application/octet-stream").body(object).post("/v1/echo")
                .then().statusCode(200).extract().asByteArray();
        assertThat(Arrays.equals(echoed, object)).as("echoed body equals the sent one").isTrue();
        Response encoded = given().contentType("application/octet-stream").body(object).post("/v1/encode?k=4&m=2");
        assertThat(encoded.statusCode()).isEqualTo(200);
        List<ShardSets.Part> parts = ShardSets.parseMixed(encoded.contentType(), encoded.asByteArray());
        assertThat(parts).hasSize(6);
        assertThat(ChunkLoans.LENT.sum()).as("chunks lent over epoll").isGreaterThan(lentBefore);
    }
}
