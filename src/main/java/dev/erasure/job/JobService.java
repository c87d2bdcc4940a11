package dev.erasure.job;

import dev.erasure.buffer.JobArena;
import dev.erasure.codec.CancelSignal;
import dev.erasure.codec.CodeCache;
import dev.erasure.codec.CodingCancelledException;
import dev.erasure.codec.Correction;
import dev.erasure.codec.CorrectionUnsupportedException;
import dev.erasure.codec.InvalidShapeException;
import dev.erasure.codec.ErasureCode;
import dev.erasure.codec.StripeShape;
import dev.erasure.codec.ShardSizeMismatchException;
import dev.erasure.codec.TooFewShardsException;
import dev.erasure.codec.UncorrectableShardsException;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs stripe jobs on a fixed pool of worker threads with a bounded queue and per-job deadlines.
 * The only entry point of coding work for the HTTP side. Thread-safe.
 *
 * <p>Submitting is lazy, as with every {@link Uni}: the job is queued on subscription. On
 * subscription the job's arena is {@linkplain dev.erasure.buffer.JobArena#retain() retained} for the
 * worker and released when the worker is done with it (or when the job is removed from the queue).
 * The caller keeps its own reference and releases it when its response is finished. The worker's
 * reference is always dropped before the Uni completes with the worker's result, so a caller that
 * releases its reference after the result frees the memory.
 *
 * <p>The returned Uni
 * <ul>
 *   <li>completes with the result on a worker thread;</li>
 *   <li>fails at once with {@link JobRejectedException} when the queue is full or the service is
 *       shutting down (the arena reference taken on subscription is already dropped again);</li>
 *   <li>fails with {@link JobDeadlineExceededException} when the deadline passes (the worker is
 *       told to stop; the job's memory stays held until it has);</li>
 *   <li>fails with the codec's typed exceptions for inputs the codec refuses ({@link
 *       InvalidShapeException}, {@link ShardSizeMismatchException}, {@link TooFewShardsException});</li>
 *   <li>fails with {@link IllegalStateException} if the arena was already freed when subscribed;</li>
 *   <li>on cancellation removes a queued job, or raises the cancel flag of a running one (it stops
 *       at its next chunk).</li>
 * </ul>
 *
 * <p>Every accepted job is reported once to {@link JobListener#jobFinished} with its outcome:
 * SUCCESS; CLIENT_ERROR for the codec's typed input exceptions and IllegalArgumentException;
 * CODEC_ERROR for any other failure; CANCELLED (caller cancelled, or shutdown); DEADLINE.
 */
public final class JobService implements AutoCloseable {

    /**
     * The result of VERIFY.
     *
     * @param mismatchedParity parity indexes that did not match the data, ascending (empty when consistent)
     * @param corruptShards the shards found corrupted, ascending (empty when consistent), or null
     *     when they cannot be determined
     * @param undetermined why corruptShards is null (the codec has no locator, or more shards are
     *     corrupted than can be located); null otherwise
     */
    public record VerifyResult(int[] mismatchedParity, int[] corruptShards, String undetermined) {
    }

    private final CodeCache codecs;
    private final JobExecutor executor;
    private final Admission admission = new Admission();

    /** Starts the worker threads ({@link JobSettings#effectiveWorkers()}) and the deadline timer. */
    public JobService(JobSettings settings, CodeCache codecs, JobListener listener) {
        this.codecs = Objects.requireNonNull(codecs, "codecs");
        this.executor = new JobExecutor(Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(listener, "listener"), JobService::classify);
    }

    /**
     * ENCODE, PARITY, DECODE and RECONSTRUCT: outputs are written into the job's segments (see
     * {@link StripeJob} for which entries are read and written).
     *
     * @throws IllegalArgumentException at once if {@code job.op()} is VERIFY
     */
    public Uni<Void> code(StripeJob job) {
        if (job.op() == Operation.VERIFY) {
            throw new IllegalArgumentException("op must be ENCODE, PARITY, DECODE or RECONSTRUCT for code() (got VERIFY)");
        }
        return executor.submit(job.op(), job.bytesCoded(), job.arena(), cancel -> {
            runCoding(job, cancel);
            return null;
        });
    }

    /**
     * VERIFY: reads every shard, writes none. When parity does not match, a second pass locates
     * the corrupted shards ({@link dev.erasure.codec.ShardCorrector#locate}); a consistent stripe
     * costs one pass.
     *
     * @throws IllegalArgumentException at once if {@code job.op()} is not VERIFY
     */
    public Uni<VerifyResult> verify(StripeJob job) {
        if (job.op() != Operation.VERIFY) {
            throw new IllegalArgumentException("op must be VERIFY for verify() (got " + job.op() + ")");
        }
        return executor.submit(job.op(), job.bytesCoded(), job.arena(), cancel -> runVerify(job, cancel));
    }

    /**
     * DECODE or RECONSTRUCT with correction: the present shards are checked against each other,
     * corrupted bytes are located and corrected in place, then every non-present, non-null entry
     * is rebuilt from the corrected shards. Stops between column chunks when cancelled.
     *
     * <p>Besides the failures of {@link #code}, the Uni fails with {@link
     * UncorrectableShardsException} when more shards are corrupted than can be located, with
     * {@link TooFewShardsException} when fewer than k + 1 shards are present, and with {@link
     * CorrectionUnsupportedException} when the codec has no locator.
     *
     * @return the shards that were corrected (empty when the supplied shards were consistent)
     * @throws IllegalArgumentException at once if {@code job.op()} is not DECODE or RECONSTRUCT
     */
    public Uni<Correction> correct(StripeJob job) {
        if (job.op() != Operation.DECODE && job.op() != Operation.RECONSTRUCT) {
            throw new IllegalArgumentException("op must be DECODE or RECONSTRUCT for correct() (got " + job.op() + ")");
        }
        return executor.submit(job.op(), job.bytesCoded(), job.arena(),
                cancel -> codec(job).corrector().correct(job.shards(), job.present(), cancel));
    }

    /** Work on one stripe that needs more than {@link #code}: checks or checksums around the coding. */
    @FunctionalInterface
    public interface StripeWork<T> {
        T run(ErasureCode code, CancelSignal cancel);
    }

    /**
     * Runs {@code work} with the codec of {@code shape} on a worker, with the same queue, deadline,
     * arena reference, cancellation and accounting as {@link #code}: for the streamed stripes,
     * which verify input checksums and checksum their outputs on the worker, not on the event loop.
     */
    public <T> Uni<T> submit(Operation op, StripeShape shape, long bytesCoded, JobArena arena, StripeWork<T> work) {
        Objects.requireNonNull(work, "work");
        return executor.submit(op, bytesCoded, arena, cancel -> work.run(codecs.get(shape), cancel));
    }

    /** Jobs waiting for a worker. */
    public int queueDepth() {
        return executor.queueDepth();
    }

    /** Workers running a job now. */
    public int busyWorkers() {
        return executor.busyWorkers();
    }

    /**
     * The admission of requests: the HTTP side takes a ticket per request and answers 503 when
     * none is given; the shutdown closes it, waits for the tickets and aborts what is left at the
     * drain deadline. Jobs are accepted from ticket holders until {@link #beginShutdown()}.
     */
    public Admission admission() {
        return admission;
    }

    /** False once {@link #beginShutdown()} was called. */
    public boolean isAccepting() {
        return executor.isAccepting();
    }

    /**
     * Refuses new jobs from now on (they get JobRejectedException SHUTTING_DOWN) and closes
     * admission. Idempotent.
     */
    public void beginShutdown() {
        admission.close();
        executor.beginShutdown();
    }

    /** Waits until queued and running jobs are done; true if they all finished in time. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        return executor.awaitDrained(timeout);
    }

    /**
     * Stops the worker threads (after draining, or at once if not drained): jobs still queued or
     * running fail with JobRejectedException SHUTTING_DOWN, running ones get their cancel flag, and
     * the call waits (bounded) for the workers to return so that their arenas are released before
     * the pool is closed. Idempotent.
     */
    @Override
    public void close() {
        executor.close();
    }

    private VerifyResult runVerify(StripeJob job, CancelSignal cancel) {
        ErasureCode codec = codec(job);
        int[] mismatched = codec.verify(job.shards(), cancel);
        if (mismatched.length == 0) {
            return new VerifyResult(mismatched, new int[0], null);
        }
        boolean[] all = new boolean[job.shards().length];
        java.util.Arrays.fill(all, true);
        try {
            return new VerifyResult(mismatched, codec.corrector().locate(job.shards(), all, cancel).shards(), null);
        } catch (CorrectionUnsupportedException | UncorrectableShardsException e) {
            return new VerifyResult(mismatched, null, e.getMessage());
        }
    }

    private void runCoding(StripeJob job, CancelSignal cancel) {
        ErasureCode codec = codec(job);
        switch (job.op()) {
            case ENCODE, PARITY -> codec.encode(job.shards(), cancel);
            case DECODE, RECONSTRUCT -> codec.reconstruct(job.shards(), job.present(), cancel);
            case VERIFY -> throw new IllegalStateException("VERIFY goes through verify()");
        }
    }

    private ErasureCode codec(StripeJob job) {
        return codecs.get(job.shape());
    }

    static Outcome classify(Throwable failure) {
        return switch (failure) {
            case CodingCancelledException e -> Outcome.CANCELLED;
            case InvalidShapeException e -> Outcome.CLIENT_ERROR;
            case ShardSizeMismatchException e -> Outcome.CLIENT_ERROR;
            case TooFewShardsException e -> Outcome.CLIENT_ERROR;
            case UncorrectableShardsException e -> Outcome.CLIENT_ERROR;
            case CorrectionUnsupportedException e -> Outcome.CLIENT_ERROR;
            case IllegalArgumentException e -> Outcome.CLIENT_ERROR;
            default -> Outcome.CODEC_ERROR;
        };
    }
}
