package dev.erasure.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledUnsafeDirectByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.VertxHandler;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hands the request-body chunks of the binary endpoints to Vert.x without its heap copy.
 *
 * <p>Vert.x 4 copies every body chunk that Netty read into a pooled buffer into a fresh heap
 * buffer before a route sees it ({@code VertxHandler.safeBuffer}), because it cannot know when the
 * route is done with it; buffers of any other allocator it passes on as they are. The routes of
 * {@link #LOANED_PATHS} copy each chunk into native memory at once, so the copy buys them nothing.
 * A {@link Lender} in the connection's Netty pipeline, right before Vert.x's handler, replaces the
 * pooled content of those requests by a {@link Loan}: an unpooled buffer over the same memory, which
 * Vert.x passes through. The loan is bounded by the lender's {@code channelRead} call:
 * <ul>
 *   <li>the route's body handler ({@link Exchange}) copies the chunk into the arena during that
 *       call and marks it {@link #consumed};</li>
 *   <li>when the call returns and the chunk was not consumed (Vert.x queued it because the request
 *       was paused, or dropped it, or another handler got it), the loan first copies the bytes into
 *       memory of its own, as Vert.x would have done;</li>
 *   <li>either way the lender then releases the pooled buffer itself, exactly once.</li>
 * </ul>
 * So the pooled memory is never referenced after it is released, and no path (early answers, a
 * closed connection, a paused request, a route that never reads its body) can keep it from being
 * released. Memory a loan copied into is freed when the loan is released or garbage collected.
 *
 * <p>The lender is installed on an HTTP/1.x connection by the first request that reaches one of the
 * routes, and stays for the connection's life; requests to other paths, and HTTP/2 connections,
 * pass through untouched. {@code erasure.api.lend-body-chunks=false} turns it off (Vert.x's
 * copy again).
 */
final class ChunkLoans {

    /** Paths (POST) whose chunks are lent: their bodies are read by {@link Exchange#readBody}, copied at once. */
    static final Set<String> LOANED_PATHS = Set.of("/v1/encode", "/v1/parity", "/v1/decode", "/v1/reconstruct",
            "/v1/verify", "/v1/echo");

    /** Name of the lender in the channel pipeline. */
    static final String NAME = "erasure-chunk-loans";

    /** False when Netty runs without {@code sun.misc.Unsafe}: a {@link Loan} reads through a memory address. */
    static final boolean AVAILABLE = PlatformDependent.hasUnsafe();

    /** Chunks lent so far, and those of them copied at the end of their loan (for tests and measurements). */
    static final LongAdder LENT = new LongAdder();
    static final LongAdder COPIED = new LongAdder();

    /** Name of Vert.x's handler in an HTTP/1.x server pipeline. */
    private static final String VERTX_HANDLER = "handler";

    private ChunkLoans() {
    }

    /**
     * Installs the lender on the request's connection if it has none yet, lending the rest of this
     * request's body. Called on the request's event loop by a route of {@link #LOANED_PATHS}; does
     * nothing for HTTP/2, for connections that are not Vert.x's own HTTP/1.x ones, or without Unsafe.
     */
    static void install(HttpServerRequest request) {
        if (!AVAILABLE || request.version() == HttpVersion.HTTP_2 || request.isEnded()) {
            return;
        }
        HttpConnection connection = request.connection();
        if (!(connection instanceof ConnectionBase base)) {
            return;
        }
        Channel channel = base.channel();
        if (channel == null || !channel.eventLoop().inEventLoop()) {
            return;
        }
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get(NAME) != null) {
            return;
        }
        if (!(pipeline.get(VERTX_HANDLER) instanceof VertxHandler<?>)
                || pipeline.get(io.netty.handler.codec.http.HttpRequestDecoder.class) == null) {
            return;
        }
        pipeline.addBefore(VERTX_HANDLER, NAME, new Lender(lendable(request.method().name(), request.uri())));
    }

    /** Whether a request's body chunks are lent: a POST to one of {@link #LOANED_PATHS} (the query aside). */
    static boolean lendable(String method, String uri) {
        if (!"POST".equals(method) || uri == null) {
            return false;
        }
        int query = uri.indexOf('?');
        return LOANED_PATHS.contains(query < 0 ? uri : uri.substring(0, query));
    }

    /**
     * Marks a chunk as copied out: the caller holds no reference to it, nor to any view of it, once
     * its handler returns. Chunks that are not loans are ignored.
     */
    static void consumed(Buffer chunk) {
        for (ByteBuf buf = byteBuf(chunk); buf != null; buf = buf.unwrap()) {
            if (buf instanceof Loan loan) {
                loan.consumed();
                return;
            }
        }
    }

    /**
     * The Netty buffer of a Vert.x buffer, to be read only (its indexes and reference count are
     * not to be touched): Vert.x's own buffer as it is, where {@code getByteBuf()} would allocate a
     * slice and an unreleasable wrapper per call (two calls per 64 KiB chunk of every body).
     */
    static ByteBuf byteBuf(Buffer chunk) {
        return chunk instanceof BufferImpl impl ? impl.byteBuf() : chunk.getByteBuf();
    }

    /** The pipeline handler that lends the pooled body chunks of requests to {@link #LOANED_PATHS}. */
    static final class Lender extends ChannelInboundHandlerAdapter {

        private boolean lending;

        Lender(boolean lendingCurrent) {
            this.lending = lendingCurrent;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                lending = lendable(request);
                ctx.fireChannelRead(msg);
                return;
            }
            if (!lending || !(msg instanceof HttpContent content) || msg == LastHttpContent.EMPTY_LAST_CONTENT
                    || !content.decoderResult().isSuccess()) {
                ctx.fireChannelRead(msg);
                return;
            }
            ByteBuf pooled = content.content();
            if (!pooled.isReadable() || !pooled.hasMemoryAddress() || pooled.nioBufferCount() != 1
                    || !(pooled.alloc() instanceof PooledByteBufAllocator)) {
                ctx.fireChannelRead(msg);
                return;
            }
            Loan loan = new Loan(pooled);
            LENT.increment();
            try {
                ctx.fireChannelRead(content.replace(loan));
            } finally {
                try {
                    loan.end();
                } catch (RuntimeException | OutOfMemoryError noCopy) {
                    // No memory for the copy: revoke the loan (any later read of it fails instead of
                    // reading released memory) and fail the connection as a decoding error would.
                    loan.revoke();
                    ctx.fireExceptionCaught(noCopy);
                } finally {
                    content.release();
                }
            }
            if (msg instanceof LastHttpContent) {
                lending = false;
            }
        }

        private static boolean lendable(HttpRequest request) {
            return request.decoderResult().isSuccess() && ChunkLoans.lendable(request.method().name(), request.uri());
        }
    }

    /**
     * An unpooled view of a pooled chunk's readable bytes (Vert.x passes it through uncopied). Its
     * memory is not freed by it; {@link #end} gives it memory of its own unless it was consumed.
     */
    static final class Loan extends UnpooledUnsafeDirectByteBuf {

        private boolean consumed;
        private boolean ended;

        Loan(ByteBuf pooled) {
            // Growable past the view's size, so that end() can move it to memory of its own.
            // The pooled buffer's internal NIO view (no duplicate), sliced by the constructor at once.
            super(UnpooledByteBufAllocator.DEFAULT, pooled.internalNioBuffer(pooled.readerIndex(), pooled.readableBytes()),
                    Integer.MAX_VALUE);
        }

        void consumed() {
            if (ended) {
                // A copy made by end(), delivered later and now copied out: free it without waiting for GC.
                if (refCnt() > 0) {
                    release();
                }
                return;
            }
            consumed = true;
        }

        /**
         * Ends the loan: if the chunk was not consumed and nobody released it, moves its bytes to
         * freshly allocated memory (capacity grows by one byte: Netty reallocates on a capacity
         * change only), so that whoever still holds it reads a copy, never the pooled memory.
         */
        void end() {
            ended = true;
            if (!consumed && refCnt() > 0) {
                COPIED.increment();
                capacity(capacity() + 1);
            }
        }

        /** Drops every reference: the loan's memory is never freed by it, and every later access throws. */
        void revoke() {
            if (refCnt() > 0) {
                release(refCnt());
            }
        }
    }
}
