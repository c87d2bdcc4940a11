package dev.erasure.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledUnsafeDirectByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.LongAdder;

/**
 * Socket reads straight into a request's native memory: the body of an object read by
 * {@link ObjectReader} lands where the reader wants it, so the reader's copy of each chunk is
 * skipped (the one copy in user space a body otherwise takes, see {@link ChunkLoans}).
 *
 * <p>How: Netty's read loop asks the channel's allocator for each read's buffer
 * ({@code ioBuffer(guess)}) and fetches that allocator anew on every read. On a connection with a
 * {@link ChunkLoans.Lender}, the allocator is wrapped by an {@link Allocator} that, while a reader is
 * armed, answers with a {@link Region}: an unpooled buffer over the reader's next unreceived bytes
 * (for {@code p} body bytes received, the place of byte {@code p}, at most to the end of its shard
 * and of the body). The decoder slices the body chunks out of it, they pass the lender and Vert.x
 * uncopied (unpooled), and the reader finds each chunk at its destination address.
 *
 * <p>Why it is safe:
 * <ul>
 *   <li>A region never holds a byte of anything but this body, at its own place: it starts at the
 *       count of body bytes that came through the lender, which saw the request's head (so it
 *       counted the whole body; the request during which the lender is installed is not read in
 *       place); it ends at the declared length; and it is handed out only when every byte read
 *       into the previous one has come through as content (else the read goes to a pooled
 *       buffer, as without this class). A caller other than the read loop that got a region (none
 *       does so on a plain HTTP/1.x pipeline) would at worst stop the in-place reads for the rest
 *       of the body.</li>
 *   <li>The reader checks the address of every chunk and copies any chunk not at its place, so
 *       correctness never depends on a read having landed in place.</li>
 *   <li>Reads, decoding, arming, disarming and releasing the arena all run on the connection's
 *       event loop: the arena is never freed during a read into it. The region's NIO view is the
 *       segment's own ({@link MemorySegment#asByteBuffer()}), and the JDK holds a segment's scope
 *       open during a socket read into it: memory freed by another thread (the pool reclaiming
 *       arenas at shutdown) fails the read instead of being written.</li>
 *   <li>A region never frees memory (the arena owns it) and cannot grow.</li>
 * </ul>
 * Only on Netty's NIO transport (the default): the epoll transport reads through a raw address,
 * outside the segment's scope. Not armed for TLS connections (the socket carries ciphertext),
 * HTTP/2, requests that ask for a protocol upgrade, bodies without a Content-Length, or shards
 * larger than {@link ObjectReader#DIRECT_SHARD_BYTES}. A read loop fetches the allocator once per
 * wake-up, so the reads of a connection's first request that follow its head in the same wake-up
 * go to pooled buffers; on a kept-alive connection the later requests arrive in place.
 */
final class InPlaceReads {

    /** Body bytes that arrived in place (no copy), for tests and measurements. */
    static final LongAdder BYTES = new LongAdder();

    private InPlaceReads() {
    }

    /** Where the next bytes of a body go. Called on the event loop. */
    interface Target {

        /**
         * The memory for body bytes {@code position ..}, at most {@code maxBytes} of them, or null
         * when the next bytes are not to be read in place.
         */
        MemorySegment region(long position, int maxBytes);
    }

    /**
     * Arms {@code target} for the rest of the current request's body on {@code channel}, whose
     * pipeline has {@code lender}; returns false (nothing armed) when the connection does not
     * qualify (TLS, or not on its event loop).
     */
    static boolean arm(Channel channel, ChunkLoans.Lender lender, Target target) {
        if (!(channel instanceof NioSocketChannel) || !channel.eventLoop().inEventLoop()
                || channel.pipeline().get(SslHandler.class) != null) {
            return false;
        }
        ByteBufAllocator current = channel.config().getAllocator();
        if (!(current instanceof Allocator allocator) || allocator.lender != lender) {
            channel.config().setAllocator(new Allocator(current instanceof Allocator wrapped ? wrapped.delegate : current,
                    lender));
        }
        lender.arm(target);
        return true;
    }

    /** A buffer over memory the reader owns: never freed by Netty, never grown. */
    static final class Region extends UnpooledUnsafeDirectByteBuf {

        Region(MemorySegment memory) {
            super(UnpooledByteBufAllocator.DEFAULT, memory.asByteBuffer(), (int) memory.byteSize());
            clear(); // the constructor counts the memory as written; the read writes it
        }
    }

    /**
     * The channel's allocator with read buffers from the armed reader: every method but
     * {@code ioBuffer(int)} (the read loop's call) is the delegate's.
     */
    static final class Allocator implements ByteBufAllocator {

        private final ByteBufAllocator delegate;
        private final ChunkLoans.Lender lender;

        Allocator(ByteBufAllocator delegate, ChunkLoans.Lender lender) {
            this.delegate = delegate;
            this.lender = lender;
        }

        @Override
        public ByteBuf ioBuffer(int initialCapacity) {
            ByteBuf region = lender.region(initialCapacity);
            return region != null ? region : delegate.ioBuffer(initialCapacity);
        }

        @Override
        public ByteBuf buffer() {
            return delegate.buffer();
        }

        @Override
        public ByteBuf buffer(int initialCapacity) {
            return delegate.buffer(initialCapacity);
        }

        @Override
        public ByteBuf buffer(int initialCapacity, int maxCapacity) {
            return delegate.buffer(initialCapacity, maxCapacity);
        }

        @Override
        public ByteBuf ioBuffer() {
            return delegate.ioBuffer();
        }

        @Override
        public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
            return delegate.ioBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public ByteBuf heapBuffer() {
            return delegate.heapBuffer();
        }

        @Override
        public ByteBuf heapBuffer(int initialCapacity) {
            return delegate.heapBuffer(initialCapacity);
        }

        @Override
        public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
            return delegate.heapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public ByteBuf directBuffer() {
            return delegate.directBuffer();
        }

        @Override
        public ByteBuf directBuffer(int initialCapacity) {
            return delegate.directBuffer(initialCapacity);
        }

        @Override
        public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
            return delegate.directBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public CompositeByteBuf compositeBuffer() {
            return delegate.compositeBuffer();
        }

        @Override
        public CompositeByteBuf compositeBuffer(int maxNumComponents) {
            return delegate.compositeBuffer(maxNumComponents);
        }

        @Override
        public CompositeByteBuf compositeHeapBuffer() {
            return delegate.compositeHeapBuffer();
        }

        @Override
        public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
            return delegate.compositeHeapBuffer(maxNumComponents);
        }

        @Override
        public CompositeByteBuf compositeDirectBuffer() {
            return delegate.compositeDirectBuffer();
        }

        @Override
        public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
            return delegate.compositeDirectBuffer(maxNumComponents);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return delegate.isDirectBufferPooled();
        }

        @Override
        public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
            return delegate.calculateNewCapacity(minNewCapacity, maxCapacity);
        }
    }
}
