package dev.erasure.job;

/** How a job ended; the {@code outcome} tag of the job metrics. */
public enum Outcome {
    SUCCESS, CLIENT_ERROR, CODEC_ERROR, CANCELLED, DEADLINE, REJECTED;

    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
