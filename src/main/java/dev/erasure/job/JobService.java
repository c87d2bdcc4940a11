package dev.erasure.job;

import dev.erasure.codec.Codecs;
import io.smallrye.mutiny.Uni;
import java.time.Duration;

/**
 * Runs stripe jobs on a fixed pool of worker threads with a bounded queue and per-job deadlines.
 * The only entry point of coding work for the HTTP side. Thread-safe.
 *
 * <p>Submitting is lazy, as with every {@link Uni}: the job is queued on subscription. On
 * subscription the job's arena is {@linkplain dev.erasure.buffer.JobArena#retain() retained} for the
 * worker and released when the worker is done with it (or when the job is removed from the queue).
 * The caller keeps its own reference and releases it when its response is finished.
 *
 * <p>The returned Uni
 * <ul>
 *   <li>completes with the result on a worker thread;</li>
 *   <li>fails at once with {@link JobRejectedException} when the queue is full or the service is
 *       shutting down;</li>
 *   <li>fails with {@link JobDeadlineExceededException} when the deadline passes (the worker is
 *       told to stop);</li>
 *   <li>fails with the codec's typed exceptions for inputs the codec refuses;</li>
 *   <li>on cancellation removes a queued job, or raises the cancel flag of a running one (it stops
 *       at its next chunk).</li>
 * </ul>
 *
 * <p>STUB: contract for the service (issue 3).
 */
public final class JobService implements AutoCloseable {

    /** The result of VERIFY: parity indexes that did not match, ascending (empty when consistent). */
    public record VerifyResult(int[] mismatchedParity) {
    }

    public JobService(JobSettings settings, Codecs codecs, JobListener listener) {
    }

    /** ENCODE, PARITY, DECODE and RECONSTRUCT: outputs are written into the job's segments. */
    public Uni<Void> code(StripeJob job) {
        throw new UnsupportedOperationException();
    }

    /** VERIFY. */
    public Uni<VerifyResult> verify(StripeJob job) {
        throw new UnsupportedOperationException();
    }

    /** Jobs waiting for a worker. */
    public int queueDepth() {
        throw new UnsupportedOperationException();
    }

    /** Workers running a job now. */
    public int busyWorkers() {
        throw new UnsupportedOperationException();
    }

    /** False once {@link #beginShutdown()} was called. */
    public boolean isAccepting() {
        throw new UnsupportedOperationException();
    }

    /** Refuses new jobs from now on (they get JobRejectedException SHUTTING_DOWN). Idempotent. */
    public void beginShutdown() {
        throw new UnsupportedOperationException();
    }

    /** Waits until queued and running jobs are done; true if they all finished in time. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        throw new UnsupportedOperationException();
    }

    /** Stops the worker threads (after draining, or at once if not drained). Idempotent. */
    @Override
    public void close() {
        throw new UnsupportedOperationException();
    }
}
