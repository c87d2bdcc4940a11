package dev.erasure.job;

import dev.erasure.buffer.JobArena;
import dev.erasure.codec.CancelSignal;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One submitted job inside {@link JobExecutor}: its work, its arena reference, its emitter and the
 * two small state machines that make every path give its resources back exactly once.
 *
 * <p>{@code state} says where the job is: QUEUED, then either RUNNING (a worker took it) and DONE, or
 * REMOVED (taken out of the queue by a cancel, a deadline or close). Whoever wins the CAS out of
 * QUEUED owns the cleanup. {@code end} says who terminated the caller's Uni first: the worker
 * (COMPLETED), a cancel, a deadline, a rejection or shutdown; the losers of that CAS do nothing.
 */
final class JobTask<T> implements CancelSignal {

    static final int QUEUED = 0;
    static final int RUNNING = 1;
    static final int REMOVED = 2;
    static final int DONE = 3;

    /** Who ended the caller's Uni. */
    enum End {
        COMPLETED, CANCELLED, DEADLINE, REJECTED, SHUTDOWN
    }

    final Operation op;
    final long bytesCoded;
    final JobExecutor.Work<T> work;
    final UniEmitter<? super T> emitter;
    final long submittedNanos = System.nanoTime();
    final AtomicInteger state = new AtomicInteger(QUEUED);
    final AtomicReference<End> end = new AtomicReference<>();
    private final AtomicReference<JobArena> arena;
    private volatile boolean cancelFlag;
    /** Handed to a worker, so bounded by the deadline (inline jobs are not). */
    final boolean deadlineBound;

    JobTask(Operation op, long bytesCoded, JobArena arena, JobExecutor.Work<T> work, UniEmitter<? super T> emitter,
            boolean deadlineBound) {
        this.op = op;
        this.deadlineBound = deadlineBound;
        this.bytesCoded = bytesCoded;
        this.arena = new AtomicReference<>(arena);
        this.work = work;
        this.emitter = emitter;
    }

    /** The cancel flag the work polls between chunks. */
    @Override
    public boolean isCancelled() {
        return cancelFlag;
    }

    void raiseCancelFlag() {
        cancelFlag = true;
    }

    /** Claims the end of the caller's Uni; true for the first claimant only. */
    boolean settle(End by) {
        return end.compareAndSet(null, by);
    }

    /** Drops the executor's reference to the arena, at most once; true if that freed the memory. */
    boolean releaseArena() {
        JobArena held = arena.getAndSet(null);
        return held != null && held.release();
    }
}
