package dev.erasure.api.stream;

import dev.erasure.api.ApiException;
import dev.erasure.api.MediaTypes;
import dev.erasure.api.Problem;
import dev.erasure.api.ProblemMapper;
import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.MemoryBudgetExceededException;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.StripeShape;
import dev.erasure.job.Admission;
import dev.erasure.job.JobRejectedException;
import dev.erasure.job.JobService;
import dev.erasure.job.Operation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One streamed request ({@code /v1/stripes/*}) from its first byte to the end of its response: the
 * pipeline that reads stripe s+1 while stripe s is coded on a worker and stripe s-1 is written.
 *
 * <p>Memory: one long-lived arena per request. Its stripes live in at most {@code depth} slots of
 * {@code k + m} cells each, allocated when first needed and reused for later stripes, so a request
 * holds at most {@code depth * (k + m) * cell} bytes of cells (plus one small block of part headers)
 * whatever the object's size. A slot is reused only once its write has completed (Netty wrote the
 * wrapped native bytes to the socket) and its job has ended.
 *
 * <p>Back-pressure: when no slot is free (stripes wait to be coded or written: a slow reader, busy
 * workers) the request is paused and the unconsumed rest of its chunk kept; it is resumed when a
 * slot's write completes. A stalled reader therefore stops the reading, and the idle timeout cuts
 * the connection when nothing moves at all.
 *
 * <p>Failures: before the response has started, an ordinary problem response (then the connection
 * is closed: the rest of a body of any size is not worth reading). After it started, the subclass's
 * closing piece (a final {@code application/problem+json} part for multipart responses) is written
 * and the connection closed without ending the chunked body, so no client can take the stream for
 * a whole one. Either way, jobs in flight are cancelled.
 *
 * <p>Lifetimes: the HTTP side's arena reference is released once: when the response's end has been
 * written, or when the connection has closed (then no queued write can touch the memory any more).
 * Each job holds its own reference until its worker returns, so memory goes back only after the
 * workers let go of it. Everything runs on the request's event loop.
 */
abstract class StripeStream {

    /** Bytes reserved per part header: "--boundary", Content-Type, Stripe-, Shard-Index, Shard-CRC32C. */
    static final int HEADER_STRIDE = 192;
    /** Cells are allocated in groups of up to this many bytes: whole blocks of the pool, no rounding waste. */
    private static final long GROUP_BYTES = 4L << 20;

    /** The memory of one stripe in flight. */
    final class Slot {
        final MemorySegment[] cells;
        final MemorySegment headers;
        long stripe = -1;
        boolean coded;
        Cancellable job;
        /** The timer of a resubmission after the queue was full, or 0. */
        long retry;
        /** CRC-32C of each output part of the stripe, computed by the worker. */
        int[] crcs;
        /** Cells received (decode, reconstruct), with their declared CRC-32C when given. */
        boolean[] received;
        boolean[] hasCrc;
        int[] declaredCrc;
        int receivedCount;

        Slot(MemorySegment[] cells, MemorySegment headers) {
            this.cells = cells;
            this.headers = headers;
        }
    }

    final HttpServerRequest request;
    final HttpServerResponse response;
    final Context context;
    final ProblemMapper problems;
    final JobService jobs;
    final NativeMemoryPool pool;
    final StreamSettings settings;
    /** How long a stripe may wait for room in the job queue: the job deadline. */
    private final java.time.Duration queueWait;
    final StripeShape shape;
    final int cell;
    final String boundary = "erasure-" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());

    private final AtomicBoolean released = new AtomicBoolean();
    private final ArrayDeque<Slot> free = new ArrayDeque<>();
    /** Stripes submitted and not yet handed to the response, in stripe order. */
    private final ArrayDeque<Slot> coding = new ArrayDeque<>();
    private final List<MemorySegment> spareCells = new ArrayList<>();
    private JobArena arena;
    private MemorySegment headerArea;
    private int slots;
    private int writing;
    private MemorySegment group;
    private int groupUsed;
    private int groupCells;
    private final int[] groupPlan;
    private int groupsAllocated;
    private boolean started;
    private boolean inputDone;
    private boolean ending;
    private boolean failed;
    private boolean gone;
    private boolean firstPart = true;
    private long stripesWritten;
    /** Chunks received and not yet consumed (the input is paused while one waits for a slot). */
    private final ArrayDeque<ByteBuf> backlog = new ArrayDeque<>();
    private boolean endSeen;
    private boolean paused;
    /** The request's admission while the service stops (null only in tests that build a stream directly). */
    private Admission.Ticket ticket;

    StripeStream(RoutingContext routing, ProblemMapper problems, JobService jobs, NativeMemoryPool pool,
            StreamSettings settings, StreamParams params, java.time.Duration queueWait) {
        this.queueWait = queueWait;
        this.request = routing.request();
        this.response = routing.response();
        this.context = Vertx.currentContext();
        this.problems = problems;
        this.jobs = jobs;
        this.pool = pool;
        this.settings = settings;
        this.shape = params.shape();
        this.cell = params.cell();
        this.groupPlan = groupPlan(cell, settings.depth() * shape.totalShards());
        response.closeHandler(v -> connectionClosed());
        response.exceptionHandler(t -> connectionFailed());
        request.exceptionHandler(t -> connectionFailed());
    }

    // ---- what each endpoint provides -------------------------------------------------------------

    /** Output parts per stripe with a header each (0 for a raw object response). */
    abstract int partsPerStripe();

    /** The failure of a stripe's job as the client should read it (default: as it is). */
    Throwable describe(Slot slot, Throwable failure) {
        return failure;
    }

    /**
     * Checks a chunk as it arrives, before it joins the backlog (e.g. the object's size limit); may
     * throw to end the stream. Default: nothing.
     */
    void arrived(Buffer chunk) {
    }

    /**
     * Consumes the chunk from its reader index into stripes. Returns false when it stopped for want
     * of a free slot (the chunk keeps its position and the input is paused until a slot is written);
     * true when the chunk is consumed or the stream stopped meanwhile.
     */
    abstract boolean consume(ByteBuf chunk);

    /** The body has ended and every chunk is consumed: submit the last stripe, check, call {@link #inputDone()}. */
    abstract void endOfInput();

    /** Status line is 200; sets Content-Type and the endpoint's headers (and Content-Length or chunked). */
    abstract void responseHeaders();

    /** The bytes of a coded stripe, over native memory (the slot stays held until they are written). */
    abstract Buffer stripeOutput(Slot slot);

    /** The last bytes of a whole response (the final JSON part and closing delimiter), or null. */
    abstract Buffer closing();

    /** What to write after the response started and then failed, before the connection is closed; or null. */
    abstract Buffer failureTail(Problem problem);

    // ---- start -----------------------------------------------------------------------------------

    /** After an abort at the drain deadline, how long the failure tail may take to be written before the close. */
    static final long ABORT_CLOSE_MILLIS = 1000;

    /**
     * The stream holds {@code ticket} until it is done: while the service stops it keeps submitting
     * stripes until the drain deadline; then it is aborted, ending with the final problem part
     * (503 {@code /problems/shutting-down}) and a closed connection.
     */
    final void admitted(Admission.Ticket ticket) {
        this.ticket = ticket;
        ticket.onAbort(() -> context.runOnContext(v -> {
            fail(new ApiException(ApiException.Kind.SHUTTING_DOWN,
                    "the service is shutting down and the stream did not finish within the shutdown timeout"));
            context.owner().setTimer(ABORT_CLOSE_MILLIS, id -> {
                if (!gone) {
                    request.connection().close();
                }
            });
        }));
    }

    /** The service is stopping and this is HTTP/1.x: the connection is closed after the response. */
    private boolean stopping() {
        return ticket != null && ticket.stopping() && request.version() != io.vertx.core.http.HttpVersion.HTTP_2;
    }

    /** Opens the arena and the part-header area, then starts reading. Failures become problem answers. */
    final void start() {
        guarded(() -> {
            try {
                arena = pool.openLongLived();
            } catch (IllegalStateException closed) {
                throw new ApiException(ApiException.Kind.SHUTTING_DOWN, "the service is shutting down");
            }
            long headerBytes = (long) settings.depth() * partsPerStripe() * HEADER_STRIDE;
            if (headerBytes > 0) {
                headerArea = arena.allocateUninitialized(headerBytes);
            }
            if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
                response.writeContinue();
            }
            beginInput();
        });
    }

    // ---- input ---------------------------------------------------------------------------------

    /** Sets the request's handlers and resumes it; called once the arena is open. */
    private void beginInput() {
        request.handler(chunk -> guarded(() -> {
            if (isStopped()) {
                return;
            }
            arrived(chunk);
            backlog.add(chunk.getByteBuf());
            pump();
        }));
        request.endHandler(v -> guarded(() -> {
            endSeen = true;
            pump();
        }));
        request.resume();
    }

    /** Called when a slot became free: continues the input if it was paused for want of one. */
    private void resumeInput() {
        if (paused) {
            pump();
        }
    }

    /**
     * Consumes the backlog; pauses the request when no slot is free (the chunk at the head keeps the
     * rest of its bytes), resumes it once the backlog is empty, and ends the input after the body's
     * end has been seen and consumed. Stops at once, mid-chunk, when the stream stopped.
     */
    private void pump() {
        while (!backlog.isEmpty()) {
            if (!consume(backlog.peek())) {
                if (!paused) {
                    paused = true;
                    request.pause();
                }
                return;
            }
            if (isStopped()) {
                return;
            }
            backlog.poll();
        }
        if (paused) {
            paused = false;
            request.resume();
        }
        if (endSeen && !inputDone) {
            endOfInput();
        }
    }

    // ---- slots -----------------------------------------------------------------------------------

    /**
     * A free slot, allocating one while fewer than depth exist; null when the caller must wait for a
     * slot to be written (the input is then paused). The native budget may allow fewer than depth
     * slots: while stripes are in flight, the request then waits for one of them; with none in
     * flight it fails (503).
     */
    final Slot takeSlot() {
        Slot slot = free.poll();
        if (slot != null || slots == settings.depth()) {
            return slot;
        }
        try {
            while (spareCells.size() < shape.totalShards()) {
                spareCells.add(nextCell());
            }
        } catch (MemoryBudgetExceededException e) {
            if (inFlight() > 0) {
                return null;
            }
            throw e;
        }
        MemorySegment[] cells = spareCells.toArray(MemorySegment[]::new);
        spareCells.clear();
        long headerBytes = (long) partsPerStripe() * HEADER_STRIDE;
        MemorySegment headers = headerBytes == 0 ? null : headerArea.asSlice(slots * headerBytes, headerBytes);
        slots++;
        return new Slot(cells, headers);
    }

    /** Delay before a stripe refused by a full queue is submitted again. */
    private static final long QUEUE_RETRY_MILLIS = 10;

    /**
     * Cells come from groups, each one exactly a block of the pool when the cell is a power of two:
     * the arena's blocks are powers of two that grow to 4 MiB, so the groups are the binary pieces of
     * what does not fill whole 4 MiB groups, smallest first, then 4 MiB groups. Other cells are taken
     * in groups of up to 4 MiB (the last block may then be partly unused).
     */
    private MemorySegment nextCell() {
        if (group == null || groupUsed == groupCells) {
            int count = groupPlan[groupsAllocated++];
            group = arena.allocateUninitialized((long) count * cell);
            groupCells = count;
            groupUsed = 0;
        }
        return group.asSlice((long) cell * groupUsed++, cell);
    }

    /** The cell counts of the groups, in allocation order; together depth x (k + m) cells. */
    static int[] groupPlan(int cell, int totalCells) {
        java.util.List<Integer> plan = new java.util.ArrayList<>();
        int perGroup = (int) Math.max(1, GROUP_BYTES / cell);
        if (Integer.bitCount(cell) == 1 && cell <= GROUP_BYTES) {
            int rest = totalCells % perGroup;
            for (int bit = 1; bit <= rest; bit <<= 1) {
                if ((rest & bit) != 0) {
                    plan.add(bit);
                }
            }
            for (int i = 0; i < totalCells / perGroup; i++) {
                plan.add(perGroup);
            }
        } else {
            for (int left = totalCells; left > 0; left -= Math.min(left, perGroup)) {
                plan.add(Math.min(left, perGroup));
            }
        }
        return plan.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Stripes submitted and not yet written. */
    final int inFlight() {
        return coding.size() + writing;
    }

    /** Gives back a slot that was taken but will not be submitted. */
    final void giveBack(Slot slot) {
        slot.stripe = -1;
        free.push(slot);
    }

    // ---- coding ----------------------------------------------------------------------------------

    /**
     * Submits a filled stripe; {@code work} runs on a worker and returns the CRC-32C of each output
     * part. Stripes are written in the order they were submitted.
     */
    final void submit(Slot slot, Operation op, JobService.StripeWork<int[]> work) {
        slot.coded = false;
        coding.add(slot);
        runJob(slot, op, work, System.nanoTime());
    }

    /**
     * Submits the stripe's job. A stripe refused because the queue is full is submitted again a
     * little later (the stream waits, as it does for a slot) until the job deadline has passed
     * since its first attempt; any other failure ends the stream.
     */
    private void runJob(Slot slot, Operation op, JobService.StripeWork<int[]> work, long firstAttempt) {
        long bytes = (long) cell * shape.totalShards();
        slot.job = jobs.submit(op, shape, bytes, arena, work).subscribe().with(
                crcs -> context.runOnContext(v -> coded(slot, crcs)),
                failure -> context.runOnContext(v -> {
                    slot.job = null;
                    if (failure instanceof JobRejectedException rejected
                            && rejected.reason() == JobRejectedException.Reason.QUEUE_FULL && !isStopped()
                            && System.nanoTime() - firstAttempt < queueWait.toNanos()) {
                        slot.retry = context.owner().setTimer(QUEUE_RETRY_MILLIS, id -> {
                            slot.retry = 0;
                            if (!isStopped()) {
                                runJob(slot, op, work, firstAttempt);
                            }
                        });
                        return;
                    }
                    fail(describe(slot, failure));
                }));
    }

    private void coded(Slot slot, int[] crcs) {
        slot.job = null;
        if (failed || gone) {
            return;
        }
        slot.crcs = crcs;
        slot.coded = true;
        guarded(this::flushWrites);
    }

    /** Hands every coded stripe at the head of the order to the response. */
    private void flushWrites() {
        while (!coding.isEmpty() && coding.peek().coded) {
            Slot slot = coding.poll();
            if (!started) {
                startResponse();
            }
            writing++;
            response.write(stripeOutput(slot)).onComplete(ar -> written(slot, ar.succeeded()));
        }
    }

    private void written(Slot slot, boolean ok) {
        writing--;
        if (!ok || failed || gone) {
            return; // the connection is closing; its close handler releases the memory
        }
        stripesWritten++;
        slot.coded = false;
        slot.stripe = -1;
        free.push(slot);
        guarded(() -> {
            resumeInput();
            maybeFinish();
        });
    }

    final long stripesWritten() {
        return stripesWritten;
    }

    /** The input has ended and every stripe is submitted; the response ends when they are written. */
    final void inputDone() {
        inputDone = true;
        maybeFinish();
    }

    private void maybeFinish() {
        if (!inputDone || ending || failed || gone || inFlight() > 0) {
            return;
        }
        ending = true;
        if (!started) {
            startResponse();
        }
        Buffer last = closing();
        (last == null ? response.end() : response.end(last)).onComplete(ar -> {
            releaseArena();
            if (stopping()) {
                request.connection().close(); // the service is stopping: no keep-alive
            }
        });
    }

    private void startResponse() {
        started = true;
        response.setStatusCode(200);
        response.putHeader("Codec", shape.kind().wireName())
                .putHeader("Data-Shards", Integer.toString(shape.dataShards()))
                .putHeader("Parity-Shards", Integer.toString(shape.parityShards()))
                .putHeader("Cell-Size", Integer.toString(cell));
        if (stopping()) {
            response.putHeader("Connection", "close");
        }
        responseHeaders();
    }

    // ---- the multipart output --------------------------------------------------------------------

    /**
     * A stripe's parts as one composite buffer: a header in the slot's native header area, then the
     * cell itself (wrapped, not copied), for each output cell. All pieces are direct memory so Netty
     * writes the composite with one gathering write.
     */
    final Buffer multipartStripe(Slot slot, int[] shardIndexes) {
        ByteBuf[] pieces = new ByteBuf[2 * shardIndexes.length];
        for (int p = 0; p < shardIndexes.length; p++) {
            String head = (firstPart ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: " + MediaTypes.OCTET_STREAM
                    + "\r\nStripe-Index: " + slot.stripe + "\r\nShard-Index: " + shardIndexes[p]
                    + "\r\nShard-CRC32C: " + dev.erasure.api.Checksums.hex(slot.crcs[p]) + "\r\n\r\n";
            firstPart = false;
            byte[] ascii = head.getBytes(StandardCharsets.ISO_8859_1);
            MemorySegment target = slot.headers.asSlice((long) p * HEADER_STRIDE, ascii.length);
            MemorySegment.copy(ascii, 0, target, ValueLayout.JAVA_BYTE, 0, ascii.length);
            pieces[2 * p] = Unpooled.wrappedBuffer(target.asByteBuffer());
            pieces[2 * p + 1] = Unpooled.wrappedBuffer(slot.cells[shardIndexes[p]].asByteBuffer());
        }
        return Buffer.buffer(Unpooled.wrappedBuffer(pieces.length, pieces));
    }

    /** A last part of the given type, then the closing delimiter (heap: small). */
    final Buffer lastPart(String contentType, String body) {
        String text = (firstPart ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: " + contentType + "\r\n\r\n"
                + body + "\r\n--" + boundary + "--\r\n";
        firstPart = false;
        return Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
    }

    // ---- failures and the connection -------------------------------------------------------------

    /** Runs a step; any exception ends the stream with its problem. */
    final void guarded(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    final boolean isStopped() {
        return failed || gone;
    }

    /**
     * Ends the stream with the problem of {@code failure}: an ordinary problem response if nothing
     * was sent yet, else the failure tail and a closed connection.
     */
    final void fail(Throwable failure) {
        if (failed || gone) {
            return;
        }
        failed = true;
        cancelJobs();
        Problem problem = problems.map(failure);
        if (!started && !ending) {
            started = true;
            answer(request, response, problem, this::releaseArena);
            return;
        }
        Buffer tail = ending ? null : failureTail(problem);
        if (tail == null) {
            request.connection().close();
        } else {
            response.write(tail).onComplete(ar -> request.connection().close());
        }
    }

    /** Unread body bytes drained after an early answer before the connection is simply closed. */
    static final long DRAIN_LIMIT = 1 << 20;

    /**
     * An ordinary problem response (nothing was sent yet), with {@code Connection: close}. The rest
     * of the body is read and dropped up to {@link #DRAIN_LIMIT} bytes, so that a client still
     * sending a small body gets to read the answer; then the connection is closed.
     */
    static void answer(HttpServerRequest request, HttpServerResponse response, Problem problem, Runnable afterEnd) {
        response.setStatusCode(problem.status())
                .putHeader("Content-Type", MediaTypes.PROBLEM_JSON)
                .putHeader("Connection", "close");
        if (problem.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Integer.toString(problem.retryAfterSeconds()));
        }
        if (!request.isEnded()) {
            long[] drained = {0};
            request.handler(chunk -> {
                drained[0] += chunk.length();
                if (drained[0] > DRAIN_LIMIT) {
                    request.connection().close();
                }
            });
            request.endHandler(v -> {
                if (response.ended()) {
                    request.connection().close();
                }
            });
            request.resume();
        }
        response.end(Buffer.buffer(problem.toJson())).onComplete(ar -> {
            afterEnd.run();
            if (request.isEnded()) {
                request.connection().close();
            }
        });
    }

    private void cancelJobs() {
        for (Slot slot : coding) {
            if (slot.retry != 0) {
                context.owner().cancelTimer(slot.retry);
                slot.retry = 0;
            }
            if (slot.job != null) {
                slot.job.cancel();
                slot.job = null;
            }
        }
    }

    /** The connection is gone: stop the jobs; no queued write can touch the arena any more, so release it. */
    private void connectionClosed() {
        gone = true;
        cancelJobs();
        releaseArena();
    }

    /** A transport error: writes may still be queued, so the release waits for the close. */
    private void connectionFailed() {
        gone = true;
        cancelJobs();
        request.connection().close();
    }

    /** Gives back the arena (once) and the admission ticket: the stream is done. */
    private void releaseArena() {
        if (arena != null && released.compareAndSet(false, true)) {
            arena.release();
        }
        if (ticket != null) {
            ticket.release();
        }
    }
}
