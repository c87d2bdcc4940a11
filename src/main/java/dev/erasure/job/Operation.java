package dev.erasure.job;

/** What a job computes; also the {@code op} tag of the job metrics. */
public enum Operation {
    /** Parity of an object's data shards ({@code /v1/encode}). */
    ENCODE,
    /** Parity of given data blocks ({@code /v1/parity}). */
    PARITY,
    /** Missing data shards of a stripe ({@code /v1/decode}). */
    DECODE,
    /** Any missing shards of a stripe ({@code /v1/reconstruct}). */
    RECONSTRUCT,
    /** Parity check ({@code /v1/verify}). */
    VERIFY;

    /** Lower-case tag value for metrics. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
