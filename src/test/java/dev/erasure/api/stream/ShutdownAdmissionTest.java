package dev.erasure.api.stream;

import static io.restassured.RestAssured.given;
import static dev.erasure.api.stream.ShutdownStreams.readStripe;
import static dev.erasure.api.stream.ShutdownStreams.startStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.job.JobService;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the shutdown's request admission does to the HTTP side, driven through {@link JobService#admission()}
 * as the stop drives it (closed after the delay, aborted at the drain deadline), without stopping the
 * application: requests admitted before the close keep going and finish whole, with the connection
 * closed after their response; requests arriving after it get 503 {@code /problems/shutting-down}
 * with Retry-After and {@code Connection: close}, counted as rejections; a stream still running at
 * the deadline ends with the final problem part and a cut-off body. Its own profile: the application
 * it closes is not shared with other tests.
 */
@QuarkusTest
@TestProfile(ShutdownAdmissionTest.Profile.class)
class ShutdownAdmissionTest {

    /**
     * A profile of its own (admission never reopens); a Retry-After that tells it apart from the
     * default; no minimum body rate, since the test holds uploads half-sent on purpose.
     */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("erasure.jobs.retry-after", "7s", "erasure.api.min-body-rate", "0");
        }
    }

    private static final int K = ShutdownStreams.K;
    private static final int M = ShutdownStreams.M;
    private static final int CELL = ShutdownStreams.CELL;
    private static final int STRIPE = ShutdownStreams.STRIPE;

    @TestHTTPResource("/")
    URI base;

    @Inject
    JobService jobs;

    @Inject
    NativeMemoryPool pool;

    @AfterEach
    void nothingHeld() throws InterruptedException {
        for (int i = 0; i < 1000 && (pool.bytesInUse() != 0 || pool.openArenas() != 0); i++) {
            Thread.sleep(10);
        }
        assertThat(pool.bytesInUse()).as("native bytes in use after the test").isZero();
        assertThat(jobs.admission().inProgress()).as("requests still admitted").isZero();
    }

    @Test
    void admittedRequestsFinishWhole_lateOnesGetTheProblem_andAStreamLeftAtTheDeadlineEndsWithTheProblemPart()
            throws Exception {
        byte[] object = new byte[2 * STRIPE + 100];
        new Random(14).nextBytes(object);
        try (StreamClient finishing = new StreamClient(base.getPort());
                StreamClient aborted = new StreamClient(base.getPort());
                StreamClient oneShot = new StreamClient(base.getPort())) {
            StreamClient.Parts finishingParts = startStream(finishing, object);
            StreamClient.Parts abortedParts = startStream(aborted, object);
            oneShot.send("POST /v1/encode?k=" + K + "&m=" + M + " HTTP/1.1\r\nHost: test\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + object.length + "\r\n\r\n");
            oneShot.out.write(object, 0, 1000);
            oneShot.out.flush();
            awaitAdmitted(3);

            jobs.admission().close(); // the stop, once the delay is over

            assertShuttingDown(given().contentType("application/octet-stream").body(object)
                    .post("/v1/encode?k=" + K + "&m=" + M));
            assertShuttingDown(given().contentType("application/octet-stream").body(object)
                    .post("/v1/stripes/encode?k=" + K + "&m=" + M + "&cell=" + CELL));

            // admitted before the close: a one-shot request answered in full, with Connection: close
            oneShot.out.write(object, 1000, object.length - 1000);
            oneShot.out.flush();
            oneShot.readHead();
            assertThat(oneShot.status).isEqualTo(200);
            assertThat(oneShot.headers).containsEntry("connection", "close");
            byte[] shards = oneShot.body().readAllBytes();
            assertThat(shards.length).isGreaterThan(object.length);
            assertThat(oneShot.in.read()).as("the connection is closed after the answer").isEqualTo(-1);

            // admitted before the close: a stream keeps submitting stripes and ends whole
            finishing.chunk(object, STRIPE, object.length - STRIPE);
            finishing.lastChunk();
            for (int stripe = 1; stripe < 3; stripe++) {
                readStripe(finishingParts, object, stripe);
            }
            Map<String, String> summary = finishingParts.next();
            assertThat(summary).containsEntry("content-type", "application/json");
            JsonObject json = new JsonObject(finishingParts.text());
            assertThat(json.getLong("objectSize")).isEqualTo(object.length);
            assertThat(json.getInteger("stripes")).isEqualTo(3);
            assertThat(finishingParts.next()).as("closing delimiter").isNull();
            assertThat(finishing.body().read()).as("the chunked body is ended").isEqualTo(-1);
            assertThat(finishing.in.read()).as("the connection is closed after the answer").isEqualTo(-1);

            // still running at the drain deadline: aborted, the problem part, the body cut off
            assertThat(jobs.admission().abortAll()).isEqualTo(1);
            Map<String, String> problemPart = abortedParts.next();
            assertThat(problemPart).containsEntry("content-type", "application/problem+json");
            JsonObject problem = new JsonObject(abortedParts.text());
            assertThat(problem.getInteger("status")).isEqualTo(503);
            assertThat(problem.getString("type")).endsWith("/problems/shutting-down");
            assertThat(problem.getString("detail")).contains("shutdown timeout");
            assertThat(abortedParts.next()).as("closing delimiter after the problem").isNull();
            assertThatThrownBy(() -> aborted.body().read()).as("the chunked body is never ended")
                    .isInstanceOf(EOFException.class);
        }
        String metrics = given().get("/q/metrics").asString();
        assertThat(counter(metrics, "erasure_rejections_total", "op=\"encode\"", "reason=\"shutting_down\""))
                .as("the two late requests, counted as refusals by reason").isEqualTo(2.0);
    }

    private void awaitAdmitted(int requests) throws InterruptedException {
        for (int i = 0; i < 1000 && jobs.admission().inProgress() < requests; i++) {
            Thread.sleep(10);
        }
        assertThat(jobs.admission().inProgress()).as("requests admitted").isEqualTo(requests);
    }

    private static void assertShuttingDown(Response response) {
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.header("Retry-After")).isEqualTo("7");
        assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
        assertThat(response.jsonPath().getString("type")).endsWith("/problems/shutting-down");
    }

    private static double counter(String metrics, String name, String... labels) {
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") && Arrays.stream(labels).allMatch(line::contains)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
