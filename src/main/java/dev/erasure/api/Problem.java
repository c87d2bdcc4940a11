package dev.erasure.api;

import io.vertx.core.json.JsonObject;

/**
 * An RFC 9457 problem: {@code type}, {@code title}, {@code status}, {@code detail}, plus the value
 * of {@code Retry-After} for 503 answers (0 when absent).
 */
public record Problem(String type, String title, int status, String detail, int retryAfterSeconds) {

    /** Base of the problem type URIs (a relative reference, documented in docs/api.md). */
    public static final String TYPE_BASE = "/problems/";

    public static Problem of(String slug, String title, int status, String detail) {
        return new Problem(TYPE_BASE + slug, title, status, detail, 0);
    }

    public Problem withRetryAfter(int seconds) {
        return new Problem(type, title, status, detail, seconds);
    }

    public String toJson() {
        return new JsonObject()
                .put("type", type)
                .put("title", title)
                .put("status", status)
                .put("detail", detail)
                .encode();
    }
}
