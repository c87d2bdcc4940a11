package dev.erasure.job;

import java.time.Duration;

/**
 * Immutable settings of the worker executor, built by {@code ops} from configuration (or directly
 * by tests and benchmarks).
 *
 * @param workers worker threads; 0 means one per available processor
 * @param queueCapacity jobs that may wait for a worker (>= 1); beyond that, submits are rejected
 * @param deadline longest time a job may take from submit to finish (> 0)
 * @param retryAfterSeconds value of Retry-After given with rejections (>= 1)
 * @param inlineMaxBytes jobs of at most this many bytes (all shards of the stripe) run on the
 *     submitting thread instead of being handed to a worker; 0 hands every job off. At most
 *     {@link #INLINE_LIMIT}, since an inline job holds the caller's thread (an event loop) while it
 *     runs and is neither queued, nor bounded by the deadline, nor stopped by a cancel
 */
public record JobSettings(int workers, int queueCapacity, Duration deadline, int retryAfterSeconds,
        long inlineMaxBytes) {

    /** Largest allowed {@code inlineMaxBytes}: 1 MiB, a few tens of microseconds of coding. */
    public static final long INLINE_LIMIT = 1 << 20;

    /** Settings that hand every job to a worker (no inline jobs). */
    public JobSettings(int workers, int queueCapacity, Duration deadline, int retryAfterSeconds) {
        this(workers, queueCapacity, deadline, retryAfterSeconds, 0);
    }

    /** Validates; messages name the configuration key, the value and the rule. */
    public JobSettings {
        if (workers < 0) {
            throw new IllegalArgumentException("erasure.jobs.workers must be >= 0, 0 meaning one per core (got " + workers + ")");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("erasure.jobs.queue-capacity must be >= 1 (got " + queueCapacity + ")");
        }
        if (deadline == null || deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("erasure.jobs.deadline must be > 0 (got " + deadline + ")");
        }
        if (retryAfterSeconds < 1) {
            throw new IllegalArgumentException("erasure.jobs.retry-after must be >= 1 second (got " + retryAfterSeconds + ")");
        }
        if (inlineMaxBytes < 0 || inlineMaxBytes > INLINE_LIMIT) {
            throw new IllegalArgumentException("erasure.jobs.inline-max-bytes must be between 0 and " + INLINE_LIMIT
                    + " bytes (got " + inlineMaxBytes + " bytes)");
        }
    }

    /** The number of threads actually started. */
    public int effectiveWorkers() {
        return workers == 0 ? Runtime.getRuntime().availableProcessors() : workers;
    }

    /** True if a job of {@code bytes} runs on the submitting thread. */
    public boolean runsInline(long bytes) {
        return inlineMaxBytes > 0 && bytes <= inlineMaxBytes;
    }
}
