package dev.erasure.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.IllegalReferenceCountException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The lender alone in a Netty pipeline, with a stand-in for Vert.x's handler behind it that either
 * copies a chunk out at once (and marks it consumed, as {@link Exchange} does) or keeps it for later
 * (as Vert.x does with a paused request). Either way the pooled buffer is released when the lender's
 * call returns; a kept chunk still reads its own bytes afterwards.
 */
class ChunkLoansTest {

    private static final byte[] BYTES = "0123456789abcdef".repeat(64).getBytes(StandardCharsets.US_ASCII);

    /** What the stand-in for Vert.x's handler saw: each content's buffer as Vert.x would wrap it. */
    private final List<Buffer> received = new ArrayList<>();

    private EmbeddedChannel channel(Consumer<Buffer> onContent) {
        return new EmbeddedChannel(new ChunkLoans.Lender(false), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpContent content) {
                    Buffer buffer = Buffer.buffer(content.content());
                    received.add(buffer);
                    onContent.accept(buffer);
                }
            }
        });
    }

    private static ByteBuf pooled() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(BYTES.length);
        return buf.writeBytes(BYTES);
    }

    @Test
    void aChunkCopiedOutDuringTheCallIsLentAndThePooledBufferReleasedRightAfter() {
        List<byte[]> copies = new ArrayList<>();
        EmbeddedChannel channel = channel(chunk -> {
            copies.add(chunk.getBytes());
            ChunkLoans.consumed(chunk);
        });
        long copiedBefore = ChunkLoans.COPIED.sum();
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/echo?x=1"));
        ByteBuf pooled = pooled();
        channel.writeInbound(new DefaultLastHttpContent(pooled));

        assertThat(received).hasSize(1);
        assertThat(received.getFirst().getByteBuf().alloc()).as("what Vert.x would see")
                .isNotInstanceOf(PooledByteBufAllocator.class);
        assertThat(copies.getFirst()).isEqualTo(BYTES);
        assertThat(pooled.refCnt()).as("pooled buffer released").isZero();
        assertThat(ChunkLoans.COPIED.sum()).as("no copy at the end of the loan").isEqualTo(copiedBefore);
        channel.finishAndReleaseAll();
    }

    @Test
    void aChunkKeptForLaterIsCopiedBeforeThePooledBufferIsReleased() {
        EmbeddedChannel channel = channel(chunk -> { });
        long copiedBefore = ChunkLoans.COPIED.sum();
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/encode?k=2&m=1"));
        ByteBuf pooled = pooled();
        channel.writeInbound(new DefaultHttpContent(pooled));
        assertThat(pooled.refCnt()).as("pooled buffer released").isZero();
        // The pooled memory is handed out again and overwritten; the kept chunk must not see that.
        ByteBuf reuse = PooledByteBufAllocator.DEFAULT.directBuffer(BYTES.length).writeZero(BYTES.length);
        try {
            assertThat(received.getFirst().getBytes()).isEqualTo(BYTES);
            assertThat(ChunkLoans.COPIED.sum()).isEqualTo(copiedBefore + 1);
            ByteBuf loan = received.getFirst().getByteBuf().unwrap().unwrap();
            assertThat(loan).isInstanceOf(ChunkLoans.Loan.class);
            ChunkLoans.consumed(received.getFirst());
            assertThat(loan.refCnt()).as("the copy is freed once copied out").isZero();
        } finally {
            reuse.release();
        }
        channel.finishAndReleaseAll();
    }

    @Test
    void otherPathsAndUnpooledBuffersPassThroughUntouched() {
        EmbeddedChannel channel = channel(chunk -> { });
        long lentBefore = ChunkLoans.LENT.sum();
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/stripes/encode?k=2&m=1"));
        ByteBuf pooled = pooled();
        channel.writeInbound(new DefaultHttpContent(pooled));
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/echo"));
        channel.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(BYTES)));
        assertThat(ChunkLoans.LENT.sum()).isEqualTo(lentBefore);
        assertThat(received.getFirst().getByteBuf().alloc()).isInstanceOf(PooledByteBufAllocator.class);
        assertThat(pooled.refCnt()).as("left to Vert.x, as without the lender").isOne();
        pooled.release();
        channel.finishAndReleaseAll();
    }

    @Test
    void aRevokedLoanCannotBeRead() {
        ByteBuf pooled = pooled();
        ChunkLoans.Loan loan = new ChunkLoans.Loan(pooled);
        loan.revoke();
        pooled.release();
        assertThatThrownBy(() -> loan.getByte(0)).isInstanceOf(IllegalReferenceCountException.class);
    }
}
