package dev.erasure.api;

import java.time.Duration;

/**
 * Limits the HTTP side enforces on every request, built by {@code ops} from configuration
 * ({@code erasure.api.*}) and injected into the routes. Violations are answered with the contract's
 * 4xx and a detail naming the value and the limit.
 *
 * @param maxBodyBytes largest request body accepted (413 beyond), {@code erasure.api.max-body-size}
 * @param maxParts most parts in one shard set (400 beyond), {@code erasure.api.max-parts}
 * @param maxPartHeaderBytes most bytes of one part's header block (400 beyond), {@code erasure.api.max-part-header-size}
 * @param minBodyBytesPerSecond slowest average rate a body may arrive at over each
 *     {@code bodyRateWindow} (408 below), {@code erasure.api.min-body-rate}; 0 turns the check off
 * @param bodyRateWindow how long the rate is measured over, {@code erasure.api.body-rate-window}
 * @param maxBodyTime longest time a body may take to arrive (408 beyond), {@code erasure.api.max-body-time}
 * @param maxJsonBodyBytes largest JSON shard set (413 beyond), {@code erasure.api.max-json-body-size}, at most
 *     {@code maxBodyBytes} (the smaller of the two applies)
 * @param lendBodyChunks whether body chunks of the binary endpoints are lent without Vert.x's heap
 *     copy ({@link ChunkLoans}), {@code erasure.api.lend-body-chunks}
 * @param coalesceResponseBytes largest multipart response copied into one buffer instead of being
 *     sent as a gathering write of its pieces ({@link ShardSetWriter#multipart}),
 *     {@code erasure.api.coalesce-response-size}; 0 turns the copy off
 */
public record ApiLimits(long maxBodyBytes, int maxParts, int maxPartHeaderBytes, long minBodyBytesPerSecond,
        Duration bodyRateWindow, Duration maxBodyTime, long maxJsonBodyBytes, boolean lendBodyChunks,
        long coalesceResponseBytes) {

    /** Default of {@code erasure.api.min-body-rate}: 64 KiB/s. */
    public static final long DEFAULT_MIN_BODY_RATE = 64 * 1024;
    /** Default of {@code erasure.api.body-rate-window}. */
    public static final Duration DEFAULT_BODY_RATE_WINDOW = Duration.ofSeconds(5);
    /** Default of {@code erasure.api.max-body-time}. */
    public static final Duration DEFAULT_MAX_BODY_TIME = Duration.ofSeconds(120);
    /** Default of {@code erasure.api.max-json-body-size}: 16 MiB. */
    public static final long DEFAULT_MAX_JSON_BODY = 16L << 20;
    /** Default of {@code erasure.api.coalesce-response-size}: 32 KiB. */
    public static final long DEFAULT_COALESCE_RESPONSE = 32L << 10;
    /** Largest {@code erasure.api.coalesce-response-size}: beyond it the copy costs more than the pieces. */
    public static final long MAX_COALESCE_RESPONSE = 1L << 20;

    /** The given size limits with the default body rate, body time and JSON limits; chunks lent. */
    public ApiLimits(long maxBodyBytes, int maxParts, int maxPartHeaderBytes) {
        this(maxBodyBytes, maxParts, maxPartHeaderBytes, DEFAULT_MIN_BODY_RATE, DEFAULT_BODY_RATE_WINDOW,
                DEFAULT_MAX_BODY_TIME, DEFAULT_MAX_JSON_BODY);
    }

    /** The given limits, body chunks lent (the default of {@code erasure.api.lend-body-chunks}). */
    public ApiLimits(long maxBodyBytes, int maxParts, int maxPartHeaderBytes, long minBodyBytesPerSecond,
            Duration bodyRateWindow, Duration maxBodyTime, long maxJsonBodyBytes) {
        this(maxBodyBytes, maxParts, maxPartHeaderBytes, minBodyBytesPerSecond, bodyRateWindow, maxBodyTime,
                maxJsonBodyBytes, true, DEFAULT_COALESCE_RESPONSE);
    }

    public ApiLimits {
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("erasure.api.max-body-size must be >= 1 byte (got " + maxBodyBytes + ")");
        }
        if (maxParts < 2) {
            throw new IllegalArgumentException("erasure.api.max-parts must be >= 2 (got " + maxParts + ")");
        }
        if (maxPartHeaderBytes < 64) {
            throw new IllegalArgumentException("erasure.api.max-part-header-size must be >= 64 bytes (got " + maxPartHeaderBytes + ")");
        }
        if (minBodyBytesPerSecond < 0) {
            throw new IllegalArgumentException("erasure.api.min-body-rate must be >= 0 bytes (got " + minBodyBytesPerSecond + ")");
        }
        if (bodyRateWindow == null || bodyRateWindow.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("erasure.api.body-rate-window must be >= 100ms (got " + bodyRateWindow + ")");
        }
        if (maxBodyTime == null || maxBodyTime.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("erasure.api.max-body-time must be >= 100ms (got " + maxBodyTime + ")");
        }
        if (maxJsonBodyBytes < 1) {
            throw new IllegalArgumentException("erasure.api.max-json-body-size must be >= 1 byte (got " + maxJsonBodyBytes + " bytes)");
        }
        if (coalesceResponseBytes < 0 || coalesceResponseBytes > MAX_COALESCE_RESPONSE) {
            throw new IllegalArgumentException("erasure.api.coalesce-response-size must be between 0 and 1M (got "
                    + coalesceResponseBytes + " bytes)");
        }
        maxJsonBodyBytes = Math.min(maxJsonBodyBytes, maxBodyBytes);
    }
}
