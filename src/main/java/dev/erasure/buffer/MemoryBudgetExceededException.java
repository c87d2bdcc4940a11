package dev.erasure.buffer;

/** An allocation would take the pool past its byte budget. The service answers 503 + Retry-After. */
public final class MemoryBudgetExceededException extends RuntimeException {
    private final long requested;
    private final long inUse;
    private final long budget;

    public MemoryBudgetExceededException(long requested, long inUse, long budget) {
        super("native memory budget exhausted: requested " + requested + " bytes with " + inUse
                + " of " + budget + " bytes in use");
        this.requested = requested;
        this.inUse = inUse;
        this.budget = budget;
    }

    public long requested() {
        return requested;
    }

    public long inUse() {
        return inUse;
    }

    public long budget() {
        return budget;
    }
}
