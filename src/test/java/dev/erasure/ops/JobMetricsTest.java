package dev.erasure.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.job.JobRejectedException;
import dev.erasure.job.Operation;
import dev.erasure.job.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Job events become the documented counters and timer. */
class JobMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final JobMetrics metrics = new JobMetrics(registry);

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void everySeries_existsAtZeroBeforeTheFirstJob() {
        assertThat(registry.get("erasure.jobs").counters()).hasSize(Operation.values().length * Outcome.values().length);
        assertThat(registry.get("erasure.rejections").counters())
                .hasSize(Operation.values().length * JobRejectedException.Reason.values().length);
        assertThat(count("erasure.jobs", "op", "encode", "outcome", "success")).isZero();
        assertThat(registry.get("erasure.cancellations").counters()).hasSize(3);
        assertThat(count("erasure.cancellations", "reason", "job")).isZero();
        assertThat(count("erasure.bytes.coded")).isZero();
    }

    @Test
    void success_countsTheJobItsBytesAndItsDuration() {
        metrics.jobFinished(Operation.ENCODE, Outcome.SUCCESS, 2_000_000, 14 * 1024);

        assertThat(count("erasure.jobs", "op", "encode", "outcome", "success")).isEqualTo(1);
        assertThat(count("erasure.bytes.coded")).isEqualTo(14 * 1024);
        assertThat(registry.get("erasure.job.duration").tags("op", "encode").timer().count()).isEqualTo(1);
        assertThat(registry.get("erasure.job.duration").tags("op", "encode").timer()
                .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isEqualTo(2_000_000);
    }

    @Test
    void cancelled_countsACancellationAndNoBytes() {
        metrics.jobFinished(Operation.DECODE, Outcome.CANCELLED, 1_000, 4096);

        assertThat(count("erasure.jobs", "op", "decode", "outcome", "cancelled")).isEqualTo(1);
        assertThat(count("erasure.cancellations", "reason", "job")).isEqualTo(1);
        assertThat(count("erasure.bytes.coded")).isZero();
    }

    @Test
    void rejection_countsByReasonAndAsARejectedJob() {
        metrics.jobRejected(Operation.VERIFY, JobRejectedException.Reason.QUEUE_FULL);

        assertThat(count("erasure.rejections", "op", "verify", "reason", "queue_full")).isEqualTo(1);
        assertThat(count("erasure.jobs", "op", "verify", "outcome", "rejected")).isEqualTo(1);
        assertThat(registry.get("erasure.job.duration").tags("op", "verify").timer().count()).isZero();
    }

    @Test
    void memoryBudgetRefusalOfTheHttpSide_countsAsARejectedJob() {
        metrics.rejected(Operation.ENCODE, JobRejectedException.Reason.MEMORY_BUDGET);

        assertThat(count("erasure.rejections", "op", "encode", "reason", "memory_budget")).isEqualTo(1);
        assertThat(count("erasure.jobs", "op", "encode", "outcome", "rejected")).isEqualTo(1);
    }

    @Test
    void clientsGoneMidUploadOrMidResponse_areCountedByStage_jobsOnlyOnce() {
        metrics.clientGone(Operation.PARITY, dev.erasure.api.RequestEvents.Stage.UPLOAD);
        metrics.clientGone(null, dev.erasure.api.RequestEvents.Stage.RESPONSE);
        metrics.clientGone(Operation.PARITY, dev.erasure.api.RequestEvents.Stage.JOB);

        assertThat(count("erasure.cancellations", "reason", "upload")).isEqualTo(1);
        assertThat(count("erasure.cancellations", "reason", "response")).isEqualTo(1);
        assertThat(count("erasure.cancellations", "reason", "job")).as("jobs are counted when the job service ends them")
                .isZero();
    }
}
