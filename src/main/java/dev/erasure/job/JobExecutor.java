package dev.erasure.job;

import dev.erasure.buffer.JobArena;
import dev.erasure.codec.CancelSignal;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The generic engine under {@link JobService}: runs {@link Work} on fixed worker threads with a
 * bounded queue and a deadline per job, and turns each submission into a {@link Uni} built with an
 * emitter. It knows nothing of codecs, so its lifetimes are tested with fake work.
 *
 * <p>Lifetimes it guarantees, on every path (success, failure, cancel, deadline, rejection, close):
 * <ul>
 *   <li>the job's arena is retained on subscription and released exactly once: by the worker after
 *       the work returned, or by whoever removed the job from the queue — always before the caller's
 *       Uni is completed by the worker, so a caller that sees the result holds the only reference;</li>
 *   <li>a cancelled or timed-out running job keeps its arena until its worker returns (the flag is a
 *       request, not a kill);</li>
 *   <li>{@link JobListener#jobFinished} is called once per accepted job, after its arena reference was
 *       dropped; {@link JobListener#jobRejected} once per refused submission.</li>
 * </ul>
 * Mutiny schedules nothing here: items and failures are emitted from the worker thread, deadline
 * failures from the timer thread, rejections from the subscribing thread.
 *
 * <p>Jobs of at most {@link JobSettings#inlineMaxBytes()} run at once on the subscribing thread
 * (the request's event loop) and complete there, with the same arena, listener and drain
 * accounting; they take no queue slot and no deadline timer.
 */
final class JobExecutor implements AutoCloseable {

    /** Work to run on a worker; polls {@code cancel} between chunks. */
    @FunctionalInterface
    interface Work<T> {
        T run(CancelSignal cancel) throws Exception;
    }

    private static final System.Logger LOG = System.getLogger(JobExecutor.class.getName());
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    private final JobSettings settings;
    private final JobListener listener;
    private final Function<Throwable, Outcome> classifier;
    private final BlockingQueue<JobTask<?>> queue;
    private final Set<JobTask<?>> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger busy = new AtomicInteger();
    private final ScheduledThreadPoolExecutor timer;
    /** Period of the deadline sweep: a tenth of the deadline, 1 to 100 ms. */
    private final long sweepNanos;
    /** True while a deadline sweep is scheduled. */
    private final AtomicBoolean sweepArmed = new AtomicBoolean();
    private final List<Thread> workers;
    private final Object drained = new Object();
    private volatile boolean accepting = true;
    private volatile boolean stopping;

    /**
     * Starts {@link JobSettings#effectiveWorkers()} worker threads and one deadline timer thread.
     * The timer does not hold an entry per job: while jobs handed to workers are in flight, it sweeps
     * them every tenth of the deadline (1 to 100 ms) and fails those past it, so a job is failed
     * between its deadline and one sweep period later. One timer entry per job meant a wake-up of
     * the timer thread and its lock taken twice per job (schedule, cancel) on every 1 MiB encode.
     *
     * @param classifier maps a failure of the work to the outcome reported to the listener
     */
    JobExecutor(JobSettings settings, JobListener listener, Function<Throwable, Outcome> classifier) {
        this.settings = settings;
        this.listener = listener;
        this.classifier = classifier;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("erasure-job-deadline").factory());
        this.timer.setRemoveOnCancelPolicy(true);
        this.sweepNanos = Math.clamp(settings.deadline().toNanos() / 10, TimeUnit.MILLISECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(100));
        var factory = Thread.ofPlatform().daemon().name("erasure-worker-", 0).factory();
        this.workers = java.util.stream.IntStream.range(0, settings.effectiveWorkers())
                .mapToObj(i -> factory.newThread(this::workLoop)).toList();
        workers.forEach(Thread::start);
    }

    /**
     * A Uni that, on subscription, retains {@code arena} (may be null) and queues {@code work}. See
     * {@link JobService} for the contract of the returned Uni.
     */
    <T> Uni<T> submit(Operation op, long bytesCoded, JobArena arena, Work<T> work) {
        return Uni.createFrom().emitter(emitter -> accept(op, bytesCoded, arena, work, emitter));
    }

    int queueDepth() {
        return queue.size();
    }

    int busyWorkers() {
        return busy.get();
    }

    boolean isAccepting() {
        return accepting;
    }

    void beginShutdown() {
        accepting = false;
    }

    /** Waits until no job is queued or running (every accepted Uni terminated). */
    boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (drained) {
            while (!inFlight.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(drained, left);
            }
        }
        return true;
    }

    /**
     * Refuses new jobs, fails queued jobs and running ones with SHUTTING_DOWN (running ones get their
     * cancel flag and keep their arena until they return), stops the threads and waits for the
     * workers to exit (bounded). Idempotent.
     */
    @Override
    public void close() {
        beginShutdown();
        stopping = true;
        for (JobTask<?> task : List.copyOf(inFlight)) {
            abandon(task, JobTask.End.SHUTDOWN, rejection(JobRejectedException.Reason.SHUTTING_DOWN));
        }
        workers.forEach(Thread::interrupt);
        timer.shutdownNow();
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        for (Thread worker : workers) {
            try {
                worker.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (worker.isAlive()) {
                LOG.log(Level.WARNING, "worker {0} did not stop within {1}; its arena stays held",
                        worker.getName(), JOIN_TIMEOUT);
            }
        }
    }

    private <T> void accept(Operation op, long bytesCoded, JobArena arena, Work<T> work, UniEmitter<? super T> emitter) {
        if (!accepting) {
            reject(op, emitter, JobRejectedException.Reason.SHUTTING_DOWN);
            return;
        }
        if (arena != null) {
            arena.retain(); // throws on use after free; Mutiny fails the Uni with it
        }
        // A tiny job runs here: the hand-off to a worker and back costs more than the work
        // (docs/benchmarks.md); it needs no deadline and no queue slot.
        boolean inline = settings.runsInline(bytesCoded);
        JobTask<T> task = new JobTask<>(op, bytesCoded, arena, work, emitter, !inline);
        inFlight.add(task);
        emitter.onTermination(() -> abandon(task, JobTask.End.CANCELLED, null));
        if (task.state.get() != JobTask.QUEUED) {
            return; // cancelled during subscription: abandon() already gave everything back
        }
        if ((!inline && !armSweep()) || !accepting) {
            // beginShutdown() ran meanwhile; awaitDrained() may already have seen an empty set.
            removeRejected(task, JobRejectedException.Reason.SHUTTING_DOWN);
        } else if (inline) {
            if (task.state.compareAndSet(JobTask.QUEUED, JobTask.RUNNING)) {
                run(task, false);
            }
        } else if (!queue.offer(task)) {
            removeRejected(task, JobRejectedException.Reason.QUEUE_FULL);
        }
    }

    /**
     * Makes sure a deadline sweep is scheduled; false when the timer is stopped (close()). Called
     * after the job joined {@link #inFlight}: either this call schedules the sweep or the sweep
     * already scheduled sees the job (it clears the flag before it looks at the jobs).
     */
    private boolean armSweep() {
        if (sweepArmed.get() || !sweepArmed.compareAndSet(false, true)) {
            return true;
        }
        try {
            timer.schedule(this::sweep, sweepNanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            sweepArmed.set(false);
            return false; // close() stopped the timer
        }
    }

    /**
     * Fails the jobs handed to workers that are past their deadline (queued ones are removed, running
     * ones get the cancel flag and keep their arena until they return); runs again while any such
     * job is still waiting for its result.
     */
    private void sweep() {
        sweepArmed.set(false);
        long now = System.nanoTime();
        long deadline = settings.deadline().toNanos();
        boolean pending = false;
        for (JobTask<?> task : inFlight) {
            if (!task.deadlineBound || task.end.get() != null) {
                continue;
            }
            if (now - task.submittedNanos >= deadline) {
                abandon(task, JobTask.End.DEADLINE, new JobDeadlineExceededException(settings.deadline()));
            } else {
                pending = true;
            }
        }
        if (pending) {
            armSweep();
        }
    }

    private void removeRejected(JobTask<?> task, JobRejectedException.Reason reason) {
        if (task.settle(JobTask.End.REJECTED) && task.state.compareAndSet(JobTask.QUEUED, JobTask.REMOVED)) {
            queue.remove(task);
            task.releaseArena();
            reject(task.op, task.emitter, reason);
            done(task);
        }
    }

    private void reject(Operation op, UniEmitter<?> emitter, JobRejectedException.Reason reason) {
        notifyListener(() -> listener.jobRejected(op, reason));
        emitter.fail(rejection(reason));
    }

    private JobRejectedException rejection(JobRejectedException.Reason reason) {
        String message = switch (reason) {
            case QUEUE_FULL -> "job queue is full (" + settings.queueCapacity() + " jobs waiting)";
            case SHUTTING_DOWN -> "service is shutting down";
            case MEMORY_BUDGET -> "native memory budget exhausted";
        };
        return new JobRejectedException(reason, message, settings.retryAfterSeconds());
    }

    /**
     * Ends the caller's Uni early (cancel, deadline, shutdown): raises the cancel flag, removes the job
     * if still queued (then releases its arena here), and fails the Uni with {@code failure} if given.
     * A running job is finished by its worker when it returns.
     */
    private void abandon(JobTask<?> task, JobTask.End by, Throwable failure) {
        if (!task.settle(by)) {
            return;
        }
        task.raiseCancelFlag();
        if (task.state.compareAndSet(JobTask.QUEUED, JobTask.REMOVED)) {
            queue.remove(task);
            finish(task, by == JobTask.End.DEADLINE ? Outcome.DEADLINE : Outcome.CANCELLED);
            if (failure != null) {
                task.emitter.fail(failure);
            }
            done(task);
        } else if (failure != null) {
            task.emitter.fail(failure);
        }
    }

    private void workLoop() {
        while (!stopping) {
            JobTask<?> task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                continue; // close() interrupts; the loop condition decides
            }
            if (task.state.compareAndSet(JobTask.QUEUED, JobTask.RUNNING)) {
                run(task, true);
            }
        }
    }

    /** Runs the work and ends the job; {@code onWorker} is false for an inline job (not counted as busy). */
    private <T> void run(JobTask<T> task, boolean onWorker) {
        if (onWorker) {
            busy.incrementAndGet();
        }
        T result = null;
        Throwable error = null;
        try {
            if (!task.isCancelled()) {
                result = task.work.run(task);
            }
        } catch (Throwable e) {
            error = e;
        }
        boolean ours = task.settle(JobTask.End.COMPLETED);
        Outcome outcome = ours ? (error == null ? Outcome.SUCCESS : classifier.apply(error)) : outcomeOf(task.end.get());
        finish(task, outcome);
        if (onWorker) {
            busy.decrementAndGet();
        }
        task.state.set(JobTask.DONE);
        try {
            if (!ours) {
                logDropped(task, outcome, error);
            } else if (error == null) {
                task.emitter.complete(result);
            } else {
                task.emitter.fail(error);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "subscriber of a " + task.op.tag() + " job threw", e);
        } finally {
            done(task);
        }
    }

    /** Releases the job's arena and reports the outcome (in this order). */
    private void finish(JobTask<?> task, Outcome outcome) {
        try {
            task.releaseArena();
        } catch (IllegalStateException e) {
            LOG.log(Level.ERROR, "arena of a " + task.op.tag() + " job was released by someone else", e);
        }
        long nanos = System.nanoTime() - task.submittedNanos;
        long bytes = outcome == Outcome.SUCCESS ? task.bytesCoded : 0;
        notifyListener(() -> listener.jobFinished(task.op, outcome, nanos, bytes));
    }

    private void done(JobTask<?> task) {
        inFlight.remove(task);
        if (inFlight.isEmpty()) {
            synchronized (drained) {
                drained.notifyAll();
            }
        }
    }

    private void notifyListener(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "job listener threw", e);
        }
    }

    private static Outcome outcomeOf(JobTask.End end) {
        return end == JobTask.End.DEADLINE ? Outcome.DEADLINE : Outcome.CANCELLED;
    }

    /** The caller stopped waiting before the work returned; a real failure must still be seen. */
    private void logDropped(JobTask<?> task, Outcome outcome, Throwable error) {
        if (error != null && classifier.apply(error) == Outcome.CODEC_ERROR) {
            LOG.log(Level.WARNING, "a " + task.op.tag() + " job failed after it was " + outcome.tag(), error);
        }
    }
}
