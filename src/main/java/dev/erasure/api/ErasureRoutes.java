package dev.erasure.api;

import dev.erasure.codec.StripeShape;
import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.ShardLayout;
import dev.erasure.job.JobService;
import dev.erasure.job.Operation;
import dev.erasure.job.StripeJob;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The HTTP contract's routes ({@code /v1/*}), registered on the Vert.x router at start. Routes, not
 * JAX-RS resources, because bodies are streamed chunk by chunk into the job's native arena.
 * Each handler is one pipeline: validate every parameter and header, read the body into the arena,
 * submit the job, write the result from native memory. Failures at any step reach
 * {@link ProblemMapper} through {@link Exchange#fail}.
 */
@ApplicationScoped
public class ErasureRoutes {

    private final NativeMemoryPool pool;
    private final JobService jobs;
    private final ApiLimits limits;
    private final ProblemMapper problems;
    private final ShardSetEndpoints shardSets;

    public ErasureRoutes(NativeMemoryPool pool, JobService jobs, ApiLimits limits, ProblemMapper problems) {
        this.pool = pool;
        this.jobs = jobs;
        this.limits = limits;
        this.problems = problems;
        this.shardSets = new ShardSetEndpoints(jobs);
    }

    void init(@Observes Router router) {
        router.post("/v1/encode").handler(route(this::encode));
        router.post("/v1/parity").handler(shardSetRoute(shardSets::parity));
        router.post("/v1/decode").handler(shardSetRoute(shardSets::decode));
        router.post("/v1/reconstruct").handler(shardSetRoute(shardSets::reconstruct));
        router.post("/v1/verify").handler(shardSetRoute(shardSets::verify));
        router.post("/v1/echo").handler(route(this::echo));
    }

    private Handler<RoutingContext> route(Consumer<Exchange> pipeline) {
        return routing -> {
            Exchange exchange = new Exchange(routing, problems, limits);
            exchange.guarded(() -> pipeline.accept(exchange));
        };
    }

    /**
     * A shard-set route: parses k, m, codec and the endpoint's own parameters, checks the
     * Content-Type, then streams the set into the arena and hands it to the endpoint.
     */
    private Handler<RoutingContext> shardSetRoute(ShardSetEndpoints.Endpoint endpoint) {
        return route(exchange -> {
            StripeShape shape = QueryParams.shape(exchange.request().params());
            ShardSetEndpoints.Request request = endpoint.prepare(shape, exchange);
            JobArena arena = exchange.arena(pool);
            ShardSetReader.prepare(exchange, shape, arena, limits, set -> request.run(set, arena)).run();
        });
    }

    /** POST /v1/encode: the object becomes its own data shards in place; parity is computed behind it. */
    private void encode(Exchange exchange) {
        StripeShape shape = QueryParams.shape(exchange.request().params());
        requireOctetStream(exchange);
        long declared = exchange.declaredLength();
        JobArena arena = exchange.arena(pool);
        ObjectReader reader = new ObjectReader(arena, shape.dataShards(), shape.totalShards(), declared);
        exchange.readBody(reader::accept, () -> {
            ObjectReader.StripeBuffer object = reader.finish();
            MemorySegment[] shards = ShardLayout.slices(object.stripe(), shape.totalShards(), object.shardSize());
            StripeJob job = new StripeJob(Operation.ENCODE, shape, shards, null, arena);
            int[] all = IntStream.range(0, shape.totalShards()).toArray();
            exchange.submit(jobs.code(job), done -> ShardSetEndpoints.respondShards(exchange, shape,
                    object.shardSize(), object.objectSize(), null, all, shards));
        });
    }

    /** POST /v1/echo: the transport-only baseline; the same native read and write path, no job. */
    private void echo(Exchange exchange) {
        long declared = exchange.declaredLength();
        JobArena arena = exchange.arena(pool);
        ObjectReader reader = new ObjectReader(arena, 1, 1, declared);
        exchange.readBody(reader::accept, () -> {
            ObjectReader.StripeBuffer object = reader.finish();
            exchange.response().putHeader("Content-Type", MediaTypes.OCTET_STREAM);
            exchange.end(ShardSetWriter.wrap(object.stripe()));
        });
    }

    private static void requireOctetStream(Exchange exchange) {
        String contentType = exchange.request().getHeader("Content-Type");
        String type = MediaTypes.baseType(contentType);
        if (type != null && !type.equals(MediaTypes.OCTET_STREAM)) {
            throw MediaTypes.unsupported(contentType, MediaTypes.OCTET_STREAM + " (the object's bytes)");
        }
    }

}
