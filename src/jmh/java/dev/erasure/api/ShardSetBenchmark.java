package dev.erasure.api;

import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.StripeShape;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a multipart/mixed shard set costs per part, apart from the bytes of the shards: the
 * request side (MultipartParser + ShardSetCollector into a job arena, the body fed in 8 KiB
 * chunks as Vert.x delivers it, CRC-32C headers checked) and the response side
 * (ShardSetWriter.multipart: part headers with CRC-32C, one composite buffer, and the gathering
 * buffers a socket write asks it for). Shards are 64 bytes so that the per-part work dominates;
 * the score divided by {@code parts} is the cost of one part (bin/bench-shardset prints it).
 * Heap bytes per part: run with {@code -prof gc} (gc.alloc.rate.norm / parts). The job arenas come
 * from an unchecked pool so that the per-request cost of a checked one does not blur the figures.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class ShardSetBenchmark {

    /** k x m: 14, 1200 and 65536 parts. */
    @Param({"10x4", "1000x200", "32768x32768"})
    public String shape;

    @Param({"64"})
    public int shardSize;

    private static final int CHUNK = 8192;

    private StripeShape stripe;
    private NativeMemoryPool pool;
    private ByteBuf body;
    private Arena arena;
    private MemorySegment[] shards;
    private int[] indexes;
    private HttpServerResponse response;

    @Setup(Level.Trial)
    public void setUp() {
        String[] km = shape.split("x");
        stripe = new StripeShape(CodecKind.LEOPARD, Integer.parseInt(km[0]), Integer.parseInt(km[1]));
        int parts = stripe.totalShards();
        // Unchecked segments: no shared-scope generation per request, whose thread handshake is a
        // per-request cost (see ArenaCostHarness) that would hide the per-part one measured here.
        pool = new NativeMemoryPool(4L << 30, false, false);
        arena = Arena.ofShared();
        shards = new MemorySegment[parts];
        indexes = new int[parts];
        List<ShardSets.Part> list = new ArrayList<>();
        Random random = new Random(1);
        for (int i = 0; i < parts; i++) {
            byte[] bytes = new byte[shardSize];
            random.nextBytes(bytes);
            list.add(new ShardSets.Part(i, bytes));
            shards[i] = arena.allocate(shardSize, 64);
            shards[i].copyFrom(MemorySegment.ofArray(bytes));
            indexes[i] = i;
        }
        byte[] bytes = ShardSets.multipartMixed(list, true);
        body = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        // putHeader and the other fluent setters return the response itself; nothing is sent.
        response = (HttpServerResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServerResponse.class},
                (proxy, method, args) -> method.getReturnType() == HttpServerResponse.class ? proxy : null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        body.release();
        arena.close();
    }

    @Benchmark
    public ShardSet read() {
        JobArena job = pool.open();
        try {
            ShardSetCollector collector = new ShardSetCollector(stripe, job, body.readableBytes());
            MultipartParser parser = new MultipartParser(ShardSets.BOUNDARY, Integer.MAX_VALUE, 8192, collector);
            for (int at = 0; at < body.writerIndex(); at += CHUNK) {
                parser.feed(body.slice(at, Math.min(CHUNK, body.writerIndex() - at)));
            }
            parser.finish();
            return collector.result();
        } finally {
            job.release();
        }
    }

    @Benchmark
    public ByteBuffer[] write() {
        JobArena job = pool.open();
        try {
            Buffer out = ShardSetWriter.multipart(response, indexes, shards, job, ApiLimits.DEFAULT_COALESCE_RESPONSE);
            return out.getByteBuf().nioBuffers();
        } finally {
            job.release();
        }
    }
}
