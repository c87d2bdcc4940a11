package dev.erasure.api;

/**
 * A client's mistake found by the HTTP layer (parameters, media types, shard-set framing, sizes).
 * Carries the contract's status and a problem type; {@link ProblemMapper} turns it into
 * problem+json. The message is the problem's {@code detail} and names the value and the rule.
 */
public final class ApiException extends RuntimeException {

    /** The problem types of the HTTP layer, with their status. */
    public enum Kind {
        INVALID_PARAMETER(400, "invalid-parameter", "Invalid parameter"),
        MALFORMED_BODY(400, "malformed-body", "Malformed request body"),
        INVALID_SHARD_SET(400, "invalid-shard-set", "Invalid shard set"),
        /** No endpoint at this {@code /v1} path. */
        NOT_FOUND(404, "not-found", "Not found"),
        /** The path exists, but not for this method; the answer carries {@code Allow}. */
        METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
        /** The body arrived slower than erasure.api.min-body-rate or took longer than erasure.api.max-body-time. */
        BODY_TOO_SLOW(408, "body-too-slow", "Request body too slow"),
        BODY_TOO_LARGE(413, "body-too-large", "Request body too large"),
        UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
        TOO_FEW_SHARDS(422, "too-few-shards", "Too few usable shards"),
        /** The native memory pool is closed: the service is stopping (503 + Retry-After). */
        SHUTTING_DOWN(503, "shutting-down", "Service unavailable");

        private final int status;
        private final String slug;
        private final String title;

        Kind(int status, String slug, String title) {
            this.status = status;
            this.slug = slug;
            this.title = title;
        }

        public int status() {
            return status;
        }

        public String slug() {
            return slug;
        }

        public String title() {
            return title;
        }
    }

    private final Kind kind;

    public ApiException(Kind kind, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static ApiException invalidParameter(String detail) {
        return new ApiException(Kind.INVALID_PARAMETER, detail);
    }

    public static ApiException malformed(String detail) {
        return new ApiException(Kind.MALFORMED_BODY, detail);
    }

    public static ApiException invalidShardSet(String detail) {
        return new ApiException(Kind.INVALID_SHARD_SET, detail);
    }
}
