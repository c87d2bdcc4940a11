package dev.erasure.job;

/**
 * Receives job events so that {@code ops} can count them in metrics without {@code job} knowing
 * Micrometer. Called on worker or caller threads; implementations must be thread-safe and fast.
 */
public interface JobListener {

    JobListener NONE = new JobListener() {
    };

    /** A job ended (any outcome but REJECTED). {@code bytesCoded} counts data plus parity bytes. */
    default void jobFinished(Operation op, Outcome outcome, long nanos, long bytesCoded) {
    }

    /** A submit was refused. */
    default void jobRejected(Operation op, JobRejectedException.Reason reason) {
    }
}
