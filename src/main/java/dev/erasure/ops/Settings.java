package dev.erasure.ops;

import dev.erasure.api.ApiLimits;
import dev.erasure.api.HeadLimits;
import dev.erasure.api.stream.StreamSettings;
import dev.erasure.job.JobSettings;
import java.time.Duration;

/**
 * Turns the {@link ErasureConfig} mapping into the immutable settings records the plain-Java
 * packages take, checking every value on the way. Plain Java, so tests and benchmarks can build
 * the same records without CDI. Each failure is an {@link IllegalArgumentException} whose message
 * names the key, the value and the rule, e.g. {@code erasure.jobs.queue-capacity must be >= 1 (got 0)}.
 */
public final class Settings {

    private Settings() {
    }

    /** The worker executor's settings from {@code erasure.jobs.*}. */
    public static JobSettings jobs(ErasureConfig.Jobs jobs) {
        return new JobSettings(jobs.workers(), jobs.queueCapacity(), jobs.deadline(),
                retryAfterSeconds(jobs.retryAfter()), jobs.inlineMaxBytes().asLongValue());
    }

    /** The HTTP limits from {@code erasure.api.*}. */
    public static ApiLimits api(ErasureConfig.Api api) {
        int headerBytes = intBytes("erasure.api.max-part-header-size", api.maxPartHeaderSize().asLongValue());
        return new ApiLimits(api.maxBodySize().asLongValue(), api.maxParts(), headerBytes,
                api.minBodyRate().asLongValue(), api.bodyRateWindow(), api.maxBodyTime(),
                api.maxJsonBodySize().asLongValue(), api.lendBodyChunks(),
                api.coalesceResponseSize().asLongValue());
    }

    /**
     * The request-head limits from {@code erasure.api.max-request-line} and {@code max-header-size},
     * each at most the HTTP codec's own limit (else the codec's empty answer would always come first).
     */
    public static HeadLimits head(ErasureConfig.Api api, long codecLineBytes, long codecHeaderBytes) {
        long line = api.maxRequestLine().asLongValue();
        long header = api.maxHeaderSize().asLongValue();
        if (line > codecLineBytes) {
            throw new IllegalArgumentException("erasure.api.max-request-line must be <= "
                    + "quarkus.http.limits.max-initial-line-length (" + codecLineBytes + " bytes; got " + line + " bytes)");
        }
        if (header > codecHeaderBytes) {
            throw new IllegalArgumentException("erasure.api.max-header-size must be <= "
                    + "quarkus.http.limits.max-header-size (" + codecHeaderBytes + " bytes; got " + header + " bytes)");
        }
        return new HeadLimits((int) line, (int) header);
    }

    /** The streamed stripe endpoints' settings from {@code erasure.stream.*}. */
    public static StreamSettings stream(ErasureConfig.Stream stream) {
        return new StreamSettings(stream.maxCellSize().asLongValue(), stream.maxObjectSize().asLongValue(), stream.depth());
    }

    /** {@code erasure.codec.cache-size}, at least 1. */
    public static int codecCacheSize(ErasureConfig.Codec codec) {
        int size = codec.cacheSize();
        if (size < 1) {
            throw new IllegalArgumentException("erasure.codec.cache-size must be >= 1 (got " + size + ")");
        }
        return size;
    }

    /** {@code erasure.buffer.budget} in bytes, at least 1. */
    public static long bufferBudgetBytes(ErasureConfig.Buffer buffer) {
        long bytes = buffer.budget().asLongValue();
        if (bytes < 1) {
            throw new IllegalArgumentException("erasure.buffer.budget must be >= 1 byte (got " + bytes + " bytes)");
        }
        return bytes;
    }

    /**
     * {@code erasure.jobs.retry-after} as the whole seconds of a {@code Retry-After} header, rounded
     * up (1500ms gives 2).
     */
    static int retryAfterSeconds(Duration retryAfter) {
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("erasure.jobs.retry-after must be >= 1 second (got " + retryAfter + ")");
        }
        long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0);
        if (seconds > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("erasure.jobs.retry-after must be <= " + Integer.MAX_VALUE
                    + " seconds (got " + retryAfter + ")");
        }
        return (int) seconds;
    }

    private static int intBytes(String key, long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(key + " must be <= " + Integer.MAX_VALUE + " bytes (got " + bytes + " bytes)");
        }
        return (int) bytes;
    }

    /** {@code erasure.shutdown.timeout}, at least 0. */
    public static Duration shutdownTimeout(ErasureConfig.Shutdown shutdown) {
        Duration timeout = shutdown.timeout();
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("erasure.shutdown.timeout must be >= 0 (got " + timeout + ")");
        }
        return timeout;
    }
}
