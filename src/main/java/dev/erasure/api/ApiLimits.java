package dev.erasure.api;

/**
 * Limits the HTTP side enforces on every request, built by {@code ops} from configuration
 * ({@code erasure.api.*}) and injected into the routes. Violations are answered with the contract's
 * 4xx and a detail naming the value and the limit.
 *
 * @param maxBodyBytes largest request body accepted (413 beyond), {@code erasure.api.max-body-size}
 * @param maxParts most parts in one shard set (400 beyond), {@code erasure.api.max-parts}
 * @param maxPartHeaderBytes most bytes of one part's header block (400 beyond), {@code erasure.api.max-part-header-size}
 */
public record ApiLimits(long maxBodyBytes, int maxParts, int maxPartHeaderBytes) {

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
    }
}
