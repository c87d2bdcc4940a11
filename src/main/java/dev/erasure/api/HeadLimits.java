package dev.erasure.api;

/**
 * Limits on a request's head that {@link RequestHeadFilter} enforces with problem answers, built by
 * {@code ops} from {@code erasure.api.max-request-line} and {@code erasure.api.max-header-size}.
 * The HTTP codec's own limits ({@code quarkus.http.limits.max-initial-line-length},
 * {@code max-header-size}) sit above these as a backstop; beyond them the codec answers before any
 * route with an empty 414 or 431.
 *
 * @param maxRequestLineBytes longest request line ({@code METHOD SP target SP HTTP/1.1}); 414 beyond
 * @param maxHeaderBytes largest header block (each line's name, {@code ": "}, value and CRLF); 431 beyond
 */
public record HeadLimits(int maxRequestLineBytes, int maxHeaderBytes) {

    /** Default of {@code erasure.api.max-request-line}: 4 KiB. */
    public static final int DEFAULT_MAX_REQUEST_LINE = 4096;
    /** Default of {@code erasure.api.max-header-size}: 20 KiB. */
    public static final int DEFAULT_MAX_HEADER_SIZE = 20 * 1024;

    public HeadLimits {
        if (maxRequestLineBytes < 256) {
            throw new IllegalArgumentException("erasure.api.max-request-line must be >= 256 bytes (got "
                    + maxRequestLineBytes + " bytes)");
        }
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("erasure.api.max-header-size must be >= 1024 bytes (got "
                    + maxHeaderBytes + " bytes)");
        }
    }
}
