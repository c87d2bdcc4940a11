package dev.erasure.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.LogCapture;
import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.StripeShape;
import dev.erasure.codec.CodeCache;
import dev.erasure.codec.select.KernelSelector;
import dev.erasure.job.Admission;
import dev.erasure.job.JobListener;
import dev.erasure.job.JobRejectedException;
import dev.erasure.job.JobService;
import dev.erasure.job.JobSettings;
import dev.erasure.job.Operation;
import dev.erasure.job.StripeJob;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ShutdownSequence} over the real engine (scalar kernel): jobs in flight when shutdown
 * starts all finish, later submits are refused, and the pool is closed with nothing held.
 */
class ShutdownSequenceEngineTest {

    private static final int DATA_SHARDS = 10;
    private static final int PARITY_SHARDS = 4;
    private static final int SHARD_SIZE = 64 * 1024;

    private final ServiceState state = new ServiceState();
    private final NativeMemoryPool pool = new NativeMemoryPool(64L << 20, false);
    private final JobService jobs = new JobService(new JobSettings(2, 32, Duration.ofSeconds(30), 1),
            new CodeCache(KernelSelector.select("scalar").kernel(), 4), JobListener.NONE);
    private final ShutdownSequence sequence = ShutdownSequence.of(state, jobs, pool, Duration.ZERO, Duration.ofSeconds(30));

    @AfterEach
    void closeEngine() {
        jobs.close();
        pool.close();
    }

    /** An encode 10+4 job of 64 KiB shards, its data filled with a pattern. */
    private StripeJob encodeJob(JobArena arena, int seed) {
        MemorySegment[] shards = new MemorySegment[DATA_SHARDS + PARITY_SHARDS];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = arena.allocate(SHARD_SIZE);
            if (i < DATA_SHARDS) {
                for (int b = 0; b < SHARD_SIZE; b += 97) {
                    shards[i].set(java.lang.foreign.ValueLayout.JAVA_BYTE, b, (byte) (seed + i + b));
                }
            }
        }
        return new StripeJob(Operation.ENCODE, new StripeShape(CodecKind.RS_VANDERMONDE, DATA_SHARDS, PARITY_SHARDS),
                shards, null, arena);
    }

    /** Submits like the HTTP side: keeps its reference and drops it when the job ends. */
    private UniAssertSubscriber<Void> submit(int seed) {
        JobArena arena = pool.open();
        return jobs.code(encodeJob(arena, seed))
                .onTermination().invoke(arena::release)
                .subscribe().withSubscriber(UniAssertSubscriber.create());
    }

    @Test
    void jobsInFlight_finishBeforeThePoolCloses_andNothingLeaks() {
        state.markStarted("scalar");
        List<UniAssertSubscriber<Void>> inFlight = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            inFlight.add(submit(i));
        }

        ShutdownSequence.Result result = sequence.run();

        assertThat(result.drained()).isTrue();
        inFlight.forEach(job -> job.awaitItem(Duration.ofSeconds(30)).assertCompleted());
        assertThat(result.leaks().isEmpty()).as("leak report %s", result.leaks()).isTrue();
        assertThat(pool.bytesInUse()).isZero();
        assertThat(state.isReady()).isFalse();
        assertThat(state.isPoolClosed()).isTrue();
    }

    @Test
    void afterShutdown_newJobsAreRefusedAsShuttingDown() {
        JobArena arena = pool.open();
        StripeJob job = encodeJob(arena, 1);
        jobs.beginShutdown();

        UniAssertSubscriber<Void> refused = jobs.code(job).subscribe().withSubscriber(UniAssertSubscriber.create());

        refused.awaitFailure(Duration.ofSeconds(5)).assertFailedWith(JobRejectedException.class);
        assertThat(((JobRejectedException) refused.getFailure()).reason())
                .isEqualTo(JobRejectedException.Reason.SHUTTING_DOWN);
        arena.release();
        assertThat(sequence.run().leaks().isEmpty()).isTrue();
    }

    @Test
    void anArenaTheHttpSideNeverReleased_isReportedAsALeak() {
        JobArena forgotten = pool.open();
        forgotten.allocate(4096);

        // the sequence waits for held arenas until its budget ends, so give it a short one
        ShutdownSequence.Result result;
        try (LogCapture log = LogCapture.of(ShutdownSequence.class)) {
            result = ShutdownSequence.of(state, jobs, pool, Duration.ZERO, Duration.ofMillis(300)).run();
            assertThat(log.errors()).singleElement().asString()
                    .startsWith("Native memory leak at shutdown: 1 arenas with ")
                    .contains("-Derasure.buffer.track-allocations=true");
        }

        assertThat(result.leaks().arenas()).isEqualTo(1);
        assertThat(result.leaks().bytes()).isGreaterThanOrEqualTo(4096);
        assertThat(pool.bytesInUse()).isZero();
    }

    @Test
    void anAdmittedRequest_keepsSubmittingJobsWhileTheRequestsDrain_andNewRequestsAreRefused() throws Exception {
        state.markStarted("scalar");
        Admission.Ticket admitted = jobs.admission().enter();
        Thread drain = Thread.ofPlatform().start(sequence::drainRequests);
        while (jobs.admission().isOpen()) {
            Thread.sleep(1);
        }

        assertThat(jobs.admission().enter()).as("a request arriving after admission closed").isNull();
        submit(1).awaitItem(Duration.ofSeconds(30)).assertCompleted();
        submit(2).awaitItem(Duration.ofSeconds(30)).assertCompleted();
        assertThat(drain.isAlive()).as("the drain waits for the admitted request").isTrue();

        admitted.release();
        drain.join(Duration.ofSeconds(30));
        assertThat(drain.isAlive()).isFalse();
        assertThat(sequence.run().leaks().isEmpty()).isTrue();
    }

    @Test
    void aRequestStillRunningAtTheDrainDeadline_isAborted_andItsNextJobRefused() {
        state.markStarted("scalar");
        ShutdownSequence shortDrain = ShutdownSequence.of(state, jobs, pool, Duration.ZERO, Duration.ofMillis(200));
        Admission.Ticket admitted = jobs.admission().enter();
        List<UniAssertSubscriber<Void>> afterAbort = new ArrayList<>();
        admitted.onAbort(() -> {
            afterAbort.add(submit(3));
            admitted.release();
        });

        shortDrain.drainRequests();

        assertThat(afterAbort).singleElement().satisfies(job -> {
            job.awaitFailure(Duration.ofSeconds(5)).assertFailedWith(JobRejectedException.class);
            assertThat(((JobRejectedException) job.getFailure()).reason())
                    .isEqualTo(JobRejectedException.Reason.SHUTTING_DOWN);
        });
        assertThat(jobs.admission().inProgress()).isZero();
        assertThat(shortDrain.run().leaks().isEmpty()).isTrue();
    }
}
