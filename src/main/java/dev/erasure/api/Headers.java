package dev.erasure.api;

import io.vertx.core.http.HttpServerRequest;

/** Request headers the routes of both packages read the same way. */
public final class Headers {

    private Headers() {
    }

    /**
     * The declared {@code Content-Length}, or -1 without one. Netty's decoder already refuses a
     * value that is not a non-negative number; this check stays for any other front end.
     */
    public static long contentLength(HttpServerRequest request) {
        String value = request.getHeader("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw ApiException.malformed("Content-Length must be a number (got '" + value + "')");
        }
    }
}
