package dev.erasure.api;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;

/**
 * Answers an overlong request line (414) or header block (431) with the contract's problem+json,
 * in front of every route and filter. The HTTP codec would answer both with an empty body; its
 * limits are set far above {@link HeadLimits} so that this filter sees such requests first and
 * only absurd heads (beyond the codec's limits) still get the codec's bare answer. A refused
 * request's body is not read: the connection is closed after the answer. Refusals are counted in
 * {@code erasure.requests.refused} like every other problem.
 */
@ApplicationScoped
public class RequestHeadFilter {

    /** Runs before the access filter (10 000): a refused head needs no credentials check. */
    static final int PRIORITY = 20_000;

    /** Bytes of {@code " HTTP/1.1"} plus the space after the method, around the target. */
    private static final int LINE_OVERHEAD = 10;

    private final HeadLimits limits;
    private final ProblemMapper problems;

    public RequestHeadFilter(HeadLimits limits, ProblemMapper problems) {
        this.limits = limits;
        this.problems = problems;
    }

    void register(@Observes Filters filters) {
        filters.register(this::filter, PRIORITY);
    }

    void filter(RoutingContext routing) {
        Problem problem = check(routing.request(), limits);
        if (problem == null) {
            routing.next();
            return;
        }
        problems.count(problem);
        HttpServerRequest request = routing.request();
        HttpServerResponse response = routing.response();
        response.setStatusCode(problem.status()).putHeader("Content-Type", MediaTypes.PROBLEM_JSON);
        boolean close = !request.isEnded() && request.version() != HttpVersion.HTTP_2;
        if (close) {
            response.putHeader("Connection", "close");
        }
        response.end(Buffer.buffer(problem.toJson())).onComplete(done -> {
            if (close) {
                request.connection().close();
            }
        });
    }

    /** The problem for a head over the limits, or null when it is within them. */
    static Problem check(HttpServerRequest request, HeadLimits limits) {
        long line = (long) request.method().name().length() + request.uri().length() + LINE_OVERHEAD;
        if (line > limits.maxRequestLineBytes()) {
            return Problem.of("request-line-too-long", "Request line too long", 414, "the request line has " + line
                    + " bytes, more than the limit of " + limits.maxRequestLineBytes()
                    + " bytes (erasure.api.max-request-line); send long parameters in the body or shorten them");
        }
        long header = headerBytes(request.headers());
        if (header > limits.maxHeaderBytes()) {
            return Problem.of("headers-too-large", "Request header fields too large", 431, "the header block has "
                    + header + " bytes, more than the limit of " + limits.maxHeaderBytes()
                    + " bytes (erasure.api.max-header-size)");
        }
        return null;
    }

    /** Bytes of the header block as sent on HTTP/1.x: {@code name: value CRLF} per header. */
    static long headerBytes(MultiMap headers) {
        long bytes = 0;
        for (Map.Entry<String, String> header : headers) {
            bytes += header.getKey().length() + header.getValue().length() + 4;
        }
        return bytes;
    }
}
