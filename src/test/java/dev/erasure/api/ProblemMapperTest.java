package dev.erasure.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.LogCapture;
import dev.erasure.buffer.MemoryBudgetExceededException;
import dev.erasure.codec.InvalidShapeException;
import dev.erasure.codec.ShardSizeMismatchException;
import dev.erasure.codec.TooFewShardsException;
import dev.erasure.job.JobDeadlineExceededException;
import dev.erasure.job.JobRejectedException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one mapping from exceptions to problems, including the 503 rows that are hard to provoke over HTTP. */
class ProblemMapperTest {

    private final ProblemMapper mapper = new ProblemMapper(3);

    @Test
    void overloadDeadlineAndShutdownAre503WithRetryAfter() {
        Problem queueFull = mapper.map(new JobRejectedException(JobRejectedException.Reason.QUEUE_FULL, "job queue is full", 5));
        assertThat(queueFull).isEqualTo(new Problem("/problems/overloaded", "Service unavailable", 503, "job queue is full", 5));
        assertThat(mapper.map(new JobRejectedException(JobRejectedException.Reason.SHUTTING_DOWN, "stopping", 1)).type())
                .isEqualTo("/problems/shutting-down");
        Problem budget = mapper.map(new MemoryBudgetExceededException(100, 900, 1000));
        assertThat(budget.status()).isEqualTo(503);
        assertThat(budget.retryAfterSeconds()).isEqualTo(3);
        assertThat(budget.detail()).contains("requested 100 bytes with 900 of 1000 bytes in use")
                .doesNotContain("retry");
        // more than the whole budget: no wait helps, and the detail says so
        Problem never = mapper.map(new MemoryBudgetExceededException(1001, 0, 1000));
        assertThat(never.status()).isEqualTo(503);
        assertThat(never.detail()).contains("requested 1001 bytes", "more than the whole budget",
                "a retry cannot succeed");
        Problem stopping = mapper.map(new ApiException(ApiException.Kind.SHUTTING_DOWN, "the service is shutting down"));
        assertThat(stopping).isEqualTo(new Problem("/problems/shutting-down", "Service unavailable", 503,
                "the service is shutting down", 3));
        Problem deadline = mapper.map(new JobDeadlineExceededException(Duration.ofMillis(250)));
        assertThat(deadline.type()).isEqualTo("/problems/deadline-exceeded");
        assertThat(deadline.retryAfterSeconds()).isEqualTo(3);
        assertThat(deadline.detail()).contains("250 ms");
    }

    @Test
    void codecExceptionsAreClientErrors() {
        assertThat(mapper.map(new InvalidShapeException("k + m must be <= 256 (got 300)", 200, 100)).status()).isEqualTo(400);
        assertThat(mapper.map(new ShardSizeMismatchException(2, 5, 8)).type()).isEqualTo("/problems/invalid-shard-set");
        Problem tooFew = mapper.map(new TooFewShardsException(new int[] {0, 2}, 3));
        assertThat(tooFew.status()).isEqualTo(422);
        assertThat(tooFew.detail()).contains("[0, 2]");
    }

    @Test
    void anythingElseIsA500ThatRevealsNothing() {
        Problem internal;
        try (LogCapture log = LogCapture.of(ProblemMapper.class)) {
            internal = mapper.map(new IllegalStateException("secret internals at line 42"));
            assertThat(log.errors()).as("the cause goes to the log, not to the client").containsExactly(
                    "request failed unexpectedly: java.lang.IllegalStateException: secret internals at line 42");
        }
        assertThat(internal.status()).isEqualTo(500);
        assertThat(internal.detail()).doesNotContain("secret").doesNotContain("42");
        assertThat(internal.retryAfterSeconds()).isZero();
        assertThat(internal.toJson()).isEqualTo("{\"type\":\"/problems/internal-error\",\"title\":\"Internal server error\","
                + "\"status\":500,\"detail\":\"the service failed to process the request; the failure is logged\"}");
    }

    @Test
    void everyProblemIsCountedByStatusAndReason() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        ProblemMapper counting = new ProblemMapper(3, registry);

        counting.map(new InvalidShapeException("k must be >= 1 (got 0)", 0, 2));
        counting.map(new InvalidShapeException("m must be >= 1 (got 0)", 2, 0));
        counting.map(new TooFewShardsException(new int[] {0}, 3));
        counting.map(new JobRejectedException(JobRejectedException.Reason.QUEUE_FULL, "job queue is full", 1));

        assertThat(registry.get("erasure.requests.refused").tags("status", "400", "reason", "invalid-parameter")
                .counter().count()).isEqualTo(2);
        assertThat(registry.get("erasure.requests.refused").tags("status", "422", "reason", "too-few-shards")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get("erasure.requests.refused").tags("status", "503", "reason", "overloaded")
                .counter().count()).isEqualTo(1);
        assertThat(registry.find("erasure.requests.refused").counters()).hasSize(3);
    }
}
