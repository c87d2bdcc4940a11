package dev.erasure.job;

/** The job was not accepted; the service answers 503 with {@code Retry-After: retryAfterSeconds}. */
public final class JobRejectedException extends RuntimeException {

    /** Why; also the {@code reason} tag of the rejection metric. */
    public enum Reason {
        QUEUE_FULL, MEMORY_BUDGET, SHUTTING_DOWN;

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Reason reason;
    private final int retryAfterSeconds;

    public JobRejectedException(Reason reason, String message, int retryAfterSeconds) {
        super(message);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Reason reason() {
        return reason;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
