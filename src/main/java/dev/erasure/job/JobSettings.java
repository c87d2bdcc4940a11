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
 */
public record JobSettings(int workers, int queueCapacity, Duration deadline, int retryAfterSeconds) {

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
    }

    /** The number of threads actually started. */
    public int effectiveWorkers() {
        return workers == 0 ? Runtime.getRuntime().availableProcessors() : workers;
    }
}
