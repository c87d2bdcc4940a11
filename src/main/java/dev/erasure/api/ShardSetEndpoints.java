package dev.erasure.api;

import dev.erasure.codec.StripeShape;
import dev.erasure.buffer.JobArena;
import dev.erasure.codec.ShardLayout;
import dev.erasure.job.JobService;
import dev.erasure.job.Operation;
import dev.erasure.job.StripeJob;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The endpoints that take a shard set: parity, decode, reconstruct and verify. Each one first
 * parses its own query parameters (before the body is read), then, given the received set, checks
 * the set's shape, allocates its outputs in the arena and submits the job.
 */
final class ShardSetEndpoints {

    /** Parses an endpoint's own parameters; the returned request runs once the set is read. */
    @FunctionalInterface
    interface Endpoint {
        Request prepare(StripeShape shape, Exchange exchange);
    }

    @FunctionalInterface
    interface Request {
        void run(ShardSet set, JobArena arena);
    }

    private final JobService jobs;

    ShardSetEndpoints(JobService jobs) {
        this.jobs = jobs;
    }

    /** POST /v1/parity: exactly the k data blocks in, the m parity blocks out. */
    Request parity(StripeShape shape, Exchange exchange) {
        return (set, arena) -> {
            int[] received = set.received();
            for (int index : received) {
                if (index >= shape.dataShards()) {
                    throw ApiException.invalidShardSet("parity takes the data shards 0.." + (shape.dataShards() - 1)
                            + " only (got index " + index + ")");
                }
            }
            requireAll(set, shape.dataShards(), "parity");
            set.requireUsable(shape.dataShards(), "parity");
            MemorySegment[] shards = Arrays.copyOf(set.shards(), shape.totalShards());
            MemorySegment parity = arena.allocateUninitialized(shape.parityShards() * set.shardSize());
            System.arraycopy(ShardLayout.slices(parity, shape.parityShards(), set.shardSize()), 0, shards,
                    shape.dataShards(), shape.parityShards());
            int[] out = IntStream.range(shape.dataShards(), shape.totalShards()).toArray();
            submit(exchange, set, Operation.PARITY, shards, null, arena, out, -1);
        };
    }

    /** POST /v1/decode?size=N: any k shards in, the object's first N bytes out. */
    Request decode(StripeShape shape, Exchange exchange) {
        long size = QueryParams.objectSize(exchange.request().params());
        return (set, arena) -> {
            long capacity = shape.dataShards() * set.shardSize();
            if (size > capacity) {
                throw ApiException.invalidParameter("size must be <= k * shardSize = " + shape.dataShards() + " * "
                        + set.shardSize() + " = " + capacity + " (got " + size + ")");
            }
            set.requireUsable(shape.dataShards(), "decode");
            int[] wanted = IntStream.range(0, shape.dataShards()).toArray();
            MemorySegment[] shards = outputs(set, wanted, arena);
            boolean missing = IntStream.of(wanted).anyMatch(i -> !set.present()[i]);
            Runnable respond = () -> {
                ShardSetWriter.shardHeaders(exchange.response(), shape, set.shardSize(), -1, set.discardedHeader());
                exchange.end(ShardSetWriter.object(exchange.response(),
                        Arrays.copyOf(shards, shape.dataShards()), size));
            };
            if (missing) {
                StripeJob job = new StripeJob(Operation.DECODE, shape, shards, set.present().clone(), arena);
                exchange.submit(jobs.code(job), done -> respond.run());
            } else {
                respond.run();
            }
        };
    }

    /** POST /v1/reconstruct[?want=i,j]: any k shards in, the wanted (default: every missing) shards out. */
    Request reconstruct(StripeShape shape, Exchange exchange) {
        int[] want = QueryParams.wanted(exchange.request().params(), shape);
        return (set, arena) -> {
            int[] wanted = want != null ? want
                    : IntStream.range(0, shape.totalShards()).filter(i -> !set.present()[i]).toArray();
            set.requireUsable(shape.dataShards(), "reconstruct");
            MemorySegment[] shards = outputs(set, wanted, arena);
            if (IntStream.of(wanted).anyMatch(i -> !set.present()[i])) {
                submit(exchange, set, Operation.RECONSTRUCT, shards, set.present().clone(), arena, wanted, -1);
            } else {
                respondShards(exchange, shape, set.shardSize(), -1, set.discardedHeader(), wanted, pick(shards, wanted));
            }
        };
    }

    /** POST /v1/verify: all k+m shards in, {consistent, mismatchedParity} out. */
    Request verify(StripeShape shape, Exchange exchange) {
        return (set, arena) -> {
            requireAll(set, shape.totalShards(), "verify");
            set.requireUsable(shape.totalShards(), "verify");
            StripeJob job = new StripeJob(Operation.VERIFY, shape, set.shards(), null, arena);
            exchange.submit(jobs.verify(job), result -> {
                JsonObject body = new JsonObject()
                        .put("consistent", result.mismatchedParity().length == 0)
                        .put("mismatchedParity", new JsonArray(Arrays.stream(result.mismatchedParity()).boxed().toList()));
                exchange.response().putHeader("Content-Type", MediaTypes.JSON);
                exchange.end(body.toBuffer());
            });
        };
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

    private void submit(Exchange exchange, ShardSet set, Operation op, MemorySegment[] shards, boolean[] present,
            JobArena arena, int[] out, long objectSize) {
        StripeShape shape = set.shape();
        StripeJob job = new StripeJob(op, shape, shards, present, arena);
        exchange.submit(jobs.code(job), done -> respondShards(exchange, shape, set.shardSize(), objectSize,
                set.discardedHeader(), out, pick(shards, out)));
    }

    private static MemorySegment[] pick(MemorySegment[] shards, int[] indexes) {
        return IntStream.of(indexes).mapToObj(i -> shards[i]).toArray(MemorySegment[]::new);
    }

    /** Answers a shard set as multipart/mixed, or JSON when the client accepts it. */
    static void respondShards(Exchange exchange, StripeShape shape, long shardSize, long objectSize,
            String discarded, int[] indexes, MemorySegment[] shards) {
        var response = exchange.response();
        ShardSetWriter.shardHeaders(response, shape, shardSize, objectSize, discarded);
        if (MediaTypes.wantsJson(exchange.request().getHeader("Accept"))) {
            Buffer body = ShardSetWriter.json(shape, shardSize, objectSize, indexes, shards);
            response.putHeader("Content-Type", MediaTypes.JSON);
            exchange.end(body);
        } else {
            exchange.end(ShardSetWriter.multipart(response, indexes, shards, exchange.arena()));
        }
    }
}
