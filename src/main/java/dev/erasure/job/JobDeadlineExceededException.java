package dev.erasure.job;

import java.time.Duration;

/** The job did not finish within its deadline and was cancelled; the service answers 503. */
public final class JobDeadlineExceededException extends RuntimeException {
    private final Duration deadline;

    public JobDeadlineExceededException(Duration deadline) {
        super("job did not finish within its deadline of " + deadline.toMillis() + " ms");
        this.deadline = deadline;
    }

    public Duration deadline() {
        return deadline;
    }
}
