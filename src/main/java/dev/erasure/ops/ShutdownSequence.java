package dev.erasure.ops;

import dev.erasure.buffer.LeakReport;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.job.JobService;
import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The ordered stop of the service (lifetime rule 5 of docs/architecture.md): readiness DOWN, stop accepting
 * jobs, drain queued and running jobs within the timeout, stop the workers, then close the native
 * memory pool and report anything still held as a leak. Every step runs even if an earlier one
 * failed, and the pool is closed last, after the workers are stopped, so no worker can write into
 * freed memory. Before closing the pool it also waits, within the budget, until the HTTP side has
 * released every arena: a response is written straight from its job's native memory after the job
 * ended, and Quarkus may count the request as complete before the last bytes left, so closing the
 * pool at once would cut those responses off. {@link #run()} runs the sequence once; later calls return the first result.
 * Plain Java apart from logging, so the order is testable without Quarkus.
 *
 * <p>The whole stop fits one budget counted from the first shutdown signal
 * ({@link #readinessDown()}): the drain waits at most for what is left of it, so time the HTTP
 * server already spent waiting for its requests is not waited a second time.
 */
public final class ShutdownSequence {

    private static final Logger LOG = Logger.getLogger(ShutdownSequence.class);

    /** The job side of shutdown, as {@link JobService} offers it. */
    interface Jobs {
        void beginShutdown();

        boolean awaitDrained(Duration timeout) throws InterruptedException;

        void close();
    }

    /** How the sequence ended: whether all jobs drained in time, and what the pool still held. */
    public record Result(boolean drained, LeakReport leaks) {
    }

    private final ServiceState state;
    private final Jobs jobs;
    private final IntSupplier openArenas;
    private final Supplier<LeakReport> closePool;
    private final Duration budget;
    private final LongSupplier nanoClock;
    private long downAtNanos;
    private Result result;

    ShutdownSequence(ServiceState state, Jobs jobs, IntSupplier openArenas, Supplier<LeakReport> closePool,
            Duration budget, LongSupplier nanoClock) {
        this.state = state;
        this.jobs = jobs;
        this.openArenas = openArenas;
        this.closePool = closePool;
        this.budget = budget;
        this.nanoClock = nanoClock;
    }

    /**
     * The sequence over the real engine.
     *
     * @param budget how long the stop may take from the first shutdown signal to the end of the
     *     drain: {@code quarkus.shutdown.delay} (when enabled) plus {@code erasure.shutdown.timeout}
     */
    public static ShutdownSequence of(ServiceState state, JobService jobService, NativeMemoryPool pool,
            Duration budget) {
        Jobs jobs = new Jobs() {
            @Override
            public void beginShutdown() {
                jobService.beginShutdown();
            }

            @Override
            public boolean awaitDrained(Duration timeout) throws InterruptedException {
                return jobService.awaitDrained(timeout);
            }

            @Override
            public void close() {
                jobService.close();
            }
        };
        return new ShutdownSequence(state, jobs, pool::openArenas, pool::close, budget, System::nanoTime);
    }

    /** Readiness DOWN at once (the first shutdown signal); the rest waits for {@link #run()}. */
    public synchronized void readinessDown() {
        if (state.beginShutdown()) {
            downAtNanos = nanoClock.getAsLong();
            LOG.info("Shutdown started: readiness is DOWN");
        }
    }

    /** Runs the whole sequence (once). */
    public synchronized Result run() {
        if (result != null) {
            return result;
        }
        readinessDown();
        boolean drained = false;
        try {
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

    private boolean drain() {
        Duration left = budget.minusNanos(nanoClock.getAsLong() - downAtNanos);
        Duration wait = left.isNegative() ? Duration.ZERO : left;
        try {
            boolean drained = jobs.awaitDrained(wait);
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
