package dev.erasure.ops;

import dev.erasure.buffer.LeakReport;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.job.Admission;
import dev.erasure.job.JobService;
import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The ordered stop of the service (lifetime rule 5 of docs/architecture.md), in two parts.
 *
 * <p>{@link #drainRequests()}, at the first shutdown signal: readiness DOWN; requests are still
 * served normally for the delay ({@code quarkus.shutdown.delay}) so load balancers can stop
 * routing; then admission closes (new requests get 503 {@code /problems/shutting-down}) and the
 * requests admitted before keep running, jobs included, until they are done or the drain deadline
 * (delay + {@code erasure.shutdown.timeout} after the signal) passes; then jobs are refused and
 * every request still running is aborted (a stream ends with its final problem part), and the
 * sequence waits a short grace for them to let go of the connection.
 *
 * <p>{@link #run()}, when the application stops: stop accepting jobs, drain queued and running jobs
 * within what is left of the budget, stop the workers, then close the native memory pool and report
 * anything still held as a leak. Every step runs even if an earlier one failed, and the pool is
 * closed last, after the workers are stopped, so no worker can write into freed memory. Before
 * closing the pool it also waits, within the budget, until the HTTP side has released every arena.
 * {@link #run()} runs the sequence once; later calls return the first result.
 *
 * <p>Plain Java apart from logging, so the order is testable without Quarkus.
 */
public final class ShutdownSequence {

    private static final Logger LOG = Logger.getLogger(ShutdownSequence.class);

    /** How long requests aborted at the drain deadline get to write their last bytes and let go. */
    static final Duration ABORT_GRACE = Duration.ofSeconds(2);

    /** The job side of shutdown, as {@link JobService} offers it. */
    interface Jobs {
        void beginShutdown();

        boolean awaitDrained(Duration timeout) throws InterruptedException;

        void close();
    }

    /** The request side of shutdown, as {@link Admission} offers it. */
    interface Requests {
        void close();

        int inProgress();

        boolean awaitIdle(Duration timeout) throws InterruptedException;

        int abortAll();
    }

    /** Waits, in production {@link Thread#sleep}; tests move a fake clock. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** How the sequence ended: whether all jobs drained in time, and what the pool still held. */
    public record Result(boolean drained, LeakReport leaks) {
    }

    private final ServiceState state;
    private final Jobs jobs;
    private final Requests requests;
    private final IntSupplier openArenas;
    private final Supplier<LeakReport> closePool;
    private final Duration delay;
    private final Duration budget;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private long downAtNanos;
    private boolean requestsDrained;
    private Result result;

    ShutdownSequence(ServiceState state, Jobs jobs, Requests requests, IntSupplier openArenas,
            Supplier<LeakReport> closePool, Duration delay, Duration timeout, LongSupplier nanoClock, Sleeper sleeper) {
        this.state = state;
        this.jobs = jobs;
        this.requests = requests;
        this.openArenas = openArenas;
        this.closePool = closePool;
        this.delay = delay;
        this.budget = delay.plus(timeout);
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    /**
     * The sequence over the real engine.
     *
     * @param delay how long requests are served normally after readiness went DOWN
     *     ({@code quarkus.shutdown.delay} when enabled, else zero)
     * @param timeout how long admitted requests and jobs may then take ({@code erasure.shutdown.timeout})
     */
    public static ShutdownSequence of(ServiceState state, JobService jobService, NativeMemoryPool pool,
            Duration delay, Duration timeout) {
        Jobs jobs = new Jobs() {
            @Override
            public void beginShutdown() {
                jobService.beginShutdown();
            }

            @Override
            public boolean awaitDrained(Duration wait) throws InterruptedException {
                return jobService.awaitDrained(wait);
            }

            @Override
            public void close() {
                jobService.close();
            }
        };
        Admission admission = jobService.admission();
        Requests requests = new Requests() {
            @Override
            public void close() {
                admission.close();
            }

            @Override
            public int inProgress() {
                return admission.inProgress();
            }

            @Override
            public boolean awaitIdle(Duration wait) throws InterruptedException {
                return admission.awaitIdle(wait);
            }

            @Override
            public int abortAll() {
                return admission.abortAll();
            }
        };
        return new ShutdownSequence(state, jobs, requests, pool::openArenas, pool::close, delay, timeout,
                System::nanoTime, duration -> Thread.sleep(duration));
    }

    /** Readiness DOWN at once (the first shutdown signal); the rest waits for {@link #run()}. */
    public synchronized void readinessDown() {
        if (state.beginShutdown()) {
            downAtNanos = nanoClock.getAsLong();
            LOG.info("Shutdown started: readiness is DOWN");
        }
    }

    /**
     * The request side of the stop (once; blocks the calling thread): readiness DOWN, serve normally
     * for the delay, close admission, wait for the admitted requests until the drain deadline, then
     * refuse jobs and abort what is left. Returns when no admitted request is left, or after the
     * grace given to aborted ones.
     */
    public synchronized void drainRequests() {
        if (requestsDrained) {
            return;
        }
        requestsDrained = true;
        readinessDown();
        try {
            waitUntil(downAtNanos + delay.toNanos());
            requests.close();
            int inProgress = requests.inProgress();
            LOG.infof("Admission closed: new requests are answered 503 shutting-down; %d requests in progress have "
                    + "until the drain deadline (%d ms after the signal)", inProgress, budget.toMillis());
            if (requests.awaitIdle(left())) {
                LOG.info("All admitted requests completed");
                return;
            }
            jobs.beginShutdown();
            int aborted = requests.abortAll();
            LOG.warnf("%d requests were still in progress at the drain deadline (quarkus.shutdown.delay + "
                    + "erasure.shutdown.timeout = %d ms); they were aborted", aborted, budget.toMillis());
            if (!requests.awaitIdle(ABORT_GRACE)) {
                LOG.warnf("%d aborted requests still held their connection after %d ms", requests.inProgress(),
                        ABORT_GRACE.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while waiting for requests in progress; stopping anyway");
        }
    }

    /** Runs the whole sequence (once), the request side first unless it already ran. */
    public synchronized Result run() {
        if (result != null) {
            return result;
        }
        boolean drained = false;
        try {
            drainRequests(); // a no-op when the first shutdown signal already ran it
            jobs.beginShutdown();
            drained = drain();
        } finally {
            try {
                jobs.close();
            } finally {
                awaitArenasReleased();
                LeakReport leaks = closePool.get();
                state.markPoolClosed();
                if (leaks.isEmpty()) {
                    LOG.info("Native memory pool closed, nothing leaked");
                }
                logLeaks(leaks);
                result = new Result(drained, leaks);
            }
        }
        return result;
    }

    /** What is left of the budget counted from the first signal (zero when spent). */
    private Duration left() {
        Duration left = budget.minusNanos(nanoClock.getAsLong() - downAtNanos);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private void waitUntil(long nanos) throws InterruptedException {
        long wait = nanos - nanoClock.getAsLong();
        if (wait > 0) {
            sleeper.sleep(Duration.ofNanos(wait));
        }
    }

    private boolean drain() {
        try {
            boolean drained = jobs.awaitDrained(left());
            if (drained) {
                LOG.info("All jobs drained");
            } else {
                LOG.warnf("Jobs did not drain within the shutdown budget of %d ms (quarkus.shutdown.delay + "
                        + "erasure.shutdown.timeout); stopping workers anyway", budget.toMillis());
            }
            return drained;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while draining jobs; stopping workers anyway");
            return false;
        }
    }

    /**
     * Waits until no arena is open (responses still being written hold theirs) or the budget is
     * spent; whatever is still open then is closed and reported as a leak by the pool.
     */
    private void awaitArenasReleased() {
        int open = openArenas.getAsInt();
        if (open == 0) {
            return;
        }
        LOG.infof("Waiting for %d native arenas still held by responses being written", open);
        long end = downAtNanos + budget.toNanos();
        try {
            while (openArenas.getAsInt() > 0 && nanoClock.getAsLong() - end < 0) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Logs a non-empty leak report at ERROR, with the allocation stacks when they were tracked; an empty one not at all. */
    static void logLeaks(LeakReport leaks) {
        if (leaks == null || leaks.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("Native memory leak at shutdown: ")
                .append(leaks.arenas()).append(" arenas with ").append(leaks.bytes())
                .append(" bytes were still held and have been freed");
        if (leaks.stacks().isEmpty()) {
            message.append(" (start with -Derasure.buffer.track-allocations=true to see where they were opened)");
        }
        for (String stack : leaks.stacks()) {
            message.append(System.lineSeparator()).append("arena opened at: ").append(stack);
        }
        LOG.error(message);
    }
}
