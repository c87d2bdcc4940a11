package dev.erasure.api;

import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.NativeMemoryPool;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One HTTP request from its first byte to the end of its response, on its event loop. Owns the
 * HTTP side's reference to the job's arena and gives it back exactly once: when the response's
 * last byte is written (the end future completes), when that write fails, or when the connection
 * closes first. A connection that closes while a job is queued or running cancels the job's Uni
 * subscription; the job service then drops or flags the job and releases the worker's reference.
 *
 * <p>Every callback (body chunks, job results hopped back from the worker, response futures) runs
 * on the request's event loop, so the fields need no locks; the release flag is atomic anyway to
 * make "exactly once" evident.
 */
final class Exchange {

    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Context context;
    private final ProblemMapper problems;
    private final ApiLimits limits;
    private final AtomicBoolean released = new AtomicBoolean();
    private JobArena arena;
    private Cancellable job;
    private boolean gone;
    private boolean responding;
    private long bodyBytes;

    Exchange(RoutingContext routing, ProblemMapper problems, ApiLimits limits) {
        this.request = routing.request();
        this.response = routing.response();
        this.context = Vertx.currentContext();
        this.problems = problems;
        this.limits = limits;
        response.closeHandler(v -> connectionClosed());
        response.exceptionHandler(t -> connectionFailed());
        request.exceptionHandler(t -> connectionFailed());
    }

    HttpServerRequest request() {
        return request;
    }

    HttpServerResponse response() {
        return response;
    }

    /** The decoded query parameters. */
    MultiMap query() {
        return request.params();
    }

    /** The job's arena, opened on first use; the exchange holds its reference until the response ends. */
    JobArena arena(NativeMemoryPool pool) {
        if (arena == null) {
            try {
                arena = pool.open();
            } catch (IllegalStateException closed) {
                throw new ApiException(ApiException.Kind.SHUTTING_DOWN, "the service is shutting down");
            }
        }
        return arena;
    }

    /** The job's arena opened by {@link #arena(NativeMemoryPool)}; the exchange holds it until the response ends. */
    JobArena arena() {
        if (arena == null) {
            throw new IllegalStateException("no arena opened for this exchange");
        }
        return arena;
    }

    /**
     * The declared Content-Length, or -1 when absent (chunked).
     *
     * @throws ApiException 413 when it exceeds the body limit (the connection is closed after the answer)
     */
    long declaredLength() {
        long declared = contentLength();
        if (declared > limits.maxBodyBytes()) {
            response.putHeader("Connection", "close");
            throw tooLarge(declared);
        }
        return declared;
    }

    private long contentLength() {
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

    /** Runs a step of the pipeline; any exception becomes the problem answer. */
    void guarded(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /**
     * Streams the request body: each chunk to {@code onChunk} as it arrives, then {@code onEnd}.
     * The body limit is checked against Content-Length before any byte is read and again while
     * streaming (413). Exceptions thrown by the callbacks become the problem answer.
     */
    void readBody(Consumer<Buffer> onChunk, Runnable onEnd) {
        declaredLength();
        request.handler(chunk -> onChunk(chunk, onChunk));
        request.endHandler(v -> {
            if (!responding && !gone) {
                guarded(onEnd);
            }
        });
        if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            response.writeContinue();
        }
        request.resume();
    }

    private void onChunk(Buffer chunk, Consumer<Buffer> onChunk) {
        bodyBytes += chunk.length();
        if (responding || gone) {
            return;
        }
        if (bodyBytes > limits.maxBodyBytes()) {
            fail(tooLarge(bodyBytes));
            return;
        }
        guarded(() -> onChunk.accept(chunk));
    }

    /**
     * After an early answer the rest of the body is read and dropped, so the connection stays
     * usable; a client that keeps sending past twice the body limit is disconnected.
     */
    private void discard(Buffer chunk) {
        bodyBytes += chunk.length();
        if (bodyBytes > 2 * limits.maxBodyBytes()) {
            request.connection().close();
        }
    }

    private ApiException tooLarge(long bytes) {
        return new ApiException(ApiException.Kind.BODY_TOO_LARGE, "request body has " + (bytes > 0 ? "" : "more than ")
                + bytes + " bytes, more than the limit of " + limits.maxBodyBytes() + " bytes");
    }

    /**
     * Subscribes to a job; its result or failure comes back on this event loop. If the connection
     * closes first, the subscription is cancelled.
     */
    <T> void submit(Uni<T> uni, Consumer<T> onResult) {
        job = uni.subscribe().with(
                item -> context.runOnContext(v -> {
                    job = null;
                    if (!gone) {
                        guarded(() -> onResult.accept(item));
                    }
                }),
                failure -> context.runOnContext(v -> {
                    job = null;
                    if (!gone) {
                        fail(failure);
                    }
                }));
    }

    /** Answers the problem of {@code failure}; the rest of an unread body is discarded. */
    void fail(Throwable failure) {
        if (responding || gone) {
            return;
        }
        Problem problem = problems.map(failure);
        response.setStatusCode(problem.status()).putHeader("Content-Type", MediaTypes.PROBLEM_JSON);
        if (problem.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Integer.toString(problem.retryAfterSeconds()));
        }
        boolean closeAfter = "close".equals(response.headers().get("Connection"));
        if (!request.isEnded()) {
            request.handler(this::discard);
            request.resume();
        }
        end(Buffer.buffer(problem.toJson())).onComplete(ar -> {
            if (closeAfter) {
                request.connection().close();
            }
        });
    }

    /** Ends the response with {@code last}; the arena reference is released when the write completes or fails. */
    io.vertx.core.Future<Void> end(Buffer last) {
        responding = true;
        return response.end(last).onComplete(ar -> releaseArena());
    }

    /** The connection is gone: stop the job; no write can touch the arena any more, so release it. */
    private void connectionClosed() {
        gone = true;
        cancelJob();
        releaseArena();
    }

    /**
     * A transport error: writes may still be queued on the channel, so the arena is released only
     * when the close completes ({@link #connectionClosed}).
     */
    private void connectionFailed() {
        gone = true;
        cancelJob();
        request.connection().close();
    }

    private void cancelJob() {
        if (job != null) {
            job.cancel();
            job = null;
        }
    }

    private void releaseArena() {
        if (arena != null && released.compareAndSet(false, true)) {
            arena.release();
        }
    }
}
