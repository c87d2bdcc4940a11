package dev.erasure.api.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.CodeCache;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.StripeShape;
import dev.erasure.job.JobService;
import dev.erasure.job.Operation;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A stripe refused because the job queue is full is submitted again, and the stream still
 * completes whole ({@link StreamQueueProfile}: one worker, a queue of one, no inline jobs).
 */
@QuarkusTest
@TestProfile(StreamQueueProfile.class)
class StreamQueueFullTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    NativeMemoryPool pool;

    @Inject
    JobService jobs;

    @Inject
    CodeCache codecs;

    @Inject
    MeterRegistry registry;

    /**
     * The test holds the only worker with one job and fills the queue with another, then starts an
     * encode stream: its first stripe is refused (the QUEUE_FULL counter of encode rises while no
     * stripe can have been coded). Once the two jobs are let go, the stream completes and every
     * cell, CRC, sampled parity and the final part are right.
     */
    @Test
    void stripesRefusedByAFullQueue_areSubmittedAgain_andTheStreamCompletesWhole() throws Exception {
        int k = 4;
        int m = 2;
        int cell = 64 * 1024;
        long size = 12L * k * cell + 999;
        ObjectBytes object = new ObjectBytes(21);
        StripeShape shape = new StripeShape(CodecKind.RS_VANDERMONDE, k, m);
        CountDownLatch letGo = new CountDownLatch(1);
        JobService.StripeWork<Void> hold = (code, cancel) -> {
            try {
                letGo.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        };
        double refusedBefore = queueFullRefusals();
        CompletableFuture<Void> running = jobs.submit(Operation.PARITY, shape, 1, null, hold).subscribeAsCompletionStage();
        try {
            awaitTrue(() -> jobs.busyWorkers() == 1, "the worker runs the holding job");
            CompletableFuture<Void> queued = jobs.submit(Operation.PARITY, shape, 1, null, hold)
                    .subscribeAsCompletionStage();
            awaitTrue(() -> jobs.queueDepth() == 1, "the second job waits in the queue");
            try (StreamClient client = new StreamClient(base.getPort())) {
                CompletableFuture<Void> writer = StripeStreamTest.sendObject(client,
                        "/v1/stripes/encode?k=" + k + "&m=" + m + "&cell=" + cell, object, size, false);
                awaitTrue(() -> queueFullRefusals() > refusedBefore, "a stripe of the stream is refused (queue full)");
                assertThat(client.in.available()).as("response bytes while no stripe could be coded").isZero();
                letGo.countDown();
                StripeStreamTest.EncodeCheck check = StripeStreamTest.readEncodeStream(codecs, client, object, size,
                        cell, k, m, CodecKind.RS_VANDERMONDE, 3);
                writer.get(60, TimeUnit.SECONDS);
                assertThat(check.stripes()).isEqualTo(13);
            }
            queued.get(60, TimeUnit.SECONDS);
            running.get(60, TimeUnit.SECONDS);
        } finally {
            letGo.countDown();
        }
        awaitTrue(() -> pool.bytesInUse() == 0 && pool.openArenas() == 0, "the pool is idle after the stream");
    }

    private double queueFullRefusals() {
        return registry.get("erasure.rejections").tags("op", "encode", "reason", "queue_full").counter().count();
    }

    /** Waits (at most 60 s, checking every millisecond) for a condition; fails naming it otherwise. */
    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        for (int i = 0; i < 60_000 && !condition.getAsBoolean(); i++) {
            Thread.sleep(1);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }
}
