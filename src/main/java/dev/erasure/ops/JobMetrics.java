package dev.erasure.ops;

import dev.erasure.api.RequestEvents;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.job.JobListener;
import dev.erasure.job.JobRejectedException;
import dev.erasure.job.JobService;
import dev.erasure.job.Operation;
import dev.erasure.job.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service's Micrometer metrics (Prometheus names in docs/operations.md). Receives job events as
 * the {@link JobListener} of the {@link JobService}, so {@code job} never sees Micrometer, and reads
 * the engine's plain getters for the gauges. Every counter series exists from the start (at 0), so
 * dashboards and alerts see them before the first job. Thread-safe.
 */
public final class JobMetrics implements JobListener, RequestEvents {

    private final MeterRegistry registry;
    private final Map<Operation, Map<Outcome, Counter>> jobs = new EnumMap<>(Operation.class);
    private final Map<Operation, Map<JobRejectedException.Reason, Counter>> rejections = new EnumMap<>(Operation.class);
    private final Map<Operation, Timer> durations = new EnumMap<>(Operation.class);
    private final Counter bytesCoded;
    private final HeapGuard heap;
    private Counter outOfMemory;
    private final Map<RequestEvents.Stage, Counter> cancellations = new EnumMap<>(RequestEvents.Stage.class);

    public JobMetrics(MeterRegistry registry) {
        this(registry, new HeapGuard());
    }

    /** @param heap told of every {@code OutOfMemoryError} the HTTP side catches (readiness reads it) */
    public JobMetrics(MeterRegistry registry, HeapGuard heap) {
        this.registry = registry;
        this.heap = heap;
        for (Operation op : Operation.values()) {
            Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
            for (Outcome outcome : Outcome.values()) {
                byOutcome.put(outcome, Counter.builder("erasure.jobs")
                        .description("Jobs ended, by operation and outcome")
                        .tags("op", op.tag(), "outcome", outcome.tag()).register(registry));
            }
            jobs.put(op, byOutcome);
            Map<JobRejectedException.Reason, Counter> byReason = new EnumMap<>(JobRejectedException.Reason.class);
            for (JobRejectedException.Reason reason : JobRejectedException.Reason.values()) {
                byReason.put(reason, Counter.builder("erasure.rejections")
                        .description("Jobs refused with 503, by operation and reason")
                        .tags("op", op.tag(), "reason", reason.tag()).register(registry));
            }
            rejections.put(op, byReason);
            durations.put(op, Timer.builder("erasure.job.duration")
                    .description("Time from submit to end of a job (queue wait included), by operation")
                    .tags("op", op.tag())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(10_000))
                    .maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry));
        }
        bytesCoded = Counter.builder("erasure.bytes.coded")
                .description("Data plus parity bytes of successful jobs").register(registry);
        outOfMemory = Counter.builder("erasure.heap.exhausted")
                .description("OutOfMemoryErrors caught while serving requests (readiness is DOWN for 10 s after each)")
                .register(registry);
        for (RequestEvents.Stage stage : RequestEvents.Stage.values()) {
            cancellations.put(stage, Counter.builder("erasure.cancellations")
                    .description("Requests abandoned by their client (or jobs stopped at shutdown), by where they were")
                    .tags("reason", stage.tag()).register(registry));
        }
    }

    @Override
    public void jobFinished(Operation op, Outcome outcome, long nanos, long bytes) {
        jobs.get(op).get(outcome).increment();
        durations.get(op).record(nanos, TimeUnit.NANOSECONDS);
        if (outcome == Outcome.SUCCESS && bytes > 0) {
            bytesCoded.increment(bytes);
        }
        if (outcome == Outcome.CANCELLED) {
            cancellations.get(RequestEvents.Stage.JOB).increment();
        }
    }

    @Override
    public void jobRejected(Operation op, JobRejectedException.Reason reason) {
        jobs.get(op).get(Outcome.REJECTED).increment();
        rejections.get(op).get(reason).increment();
    }

    /** A 503 of the HTTP side before any job existed: counted like the job service's rejections. */
    @Override
    public void rejected(Operation op, JobRejectedException.Reason reason) {
        jobRejected(op, reason);
    }

    @Override
    public void outOfMemory() {
        heap.outOfMemory();
        outOfMemory.increment();
    }

    /** Uploads and responses abandoned by their client; abandoned jobs are counted by {@link #jobFinished}. */
    @Override
    public void clientGone(Operation op, RequestEvents.Stage stage) {
        if (stage != RequestEvents.Stage.JOB) {
            cancellations.get(stage).increment();
        }
    }

    /** Registers the gauges that read the running engine; called once it is built. */
    public void bindEngine(JobService jobService, NativeMemoryPool pool, String kernel, int workers) {
        Gauge.builder("erasure.queue.depth", jobService, JobService::queueDepth).strongReference(true)
                .description("Jobs waiting for a worker").register(registry);
        Gauge.builder("erasure.busy.workers", jobService, JobService::busyWorkers).strongReference(true)
                .description("Workers running a job now").register(registry);
        Gauge.builder("erasure.workers", () -> workers)
                .description("Worker threads started").register(registry);
        Gauge.builder("erasure.native.bytes.in.use", pool, NativeMemoryPool::bytesInUse).strongReference(true)
                .description("Native bytes held by job arenas").register(registry);
        Gauge.builder("erasure.native.bytes.parked", pool, NativeMemoryPool::bytesParked).strongReference(true)
                .description("Native bytes of freed job arenas waiting for their scope generation to close").register(registry);
        FunctionCounter.builder("erasure.native.scope.closes", pool, NativeMemoryPool::scopeCloses)
                .description("Scope generations closed (one JVM thread handshake each)").register(registry);
        Gauge.builder("erasure.native.bytes.cached", pool, NativeMemoryPool::bytesCached).strongReference(true)
                .description("Idle native bytes the pool keeps mapped for reuse (at most a quarter of the budget)")
                .register(registry);
        Gauge.builder("erasure.native.budget.bytes", pool, NativeMemoryPool::budgetBytes).strongReference(true)
                .description("Native memory budget (erasure.buffer.budget)").register(registry);
        Gauge.builder("erasure.kernel.info", () -> 1).tags("kernel", kernel)
                .description("The GF(2^8) kernel chosen at start (value is always 1)").register(registry);
    }
}
