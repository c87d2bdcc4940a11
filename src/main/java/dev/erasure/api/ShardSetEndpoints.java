package dev.erasure.api;

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
        Request prepare(StripeParams params, Exchange exchange);
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
    Request parity(StripeParams params, Exchange exchange) {
        return (set, arena) -> {
            int[] received = set.received();
            for (int index : received) {
                if (index >= params.dataShards()) {
                    throw ApiException.invalidShardSet("parity takes the data shards 0.." + (params.dataShards() - 1)
                            + " only (got index " + index + ")");
                }
            }
            requireAll(set, params.dataShards(), "parity");
            set.requireUsable(params.dataShards(), "parity");
            MemorySegment[] shards = Arrays.copyOf(set.shards(), params.totalShards());
            MemorySegment parity = arena.allocateUninitialized(params.parityShards() * set.shardSize());
            System.arraycopy(ShardLayout.slices(parity, params.parityShards(), set.shardSize()), 0, shards,
                    params.dataShards(), params.parityShards());
            int[] out = IntStream.range(params.dataShards(), params.totalShards()).toArray();
            submit(exchange, set, Operation.PARITY, shards, null, arena, out, -1);
        };
    }

    /** POST /v1/decode?size=N: any k shards in, the object's first N bytes out. */
    Request decode(StripeParams params, Exchange exchange) {
        long size = StripeParams.objectSize(exchange.request().params());
        return (set, arena) -> {
            long capacity = params.dataShards() * set.shardSize();
            if (size > capacity) {
                throw ApiException.invalidParameter("size must be <= k * shardSize = " + params.dataShards() + " * "
                        + set.shardSize() + " = " + capacity + " (got " + size + ")");
            }
            set.requireUsable(params.dataShards(), "decode");
            int[] wanted = IntStream.range(0, params.dataShards()).toArray();
            MemorySegment[] shards = outputs(set, wanted, arena);
            boolean missing = IntStream.of(wanted).anyMatch(i -> !set.present()[i]);
            Runnable respond = () -> {
                ShardSetWriter.shardHeaders(exchange.response(), params, set.shardSize(), -1, set.discardedHeader());
                exchange.end(ShardSetWriter.object(exchange.response(),
                        Arrays.copyOf(shards, params.dataShards()), size));
            };
            if (missing) {
                StripeJob job = new StripeJob(Operation.DECODE, params.kind(), params.dataShards(),
                        params.parityShards(), shards, set.present().clone(), arena);
                exchange.submit(jobs.code(job), done -> respond.run());
            } else {
                respond.run();
            }
        };
    }

    /** POST /v1/reconstruct[?want=i,j]: any k shards in, the wanted (default: every missing) shards out. */
    Request reconstruct(StripeParams params, Exchange exchange) {
        int[] want = params.wanted(exchange.request().params());
        return (set, arena) -> {
            int[] wanted = want != null ? want
                    : IntStream.range(0, params.totalShards()).filter(i -> !set.present()[i]).toArray();
            set.requireUsable(params.dataShards(), "reconstruct");
            MemorySegment[] shards = outputs(set, wanted, arena);
            if (IntStream.of(wanted).anyMatch(i -> !set.present()[i])) {
                submit(exchange, set, Operation.RECONSTRUCT, shards, set.present().clone(), arena, wanted, -1);
            } else {
                respondShards(exchange, params, set.shardSize(), -1, set.discardedHeader(), wanted, pick(shards, wanted));
            }
        };
    }

    /** POST /v1/verify: all k+m shards in, {consistent, mismatchedParity} out. */
    Request verify(StripeParams params, Exchange exchange) {
        return (set, arena) -> {
            requireAll(set, params.totalShards(), "verify");
            set.requireUsable(params.totalShards(), "verify");
            StripeJob job = new StripeJob(Operation.VERIFY, params.kind(), params.dataShards(), params.parityShards(),
                    set.shards(), null, arena);
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
        StripeParams params = set.params();
        StripeJob job = new StripeJob(op, params.kind(), params.dataShards(), params.parityShards(), shards, present, arena);
        exchange.submit(jobs.code(job), done -> respondShards(exchange, params, set.shardSize(), objectSize,
                set.discardedHeader(), out, pick(shards, out)));
    }

    private static MemorySegment[] pick(MemorySegment[] shards, int[] indexes) {
        return IntStream.of(indexes).mapToObj(i -> shards[i]).toArray(MemorySegment[]::new);
    }

    /** Answers a shard set as multipart/mixed, or JSON when the client accepts it. */
    static void respondShards(Exchange exchange, StripeParams params, long shardSize, long objectSize,
            String discarded, int[] indexes, MemorySegment[] shards) {
        var response = exchange.response();
        ShardSetWriter.shardHeaders(response, params, shardSize, objectSize, discarded);
        if (MediaTypes.wantsJson(exchange.request().getHeader("Accept"))) {
            Buffer body = ShardSetWriter.json(params, shardSize, objectSize, indexes, shards);
            response.putHeader("Content-Type", MediaTypes.JSON);
            exchange.end(body);
        } else {
            exchange.end(ShardSetWriter.multipart(response, indexes, shards, exchange.arena()));
        }
    }
}
