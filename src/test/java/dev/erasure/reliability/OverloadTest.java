package dev.erasure.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.api.ShardSets;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.job.JobService;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Overload: 64 clients at once against one worker, a queue of two and an 8 MiB native budget
 * (capacity: one running job, two waiting, about five stripes in memory), in two waves. The service
 * keeps answering: every answer is either a correct 200 or a 503 problem with {@code Retry-After};
 * native memory never passes the budget; afterwards memory is back at idle, the queue is empty,
 * and a request succeeds again without intervention.
 */
@QuarkusTest
@TestProfile(ConstrainedProfile.class)
class OverloadTest {

    private static final int CLIENTS = 64;
    private static final int WAVES = 2;
    private static final int OBJECT_SIZE = 1 << 20;
    private static final String ENCODE = "/v1/encode?k=8&m=4";

    @TestHTTPResource("/")
    URI base;

    @Inject
    NativeMemoryPool pool;

    @Inject
    JobService jobs;

    @Test
    void manyClientsAboveCapacity_getCorrectAnswersOr503_andTheServiceRecovers() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicLong peakBytes = new AtomicLong();
        AtomicBoolean storming = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (storming.get()) {
                peakBytes.accumulateAndGet(pool.bytesInUse(), Math::max);
                Thread.onSpinWait();
            }
        });
        int accepted = 0;
        int rejected = 0;
        List<HttpResponse<byte[]>> correct = new ArrayList<>();
        try {
            for (int wave = 0; wave < WAVES; wave++) {
                List<CompletableFuture<HttpResponse<byte[]>>> answers = new ArrayList<>();
                List<byte[]> objects = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    byte[] object = object(wave * CLIENTS + i);
                    objects.add(object);
                    answers.add(client.sendAsync(encode(object), HttpResponse.BodyHandlers.ofByteArray()));
                }
                for (int i = 0; i < CLIENTS; i++) {
                    HttpResponse<byte[]> response = answers.get(i).get(60, TimeUnit.SECONDS);
                    if (response.statusCode() == 200) {
                        accepted++;
                        assertEncodedCorrectly(response, objects.get(i));
                        correct.add(response);
                    } else {
                        rejected++;
                        assertOverloaded(response);
                    }
                }
            }
        } finally {
            storming.set(false);
            sampler.join();
        }
        System.out.printf("overload: %d requests, %d accepted (200, verified), %d refused (503), peak native %d of %d bytes%n",
                CLIENTS * WAVES, accepted, rejected, peakBytes.get(), ConstrainedProfile.BUDGET);

        assertThat(accepted).as("requests served under overload").isPositive();
        assertThat(rejected).as("requests refused with 503").isPositive();
        assertThat(peakBytes.get()).as("peak native bytes").isLessThanOrEqualTo(ConstrainedProfile.BUDGET);
        Memory.awaitIdle(pool);
        assertThat(jobs.queueDepth()).isZero();
        assertThat(verify(client, correct.getFirst())).as("parity of an accepted answer verifies after the storm")
                .isTrue();
        HttpResponse<byte[]> after = client.send(encode(object(-1)), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(after.statusCode()).as("a request after the storm").isEqualTo(200);
        assertEncodedCorrectly(after, object(-1));
        Memory.awaitIdle(pool);
    }

    private HttpRequest encode(byte[] object) {
        return HttpRequest.newBuilder(base.resolve(ENCODE)).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(object)).build();
    }

    private static byte[] object(int seed) {
        byte[] object = new byte[OBJECT_SIZE - 3];
        new Random(seed).nextBytes(object);
        return object;
    }

    /** Twelve parts; the data shards joined are the object (zero-padded); every CRC header matches. */
    private static void assertEncodedCorrectly(HttpResponse<byte[]> response, byte[] object) {
        List<ShardSets.Part> parts = ShardSets.parseMixed(response.headers().firstValue("Content-Type").orElseThrow(),
                response.body());
        assertThat(parts).extracting(ShardSets.Part::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (ShardSets.Part part : parts) {
            assertThat(part.crc32c()).isEqualTo(Bodies.crc(part.data()));
            if (part.index() < 8) {
                data.writeBytes(part.data());
            }
        }
        byte[] joined = data.toByteArray();
        assertThat(Arrays.equals(joined, 0, object.length, object, 0, object.length))
                .as("data shards joined equal the object sent").isTrue();
    }

    private static void assertOverloaded(HttpResponse<byte[]> response) {
        assertThat(response.statusCode()).as("status under overload").isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2");
        JsonObject problem = new JsonObject(new String(response.body(), StandardCharsets.UTF_8));
        assertThat(problem.getString("type")).isEqualTo("/problems/overloaded");
        assertThat(problem.getString("detail")).isNotBlank();
    }

    /** Sends an accepted answer's twelve shards to /v1/verify. */
    private boolean verify(HttpClient client, HttpResponse<byte[]> encoded) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/verify?k=8&m=4"))
                .header("Content-Type", encoded.headers().firstValue("Content-Type").orElseThrow())
                .POST(HttpRequest.BodyPublishers.ofByteArray(encoded.body())).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("verify: %s", response.body()).isEqualTo(200);
        return new JsonObject(response.body()).getBoolean("consistent");
    }
}
