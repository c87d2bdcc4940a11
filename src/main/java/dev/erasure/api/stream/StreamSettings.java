package dev.erasure.api.stream;

/**
 * Limits of the streamed stripe endpoints ({@code erasure.stream.*}), checked when built: an invalid
 * value stops the start with a message naming the key, the rule and the value.
 *
 * @param maxCellBytes the largest {@code cell} a request may ask for
 * @param maxObjectBytes the largest object one request may carry (413 beyond)
 * @param depth stripes in flight per request (read, coded, written at the same time); a request holds
 *     at most {@code depth * (k + m) * cell} bytes of native memory
 */
public record StreamSettings(long maxCellBytes, long maxObjectBytes, int depth) {

    /** Largest value of {@code erasure.stream.max-cell-size}: cells are addressed with int offsets. */
    public static final long CELL_LIMIT = 1L << 30;
    /** Bounds of {@code erasure.stream.depth}: 2 lets reading overlap coding and writing at all. */
    public static final int MIN_DEPTH = 2;
    public static final int MAX_DEPTH = 16;
    /** The {@code cell} of a request that does not give one. */
    public static final int DEFAULT_CELL = 1 << 20;

    public StreamSettings {
        if (maxCellBytes < 1 || maxCellBytes > CELL_LIMIT) {
            throw new IllegalArgumentException("erasure.stream.max-cell-size must be between 1 byte and " + CELL_LIMIT
                    + " bytes (got " + maxCellBytes + " bytes)");
        }
        if (maxObjectBytes < 1) {
            throw new IllegalArgumentException("erasure.stream.max-object-size must be >= 1 byte (got "
                    + maxObjectBytes + " bytes)");
        }
        if (depth < MIN_DEPTH || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("erasure.stream.depth must be between " + MIN_DEPTH + " and "
                    + MAX_DEPTH + " (got " + depth + ")");
        }
    }
}
