package dev.erasure.api;

import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.CodeCache;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.Correction;
import dev.erasure.codec.CorrectionUnsupportedException;
import dev.erasure.codec.ShardLayout;
import dev.erasure.codec.StripeShape;
import dev.erasure.job.JobService;
import dev.erasure.job.Operation;
import dev.erasure.job.StripeJob;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The coding endpoints of the HTTP contract ({@code /v1/*}), one method each, registered on the
 * Vert.x router at start. Routes, not JAX-RS resources, because bodies are streamed chunk by chunk
 * into the job's native arena.
 *
 * <p>Every endpoint reads in the order it runs: parse and check the query parameters and headers
 * (before any byte of the body is read), read the object or shard set into the arena, build the
 * job and submit it, write the result from native memory. Reading and submitting are asynchronous,
 * so each later step is the callback of the one before. A failure at any step, thrown or
 * asynchronous, becomes the problem answer ({@link Exchange#fail}, {@link ProblemMapper}); the
 * {@link Exchange} gives the arena back when the response is written or the connection closes.
 */
@ApplicationScoped
public class ErasureRoutes {

    private final NativeMemoryPool pool;
    private final JobService jobs;
    private final ApiLimits limits;
    private final ProblemMapper problems;
    private final CodeCache codes;

    public ErasureRoutes(NativeMemoryPool pool, JobService jobs, ApiLimits limits, ProblemMapper problems,
            CodeCache codes) {
        this.pool = pool;
        this.jobs = jobs;
        this.limits = limits;
        this.problems = problems;
        this.codes = codes;
    }

    void init(@Observes Router router) {
        router.post("/v1/encode").handler(route(this::encode));
        router.post("/v1/parity").handler(route(this::parity));
        router.post("/v1/decode").handler(route(this::decode));
        router.post("/v1/reconstruct").handler(route(this::reconstruct));
        router.post("/v1/verify").handler(route(this::verify));
        router.post("/v1/echo").handler(route(this::echo));
        router.route("/v1/*").last().handler(route(exchange -> unmatched(router, exchange)));
    }

    /**
     * Runs an endpoint on a new exchange once admitted (while the service stops, a request arriving
     * after admission closed is answered 503); whatever it throws becomes the problem answer.
     */
    private Handler<RoutingContext> route(Consumer<Exchange> endpoint) {
        return routing -> {
            Exchange exchange = new Exchange(routing, problems, limits);
            if (exchange.admit(jobs.admission())) {
                exchange.guarded(() -> endpoint.accept(exchange));
            }
        };
    }

    /**
     * POST /v1/encode?k&m[&codec]: the object in, its k data and m parity shards out. The object is
     * read into one stripe-sized segment, where it already is its own data shards; the job
     * computes the parity behind them.
     */
    private void encode(Exchange exchange) {
        StripeShape shape = QueryParams.shape(exchange.query());
        requireOctetStream(exchange);
        long declared = exchange.declaredLength();
        JobArena arena = exchange.arena(pool);
        ObjectReader reader = ObjectReader.stripe(arena, shape, declared);
        exchange.readBody(reader::accept, () -> {
            ObjectReader.StripeBuffer object = reader.finish();
            MemorySegment[] shards = object.shards();
            StripeJob job = new StripeJob(Operation.ENCODE, shape, shards, null, arena);
            int[] all = range(0, shape.totalShards());
            int[] dataCrcs = object.dataCrcs() != null ? object.dataCrcs() : new int[0];
            exchange.submit(jobs.code(job), done -> ShardSetWriter.respondShards(exchange, shape, object.shardSize(),
                    object.objectSize(), null, all, shards, dataCrcs));
        });
    }

    /** POST /v1/parity?k&m[&codec]: exactly the k data shards in, the m parity shards out. */
    private void parity(Exchange exchange) {
        StripeShape shape = QueryParams.shape(exchange.query());
        JobArena arena = exchange.arena(pool);
        ShardSetReader.read(exchange, shape, arena, limits, set -> {
            int k = shape.dataShards();
            for (int index : set.received()) {
                if (index >= k) {
                    throw ApiException.invalidShardSet("parity takes the data shards 0.." + (k - 1)
                            + " only (got index " + index + ")");
                }
            }
            requireAll(set, k, "parity");
            set.requireUsable(k, "parity");
            MemorySegment[] shards = Arrays.copyOf(set.shards(), shape.totalShards());
            MemorySegment parity = arena.allocateUninitialized(shape.parityShards() * set.shardSize());
            System.arraycopy(ShardLayout.slices(parity, shape.parityShards(), set.shardSize()), 0, shards, k,
                    shape.parityShards());
            StripeJob job = new StripeJob(Operation.PARITY, shape, shards, null, arena);
            int[] out = range(k, shape.totalShards());
            exchange.submit(jobs.code(job), done -> ShardSetWriter.respondShards(exchange, shape, set.shardSize(), -1,
                    set.discardedHeader(), out, pick(shards, out)));
        });
    }

    /**
     * POST /v1/decode?k&m&size[&codec][&correct]: any k shards in, the object's first {@code size}
     * bytes out. Missing data shards are rebuilt by a job; when all are present the answer needs
     * none. With correct=true (k + 1 shards at least) a job always checks the supplied shards
     * against each other and corrects corrupted ones first; Corrected-Shards names them.
     */
    private void decode(Exchange exchange) {
        StripeShape shape = QueryParams.shape(exchange.query());
        long size = QueryParams.objectSize(exchange.query());
        boolean correct = QueryParams.correct(exchange.query());
        requireCorrector(shape, correct);
        JobArena arena = exchange.arena(pool);
        ShardSetReader.read(exchange, shape, arena, limits, set -> {
            int k = shape.dataShards();
            long capacity = k * set.shardSize();
            if (size > capacity) {
                throw ApiException.invalidParameter("size must be <= k * shardSize = " + k + " * "
                        + set.shardSize() + " = " + capacity + " (got " + size + ")");
            }
            requireUsable(set, shape, correct, "decode");
            int[] data = range(0, k);
            MemorySegment[] shards = outputs(set, data, arena);
            MemorySegment[] dataShards = Arrays.copyOf(shards, k);
            StripeJob job = new StripeJob(Operation.DECODE, shape, shards, set.present().clone(), arena);
            if (correct) {
                exchange.submit(jobs.correct(job), correction -> {
                    correctedHeader(exchange, correction);
                    ShardSetWriter.respondObject(exchange, shape, set.shardSize(), set.discardedHeader(), dataShards,
                            size);
                });
            } else if (IntStream.of(data).anyMatch(i -> !set.present()[i])) {
                exchange.submit(jobs.code(job), done -> ShardSetWriter.respondObject(exchange, shape, set.shardSize(),
                        set.discardedHeader(), dataShards, size));
            } else {
                ShardSetWriter.respondObject(exchange, shape, set.shardSize(), set.discardedHeader(), dataShards, size);
            }
        });
    }

    /**
     * POST /v1/reconstruct?k&m[&want][&codec][&correct]: any k shards in, the wanted shards out
     * (default: every shard not received or discarded). Wanted shards that are present need no
     * job; with correct=true, as for decode, a job always runs and wanted shards that were
     * supplied come back corrected.
     */
    private void reconstruct(Exchange exchange) {
        StripeShape shape = QueryParams.shape(exchange.query());
        int[] want = QueryParams.wanted(exchange.query(), shape);
        boolean correct = QueryParams.correct(exchange.query());
        requireCorrector(shape, correct);
        JobArena arena = exchange.arena(pool);
        ShardSetReader.read(exchange, shape, arena, limits, set -> {
            int[] wanted = want != null ? want
                    : IntStream.range(0, shape.totalShards()).filter(i -> !set.present()[i]).toArray();
            requireUsable(set, shape, correct, "reconstruct");
            MemorySegment[] shards = outputs(set, wanted, arena);
            StripeJob job = new StripeJob(Operation.RECONSTRUCT, shape, shards, set.present().clone(), arena);
            if (correct) {
                exchange.submit(jobs.correct(job), correction -> {
                    correctedHeader(exchange, correction);
                    ShardSetWriter.respondShards(exchange, shape, set.shardSize(), -1, set.discardedHeader(), wanted,
                            pick(shards, wanted));
                });
            } else if (IntStream.of(wanted).anyMatch(i -> !set.present()[i])) {
                exchange.submit(jobs.code(job), done -> ShardSetWriter.respondShards(exchange, shape,
                        set.shardSize(), -1, set.discardedHeader(), wanted, pick(shards, wanted)));
            } else {
                ShardSetWriter.respondShards(exchange, shape, set.shardSize(), -1, set.discardedHeader(), wanted,
                        pick(shards, wanted));
            }
        });
    }

    /**
     * correct=true for a code without a corrector is a 400 before the body is read, like any other
     * bad parameter. Leopard has none; a matrix code's is derived once and cached with the code.
     */
    private void requireCorrector(StripeShape shape, boolean correct) {
        if (!correct) {
            return;
        }
        if (shape.kind() == CodecKind.LEOPARD) {
            throw new CorrectionUnsupportedException("codec leopard cannot locate corrupted shards: it is not a code"
                    + " the error locator applies to");
        }
        codes.get(shape).corrector();
    }

    /** k usable shards, or k + 1 when correcting (one more than decoding needs, to check with). */
    private static void requireUsable(ShardSet set, StripeShape shape, boolean correct, String what) {
        if (correct) {
            set.requireUsable(shape.dataShards() + 1, what + " with correct=true (k to decode and at least one more to"
                    + " check them against)");
        } else {
            set.requireUsable(shape.dataShards(), what);
        }
    }

    /** Corrected-Shards: the supplied shards that were corrected, comma-separated (empty: none). */
    private static void correctedHeader(Exchange exchange, Correction correction) {
        exchange.response().putHeader("Corrected-Shards", ShardSet.join(correction.shards()));
    }

    /**
     * POST /v1/verify?k&m[&codec]: all k+m shards in, {@code {consistent, mismatchedParity,
     * corruptShards}} out; corruptShards is null, and corruptShardsDetail says why, when the
     * corrupted shards cannot be determined.
     */
    private void verify(Exchange exchange) {
        StripeShape shape = QueryParams.shape(exchange.query());
        JobArena arena = exchange.arena(pool);
        ShardSetReader.read(exchange, shape, arena, limits, set -> {
            requireAll(set, shape.totalShards(), "verify");
            set.requireUsable(shape.totalShards(), "verify");
            StripeJob job = new StripeJob(Operation.VERIFY, shape, set.shards(), null, arena);
            exchange.submit(jobs.verify(job), result -> {
                JsonObject body = new JsonObject()
                        .put("consistent", result.mismatchedParity().length == 0)
                        .put("mismatchedParity", new JsonArray(Arrays.stream(result.mismatchedParity()).boxed().toList()));
                if (result.corruptShards() != null) {
                    body.put("corruptShards", new JsonArray(Arrays.stream(result.corruptShards()).boxed().toList()));
                } else {
                    body.putNull("corruptShards").put("corruptShardsDetail", result.undetermined());
                }
                exchange.response().putHeader("Content-Type", MediaTypes.JSON);
                exchange.end(body.toBuffer());
            });
        });
    }

    /** POST /v1/echo: the transport-only baseline; the same native read and write path, no job. */
    private void echo(Exchange exchange) {
        long declared = exchange.declaredLength();
        JobArena arena = exchange.arena(pool);
        ObjectReader reader = ObjectReader.object(arena, declared);
        exchange.readBody(reader::accept, () -> {
            ObjectReader.StripeBuffer object = reader.finish();
            exchange.response().putHeader("Content-Type", MediaTypes.OCTET_STREAM);
            exchange.end(ShardSetWriter.wrap(object.shards()[0]));
        });
    }

    /**
     * A {@code /v1} request no route took (the last route, so endpoints other classes register are
     * matched first): 405 with {@code Allow} when the path exists for other methods, else 404.
     */
    private static void unmatched(Router router, Exchange exchange) {
        String path = exchange.request().path();
        Set<String> allowed = new TreeSet<>();
        Set<String> endpoints = new TreeSet<>();
        for (Route route : router.getRoutes()) {
            String routePath = route.getPath();
            if (routePath == null || !routePath.startsWith("/v1/") || route.methods() == null) {
                continue;
            }
            endpoints.add(routePath);
            if (routePath.equals(path)) {
                route.methods().forEach(method -> allowed.add(method.name()));
            }
        }
        if (!allowed.isEmpty()) {
            exchange.response().putHeader("Allow", String.join(", ", allowed));
            throw new ApiException(ApiException.Kind.METHOD_NOT_ALLOWED, exchange.request().method().name()
                    + " is not allowed on " + path + "; use " + String.join(" or ", allowed));
        }
        throw new ApiException(ApiException.Kind.NOT_FOUND, "there is no endpoint " + path + "; the endpoints are "
                + String.join(", ", endpoints));
    }

    /** The indexes from..to-1 (a loop: a stream costs more than the rest of a small encode's bookkeeping). */
    private static int[] range(int from, int to) {
        int[] indexes = new int[to - from];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = from + i;
        }
        return indexes;
    }

    private static void requireOctetStream(Exchange exchange) {
        String contentType = exchange.request().getHeader("Content-Type");
        String type = MediaTypes.baseType(contentType);
        if (type != null && !type.equals(MediaTypes.OCTET_STREAM)) {
            throw MediaTypes.unsupported(contentType, MediaTypes.OCTET_STREAM + " (the object's bytes)");
        }
    }

    /** 400 unless shards 0..count-1 were all received (CRC mismatches are judged separately: 422). */
    private static void requireAll(ShardSet set, int count, String what) {
        int[] missing = IntStream.range(0, count).filter(i -> set.shards()[i] == null).toArray();
        if (missing.length > 0) {
            throw ApiException.invalidShardSet(what + " needs all of shards 0.." + (count - 1) + ", missing: ["
                    + ShardSet.join(missing) + "]");
        }
    }

    /**
     * The job's shard array: present shards as inputs, a segment for each wanted shard that is not
     * present (the discarded shard's own segment when there is one), null for everything else.
     */
    private static MemorySegment[] outputs(ShardSet set, int[] wanted, JobArena arena) {
        MemorySegment[] shards = new MemorySegment[set.shards().length];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = set.present()[i] ? set.shards()[i] : null;
        }
        for (int i : wanted) {
            if (shards[i] == null) {
                shards[i] = set.shards()[i] != null ? set.shards()[i] : arena.allocateUninitialized(set.shardSize());
            }
        }
        return shards;
    }

    private static MemorySegment[] pick(MemorySegment[] shards, int[] indexes) {
        return IntStream.of(indexes).mapToObj(i -> shards[i]).toArray(MemorySegment[]::new);
    }
}
