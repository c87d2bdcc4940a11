package dev.erasure.api;

import dev.erasure.job.JobRejectedException;
import dev.erasure.job.Operation;

/**
 * What the HTTP side reports so that {@code ops} can count it, without {@code api} knowing
 * Micrometer: refusals that happen before a job exists (the native budget is exhausted while the
 * body is read, the pool is closed) and requests abandoned by their client. Implementations must
 * be thread-safe and fast.
 */
public interface RequestEvents {

    RequestEvents NONE = new RequestEvents() {
    };

    /** Where a request was when its client went away. */
    enum Stage {
        /** The body was still arriving. */
        UPLOAD,
        /** The body was read and the job was queued or running (the job service also reports it). */
        JOB,
        /** The response was being written. */
        RESPONSE;

        /** Lower-case tag value for metrics. */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A request for {@code op} was refused with 503 before its job was submitted. */
    default void rejected(Operation op, JobRejectedException.Reason reason) {
    }

    /** The client of a request went away before its response was complete; {@code op} is null for echo. */
    default void clientGone(Operation op, Stage stage) {
    }

    /** An {@code OutOfMemoryError} was caught while serving a request: the heap is exhausted. */
    default void outOfMemory() {
    }
}
