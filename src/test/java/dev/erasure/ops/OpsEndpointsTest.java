package dev.erasure.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.StripeShape;
import dev.erasure.job.JobService;
import dev.erasure.job.Operation;
import dev.erasure.job.StripeJob;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import io.restassured.RestAssured;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operations endpoints of the running service: health probes, Prometheus metrics, start log. */
@QuarkusTest
class OpsEndpointsTest {

    @Inject
    JobService jobs;

    @Inject
    NativeMemoryPool pool;

    @BeforeAll
    static void logOnFailure() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    /** The kernel the running service reports (liveness data). */
    private static String kernel() {
        return given().get("/q/health/live").then().statusCode(200).extract()
                .path("checks.find { it.name == 'erasure-engine' }.data.kernel");
    }

    @Test
    void liveness_isUp() {
        given().get("/q/health/live").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(EngineHealth.NAME))
                .body("checks.find { it.name == 'erasure-engine' }.data.kernel", notNullValue());
    }

    @Test
    void readiness_isUpAndReportsKernelAndLoad() {
        given().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'erasure-engine' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'erasure-engine' }.data.kernel", notNullValue())
                .body("checks.find { it.name == 'erasure-engine' }.data.queueDepth", equalTo(0))
                .body("checks.find { it.name == 'erasure-engine' }.data.nativeBudgetBytes", equalTo(536870912));
    }

    @Test
    void startup_isUp() {
        given().get("/q/health/started").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(EngineHealth.NAME));
    }

    @Test
    void metrics_exposeEveryErasureSeries() {
        String kernel = kernel();
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();

        assertThat(metrics).contains(
                "erasure_jobs_total{op=\"encode\",outcome=\"success\"}",
                "erasure_jobs_total{op=\"verify\",outcome=\"rejected\"}",
                "erasure_job_duration_seconds_bucket{op=\"decode\"",
                "erasure_job_duration_seconds_count{op=\"parity\"}",
                "erasure_bytes_coded_total ",
                "erasure_rejections_total{op=\"reconstruct\",reason=\"queue_full\"}",
                "erasure_cancellations_total{reason=\"job\"}",
                "erasure_cancellations_total{reason=\"upload\"}",
                "erasure_cancellations_total{reason=\"response\"}",
                "erasure_native_bytes_cached ",
                "erasure_queue_depth 0.0",
                "erasure_busy_workers 0.0",
                "erasure_native_bytes_in_use ",
                "erasure_native_bytes_parked ",
                "erasure_native_scope_closes_total ",
                "erasure_native_budget_bytes 5.36870912E8",
                "erasure_kernel_info{kernel=\"" + kernel + "\"} 1.0");
    }

    /** One value of the scraped metrics, e.g. {@code erasure_bytes_coded_total}. */
    private static double scrape(String series) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(series + " not in /q/metrics"));
    }

    @Test
    void aJobOfTheJobService_isCountedInTheMetrics() {
        String success = "erasure_jobs_total{op=\"encode\",outcome=\"success\"}";
        double jobsBefore = scrape(success);
        double bytesBefore = scrape("erasure_bytes_coded_total");
        double scopesBefore = scrape("erasure_native_scope_closes_total");
        JobArena arena = pool.open();
        try {
            MemorySegment[] shards = new MemorySegment[6];
            for (int i = 0; i < shards.length; i++) {
                shards[i] = arena.allocate(1024);
            }
            jobs.code(new StripeJob(Operation.ENCODE, new StripeShape(CodecKind.RS_VANDERMONDE, 4, 2), shards, null, arena))
                    .await().atMost(Duration.ofSeconds(30));
        } finally {
            arena.release();
        }

        assertThat(scrape(success)).isEqualTo(jobsBefore + 1);
        assertThat(scrape("erasure_bytes_coded_total")).isEqualTo(bytesBefore + 6 * 1024);
        assertThat(scrape("erasure_native_bytes_in_use")).isZero();
        // The arena's blocks stay parked until its scope generation is closed, by the pool's reaper
        // when nothing else runs (bounded wait, not a timing assertion).
        for (int i = 0; i < 500 && (scrape("erasure_native_bytes_parked") != 0
                || scrape("erasure_native_scope_closes_total") <= scopesBefore); i++) {
            sleepQuietly(10);
        }
        assertThat(scrape("erasure_native_bytes_parked")).isZero();
        assertThat(scrape("erasure_native_scope_closes_total")).isGreaterThan(scopesBefore);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void start_logsTheChosenKernelAndWhy() throws IOException {
        String kernel = kernel();
        String log = Files.readString(Path.of("target/quarkus-test.log"));

        assertThat(log).containsPattern("INFO .*Reed-Solomon kernel: " + kernel + " \\(erasure.codec.kernel=\\w+\\): \\S+");
    }
}
