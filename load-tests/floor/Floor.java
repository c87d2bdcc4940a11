import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The floor of the service's HTTP stack: a minimal echo server on the same JVM and libraries
 * (the service's own Vert.x and Netty jars), without Quarkus, Vert.x Web or any of the service's
 * code. POST (any path) answers the request body unchanged as application/octet-stream; GET
 * answers 200 with an empty body (the readiness probe of load-tests/floor/floor.py).
 *
 * <p>Both modes copy the body once into one pooled direct buffer sized by Content-Length and
 * write that buffer back, as the service's echo copies it into one native segment (and as a Go
 * net/http echo reads it into one []byte):
 * <ul>
 *   <li>{@code vertx}: a Vert.x core {@code HttpServer} (one instance per event loop, 2 x cores
 *       as Quarkus deploys it), 64 KiB chunks; Vert.x copies each pooled chunk to the heap before
 *       the handler sees it ({@code VertxHandler.safeBuffer}), so this mode pays that copy too;</li>
 *   <li>{@code netty}: Netty's {@code HttpServerCodec} and one handler on NIO event loops
 *       (2 x cores threads), no Vert.x at all: the handler copies straight from Netty's read buffers.</li>
 * </ul>
 *
 * <p>Run from the repository after {@code ./mvnw package} (the service's class path):
 * {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
 * --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Dio.netty.allocator.maxOrder=9
 * -cp 'target/quarkus-app/lib/main/*' load-tests/floor/Floor.java vertx 18100}
 */
@SuppressWarnings("deprecation") // Buffer.getByteBuf and Buffer.buffer(ByteBuf): Vert.x 4 API, the service uses them too
public final class Floor {

    private static final int CHUNK = 64 * 1024;

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !(args[0].equals("vertx") || args[0].equals("netty"))) {
            System.err.println("usage: java -cp '<lib>/*' Floor.java vertx|netty PORT");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        int loops = 2 * Runtime.getRuntime().availableProcessors();
        if (args[0].equals("vertx")) {
            vertx(port, loops);
        } else {
            netty(port, loops);
        }
        System.out.println("floor " + args[0] + " listening on " + port + " with " + loops + " event loops");
    }

    private static void vertx(int port, int loops) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        HttpServerOptions options = new HttpServerOptions().setPort(port).setHost("127.0.0.1")
                .setMaxChunkSize(CHUNK);
        vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start() {
                vertx.createHttpServer(options).requestHandler(Floor::vertxRequest).listen();
            }
        }, new DeploymentOptions().setInstances(loops)).toCompletionStage().toCompletableFuture().get();
    }

    private static void vertxRequest(HttpServerRequest request) {
        if (request.method() != HttpMethod.POST) {
            request.response().end();
            return;
        }
        String length = request.getHeader("Content-Length");
        ByteBuf body = PooledByteBufAllocator.DEFAULT.directBuffer(length == null ? CHUNK : Integer.parseInt(length));
        request.handler(chunk -> body.writeBytes(chunk.getByteBuf()));
        request.endHandler(v -> {
            request.response().putHeader("Content-Type", "application/octet-stream");
            // Vert.x writes an unreleasable slice of it; the pooled buffer goes back once the write
            // completed (the service releases its arena the same way).
            request.response().end(Buffer.buffer(body)).onComplete(ar -> body.release());
        });
    }

    private static void netty(int port, int loops) throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(loops);
        new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(4096, 8192, CHUNK), new NettyEcho());
                    }
                }).bind("127.0.0.1", port).sync();
    }

    /** One request at a time per connection: the body into one pooled buffer, then written back whole. */
    private static final class NettyEcho extends SimpleChannelInboundHandler<HttpObject> {

        private ByteBuf body;
        private boolean keepAlive;
        private boolean post;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest request) {
                keepAlive = HttpUtil.isKeepAlive(request);
                post = request.method().name().equals("POST");
                long length = HttpUtil.getContentLength(request, CHUNK);
                body = ctx.alloc().directBuffer((int) length);
            }
            if (msg instanceof HttpContent content) {
                body.writeBytes(content.content());
            }
            if (msg instanceof LastHttpContent) {
                ByteBuf answer = post ? body : body.clear();
                body = null;
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, answer);
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.readableBytes());
                if (keepAlive) {
                    ctx.writeAndFlush(response);
                } else {
                    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (body != null) {
                body.release();
                body = null;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
