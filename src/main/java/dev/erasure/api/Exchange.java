package dev.erasure.api;

import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.job.Admission;
import dev.erasure.job.Operation;
import io.netty.handler.codec.http.InvalidChunkExtensionException;
import io.netty.handler.codec.http.InvalidChunkTerminationException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
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

    /** Longest wait, after an early answer, for a client still sending to stop before the connection is closed. */
    static final long LINGER_MILLIS = 1000;
    /** After an abort at the drain deadline, how long a response still being written may take before the close. */
    static final long ABORT_CLOSE_MILLIS = 1000;

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
    private boolean bodyEnded;
    private boolean lingering;
    private long bodyBytes;
    private BodyWatch.Entry watch;
    /** The request's admission while the service stops; null until admitted (and for a refused request). */
    private Admission.Ticket ticket;

    Exchange(RoutingContext routing, ProblemMapper problems, ApiLimits limits) {
        this.request = routing.request();
        this.response = routing.response();
        this.context = Vertx.currentContext();
        this.problems = problems;
        this.limits = limits;
        response.closeHandler(v -> connectionClosed());
        response.exceptionHandler(this::requestFailed);
        request.exceptionHandler(this::requestFailed);
        if (limits.lendBodyChunks() && ChunkLoans.lendable(request.method().name(), request.uri())) {
            ChunkLoans.install(request);
        }
    }

    /**
     * Takes a ticket from {@code admission}: true if the request may run. Refused (admission closed:
     * the service is stopping), the request is answered 503 {@code /problems/shutting-down} with
     * {@code Connection: close} and false returned. An admitted request gives its ticket back when
     * its response is written or its connection closes; if the drain deadline passes first, it is
     * aborted ({@link #abort()}).
     */
    boolean admit(Admission admission) {
        ticket = admission.enter();
        if (ticket == null) {
            closeAfterAnswer();
            fail(new ApiException(ApiException.Kind.SHUTTING_DOWN, "the service is shutting down"));
            return false;
        }
        ticket.onAbort(() -> context.runOnContext(v -> abort()));
        return true;
    }

    /**
     * The drain deadline passed: the job is cancelled, a request not yet answering gets 503
     * shutting-down, and a response still being written after {@link #ABORT_CLOSE_MILLIS} is cut off.
     */
    private void abort() {
        if (gone) {
            return;
        }
        cancelJob();
        if (!responding) {
            closeAfterAnswer();
            fail(new ApiException(ApiException.Kind.SHUTTING_DOWN,
                    "the service is shutting down and the request did not finish within the shutdown timeout"));
        }
        context.owner().setTimer(ABORT_CLOSE_MILLIS, id -> {
            if (!gone) {
                request.connection().close();
            }
        });
    }

    /**
     * {@code Connection: close} on the answer, so that the connection is closed once it is written;
     * HTTP/1.x only (HTTP/2 forbids the header, and its connection carries other requests).
     */
    private void closeAfterAnswer() {
        if (request.version() != HttpVersion.HTTP_2) {
            response.putHeader("Connection", "close");
        }
    }

    /** The operation of the route, for the metrics of refusals and cancellations; null for echo. */
    Operation operation() {
        String path = request.path();
        return switch (path == null ? "" : path) {
            case "/v1/encode" -> Operation.ENCODE;
            case "/v1/parity" -> Operation.PARITY;
            case "/v1/decode" -> Operation.DECODE;
            case "/v1/reconstruct" -> Operation.RECONSTRUCT;
            case "/v1/verify" -> Operation.VERIFY;
            default -> null;
        };
    }

    HttpServerRequest request() {
        return request;
    }

    HttpServerResponse response() {
        return response;
    }

    /** The HTTP limits and transport settings of the service. */
    ApiLimits limits() {
        return limits;
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
        long declared = Headers.contentLength(request);
        if (declared > limits.maxBodyBytes()) {
            response.putHeader("Connection", "close");
            throw tooLarge(declared);
        }
        return declared;
    }

    /** Runs a step of the pipeline; any exception becomes the problem answer. */
    void guarded(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            fail(e);
        } catch (OutOfMemoryError e) {
            // The heap is exhausted: readiness goes DOWN (ops' HeapGuard) and this request gets a 503.
            problems.events().outOfMemory();
            fail(new HeapExhaustedException());
        }
    }

    /**
     * Streams the request body: each chunk to {@code onChunk} as it arrives, then {@code onEnd}.
     * The body limit is checked against Content-Length before any byte is read and again while
     * streaming (413); a body arriving slower than {@code erasure.api.min-body-rate} or for longer than
     * {@code erasure.api.max-body-time} is cut off (408, {@link BodyWatch}). Exceptions thrown by the
     * callbacks become the problem answer.
     */
    void readBody(Consumer<Buffer> onChunk, Runnable onEnd) {
        declaredLength();
        request.handler(chunk -> onChunk(chunk, onChunk));
        request.endHandler(v -> {
            bodyEnded = true;
            stopWatch();
            if (lingering) {
                request.connection().close();
            } else if (!responding && !gone) {
                guarded(onEnd);
            }
        });
        if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            response.writeContinue();
        }
        if (!request.isEnded()) {
            watch = BodyWatch.watch(context.owner(), limits, new BodyWatch.Watched() {
                @Override
                public long bodyBytes() {
                    return bodyBytes;
                }

                @Override
                public void tooSlow(String detail) {
                    watch = null;
                    fail(new ApiException(ApiException.Kind.BODY_TOO_SLOW, detail));
                }
            });
        }
        request.resume();
    }

    /**
     * Every body reader behind {@code onChunk} copies the chunk out before returning and keeps no
     * view of it, so the chunk is marked consumed afterwards ({@link ChunkLoans}: a lent chunk's
     * pooled memory is released when this returns).
     */
    private void onChunk(Buffer chunk, Consumer<Buffer> onChunk) {
        try {
            bodyBytes += chunk.length();
            if (responding || gone) {
                return;
            }
            if (bodyBytes > limits.maxBodyBytes()) {
                fail(tooLarge(bodyBytes));
                return;
            }
            guarded(() -> onChunk.accept(chunk));
        } finally {
            ChunkLoans.consumed(chunk);
        }
    }

    private void stopWatch() {
        if (watch != null) {
            watch.stop();
            watch = null;
        }
    }

    private ApiException tooLarge(long bytes) {
        return new ApiException(ApiException.Kind.BODY_TOO_LARGE, "request body has " + (bytes > 0 ? "" : "more than ")
                + bytes + " bytes, more than the limit of " + limits.maxBodyBytes() + " bytes");
    }

    /**
     * Subscribes to a job; its result or failure comes back on this event loop. If the connection
     * closes first, the subscription is cancelled. A job run inline (small stripes, {@code
     * erasure.jobs.inline-max-bytes}) completes during the subscription, on this event loop and
     * context: its result is handled at once, without a second trip through the loop's task queue.
     */
    <T> void submit(Uni<T> uni, Consumer<T> onResult) {
        boolean[] settled = new boolean[1];
        Cancellable subscription = uni.subscribe().with(
                item -> onContext(settled, () -> {
                    if (!gone) {
                        guarded(() -> onResult.accept(item));
                    }
                }),
                failure -> onContext(settled, () -> {
                    if (!gone) {
                        fail(failure);
                    }
                }));
        if (!settled[0]) {
            job = subscription;
        }
    }

    /** Runs the end of a job on this exchange's context: now if already on it, else through its task queue. */
    private void onContext(boolean[] settled, Runnable step) {
        Runnable finish = () -> {
            settled[0] = true;
            job = null;
            step.run();
        };
        if (Vertx.currentContext() == context) {
            finish.run();
        } else {
            context.runOnContext(v -> finish.run());
        }
    }

    /**
     * Answers the problem of {@code failure}. When the body is still arriving, the answer says
     * {@code Connection: close} and the connection is closed once it is written: the rest of the
     * body is not processed. Until the close, for at most {@link #LINGER_MILLIS} ms, arriving bytes
     * are dropped unread, so that a client still sending gets the answer instead of a reset; the
     * close comes at once when the client ends its body or goes away.
     */
    void fail(Throwable failure) {
        if (responding || gone) {
            return;
        }
        Problem problem = problems.map(failure, operation());
        response.setStatusCode(problem.status()).putHeader("Content-Type", MediaTypes.PROBLEM_JSON);
        if (problem.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Integer.toString(problem.retryAfterSeconds()));
        }
        stopWatch();
        boolean early = !bodyEnded && !request.isEnded() && mayHaveBody();
        if (early) {
            response.putHeader("Connection", "close");
            request.handler(chunk -> {
                bodyBytes += chunk.length();
                ChunkLoans.consumed(chunk);
            });
            request.endHandler(v -> {
                bodyEnded = true;
                if (lingering) {
                    request.connection().close();
                }
            });
            request.resume();
        }
        Future<Void> ended = finish(Buffer.buffer(problem.toJson()));
        boolean closeAfter = early || "close".equals(response.headers().get("Connection"));
        ended.onComplete(ar -> {
            if (!closeAfter) {
                return;
            }
            if (!early || gone || bodyEnded || request.isEnded()) {
                request.connection().close();
            } else {
                lingering = true;
                context.owner().setTimer(LINGER_MILLIS, id -> request.connection().close());
            }
        });
    }

    /**
     * False for an HTTP/1.x request that declares no body (neither a Content-Length above 0 nor
     * Transfer-Encoding): nothing is left unread, so its error answer keeps the connection open.
     */
    private boolean mayHaveBody() {
        if (request.version() == HttpVersion.HTTP_2) {
            return true;
        }
        String length = request.getHeader("Content-Length");
        return request.getHeader("Transfer-Encoding") != null || (length != null && !length.trim().equals("0"));
    }

    /**
     * A failure of the request stream: a transport error, or a body the HTTP codec could not
     * decode. Broken chunked framing is answered before the connection is closed (the codec closes
     * it right after this callback): a chunk size of 2^31 or more 413, any other bad chunk size or
     * chunk end 400.
     */
    private void requestFailed(Throwable failure) {
        String framing = responding || gone ? null : brokenChunk(failure);
        if (framing != null) {
            response.putHeader("Connection", "close");
            fail(framing.startsWith("chunk size overflow")
                    ? new ApiException(ApiException.Kind.BODY_TOO_LARGE, "a chunk of the request body declares "
                            + "2^31 bytes or more, more than the limit of " + limits.maxBodyBytes() + " bytes")
                    : ApiException.malformed("the chunked framing of the request body is broken: " + framing));
            return;
        }
        connectionFailed();
    }

    /** The codec's complaint about a chunk (lower case), or null for any other failure. */
    private static String brokenChunk(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidChunkTerminationException || t instanceof InvalidChunkExtensionException) {
                return "a chunk does not end where its size says, or has a malformed extension";
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (t instanceof NumberFormatException && (message.isEmpty() || message.contains("chunk size"))) {
                // Netty: "Chunk size overflow: ...", "Invalid character in chunk size", and no message
                // at all for an empty or blank size line
                return message.startsWith("chunk size overflow") ? "chunk size overflow"
                        : message.isEmpty() || message.contains("empty") ? "a chunk size is empty"
                        : "a chunk size is not a hex number";
            }
        }
        return null;
    }

    /**
     * Ends the response with {@code last}; the arena reference and the admission ticket are released
     * when the write completes or fails. While the service stops, the answer says
     * {@code Connection: close} and the connection is closed once it is written.
     */
    Future<Void> end(Buffer last) {
        Future<Void> ended = finish(last);
        if ("close".equals(response.headers().get("Connection"))) {
            ended.onComplete(ar -> request.connection().close());
        }
        return ended;
    }

    private Future<Void> finish(Buffer last) {
        responding = true;
        if (ticket != null && ticket.stopping()) {
            closeAfterAnswer();
        }
        return response.end(last).onComplete(ar -> releaseArena());
    }

    /** The connection is gone: stop the job; no write can touch the arena any more, so release it. */
    private void connectionClosed() {
        if (!gone) {
            reportGone();
        }
        gone = true;
        stopWatch();
        cancelJob();
        releaseArena();
    }

    /** Counts a client that went away before its response was complete, by where the request was. */
    private void reportGone() {
        if (responding) {
            if (!response.ended() || !released.get()) {
                problems.events().clientGone(operation(), RequestEvents.Stage.RESPONSE);
            }
        } else if (job != null || bodyEnded) {
            problems.events().clientGone(operation(), RequestEvents.Stage.JOB);
        } else if (watch != null || bodyBytes > 0) {
            problems.events().clientGone(operation(), RequestEvents.Stage.UPLOAD);
        }
    }

    /**
     * A transport error: writes may still be queued on the channel, so the arena is released only
     * when the close completes ({@link #connectionClosed}).
     */
    private void connectionFailed() {
        if (!gone) {
            reportGone();
        }
        gone = true;
        stopWatch();
        cancelJob();
        request.connection().close();
    }

    private void cancelJob() {
        if (job != null) {
            job.cancel();
            job = null;
        }
    }

    /** Gives back the arena (once) and the admission ticket: the request is done. */
    private void releaseArena() {
        if (arena != null && released.compareAndSet(false, true)) {
            arena.release();
        }
        if (ticket != null) {
            ticket.release();
        }
    }
}
