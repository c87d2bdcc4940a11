package dev.erasure.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.NativeMemoryLeakCheck;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.StripeShape;
import dev.erasure.codec.CodeCache;
import dev.erasure.codec.InvalidShapeException;
import dev.erasure.codec.TooFewShardsException;
import dev.erasure.codec.select.KernelSelector;
import dev.erasure.job.RecordingListener.Finished;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * JobService with the real codec (the kernel chosen by {@code auto}, or forced with
 * {@code -Derasure.codec.kernel=...}): each operation runs on a worker over segments of the job's
 * arena, failures map to outcomes, and every arena goes back to the pool.
 */
class JobServiceTest {

    static final Duration GUARD = Duration.ofSeconds(30);

    @RegisterExtension
    final NativeMemoryLeakCheck memory = new NativeMemoryLeakCheck(64L << 20);

    final RecordingListener listener = new RecordingListener();
    final JobService service = new JobService(new JobSettings(2, 4, Duration.ofMinutes(5), 2),
            new CodeCache(KernelSelector.select("auto").kernel(), 4), listener);

    @AfterEach
    void close() {
        service.close();
    }

    /** A stripe in a fresh arena: random data shards, zeroed parity. */
    StripeJob stripe(Operation op, int dataShards, int parityShards, int shardSize, long seed) {
        JobArena arena = memory.pool().open();
        SplittableRandom random = new SplittableRandom(seed);
        MemorySegment[] shards = new MemorySegment[dataShards + parityShards];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = arena.allocate(shardSize);
            for (int b = 0; i < dataShards && b < shardSize; b++) {
                shards[i].set(ValueLayout.JAVA_BYTE, b, (byte) random.nextInt(256));
            }
        }
        boolean[] present = new boolean[shards.length];
        Arrays.fill(present, true);
        return new StripeJob(op, new StripeShape(CodecKind.RS_VANDERMONDE, dataShards, parityShards), shards, present, arena);
    }

    static StripeJob as(Operation op, StripeJob job) {
        return new StripeJob(op, job.shape(), job.shards(), job.present(), job.arena());
    }

    @Test
    void encode_10x4_64KiB_thenVerify_thenReconstructFourErasures() throws Exception {
        StripeJob job = stripe(Operation.ENCODE, 10, 4, 64 * 1024, 1);
        try {
            service.code(job).await().atMost(GUARD);
            assertThat(listener.nextFinished()).isEqualTo(new Finished(Operation.ENCODE, Outcome.SUCCESS, 14L * 64 * 1024));
            assertThat(service.verify(as(Operation.VERIFY, job)).await().atMost(GUARD).mismatchedParity()).isEmpty();
            byte[][] original = Arrays.stream(job.shards()).map(s -> s.toArray(ValueLayout.JAVA_BYTE)).toArray(byte[][]::new);

            for (int erased : new int[] {0, 3, 9, 12}) {
                job.present()[erased] = false;
                job.shards()[erased].fill((byte) 0);
            }
            service.code(as(Operation.RECONSTRUCT, job)).await().atMost(GUARD);

            for (int i = 0; i < original.length; i++) {
                assertThat(job.shards()[i].toArray(ValueLayout.JAVA_BYTE)).as("shard %d", i).isEqualTo(original[i]);
            }
            assertThat(job.arena().refCount()).isEqualTo(1);
        } finally {
            job.arena().release();
        }
    }

    @Test
    void verify_reportsTheParityShardThatDoesNotMatch() {
        StripeJob job = stripe(Operation.PARITY, 4, 2, 1000, 2);
        try {
            service.code(job).await().atMost(GUARD);
            MemorySegment parity = job.shards()[5];
            parity.set(ValueLayout.JAVA_BYTE, 17, (byte) (parity.get(ValueLayout.JAVA_BYTE, 17) ^ 1));

            var result = service.verify(as(Operation.VERIFY, job)).await().atMost(GUARD);

            assertThat(result.mismatchedParity()).containsExactly(5);
            assertThat(result.corruptShards()).containsExactly(5);
            assertThat(result.undetermined()).isNull();
        } finally {
            job.arena().release();
        }
    }

    @Test
    void verify_saysWhenTheCorruptShardsCannotBeDetermined() {
        StripeJob job = stripe(Operation.PARITY, 4, 2, 1000, 2);
        try {
            service.code(job).await().atMost(GUARD);
            flip(job.shards()[1], 17);
            flip(job.shards()[2], 17);

            var result = service.verify(as(Operation.VERIFY, job)).await().atMost(GUARD);

            assertThat(result.mismatchedParity()).isNotEmpty();
            assertThat(result.corruptShards()).isNull();
            assertThat(result.undetermined()).contains("more than 1 of the 6 supplied shards are corrupted");
        } finally {
            job.arena().release();
        }
    }

    @Test
    void correct_locatesAndFixesACorruptedShard_andRebuildsTheMissingOnes() throws Exception {
        StripeJob job = stripe(Operation.ENCODE, 10, 4, 70_000, 7);
        try {
            service.code(job).await().atMost(GUARD);
            listener.nextFinished();
            byte[][] original = Arrays.stream(job.shards()).map(s -> s.toArray(ValueLayout.JAVA_BYTE)).toArray(byte[][]::new);
            job.present()[2] = false;
            job.shards()[2].fill((byte) 0);
            for (int b = 0; b < 70_000; b += 3) {
                flip(job.shards()[7], b);
            }

            var correction = service.correct(as(Operation.DECODE, job)).await().atMost(GUARD);

            assertThat(correction.shards()).containsExactly(7);
            assertThat(correction.columns()).isEqualTo((70_000 + 2) / 3);
            for (int i = 0; i < original.length; i++) {
                assertThat(job.shards()[i].toArray(ValueLayout.JAVA_BYTE)).as("shard %d", i).isEqualTo(original[i]);
            }
            assertThat(listener.nextFinished()).isEqualTo(new Finished(Operation.DECODE, Outcome.SUCCESS, 14L * 70_000));
        } finally {
            job.arena().release();
        }
    }

    @Test
    void correct_withMoreCorruptedShardsThanLocatable_failsAsAClientError() throws Exception {
        StripeJob job = stripe(Operation.ENCODE, 4, 2, 64, 8);
        try {
            service.code(job).await().atMost(GUARD);
            listener.nextFinished();
            flip(job.shards()[0], 5);
            flip(job.shards()[4], 5);
            assertThatThrownBy(() -> service.correct(as(Operation.RECONSTRUCT, job)).await().atMost(GUARD))
                    .isInstanceOf(dev.erasure.codec.UncorrectableShardsException.class);
            assertThat(listener.nextFinished().outcome()).isEqualTo(Outcome.CLIENT_ERROR);
            assertThatThrownBy(() -> service.correct(as(Operation.VERIFY, job))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("op must be DECODE or RECONSTRUCT for correct() (got VERIFY)");
        } finally {
            job.arena().release();
        }
    }

    @Test
    void correct_stopsBetweenChunksWhenCancelled() throws Exception {
        // two shards wrong in every column, a different pair from column to column: the locator
        // runs on most of the 4 Mi columns, long enough to cancel
        StripeJob job = stripe(Operation.ENCODE, 10, 4, 4 << 20, 9);
        try {
            service.code(job).await().atMost(GUARD);
            listener.nextFinished();
            for (long b = 0; b < (4 << 20); b++) {
                int first = (int) (b % 14);
                flip(job.shards()[first], b);
                flip(job.shards()[(first + 1 + (int) (b / 14 % 13)) % 14], b);
            }
            var subscription = service.correct(as(Operation.RECONSTRUCT, job)).subscribe().with(ok -> { }, failure -> { });
            while (service.busyWorkers() == 0 && listener.pendingFinished() == 0) {
                Thread.onSpinWait();
            }
            subscription.cancel();
            assertThat(listener.nextFinished().outcome()).isEqualTo(Outcome.CANCELLED);
            assertThat(job.arena().refCount()).isEqualTo(1);
        } finally {
            job.arena().release();
        }
    }

    private static void flip(MemorySegment shard, long at) {
        shard.set(ValueLayout.JAVA_BYTE, at, (byte) (shard.get(ValueLayout.JAVA_BYTE, at) ^ 0x21));
    }

    @Test
    void tooFewShards_failsWithTheCodecException_asAClientError() throws Exception {
        StripeJob job = stripe(Operation.DECODE, 4, 2, 64, 3);
        Arrays.fill(job.present(), 0, 3, false);
        try {
            assertThatThrownBy(() -> service.code(job).await().atMost(GUARD)).isInstanceOf(TooFewShardsException.class);
            assertThat(listener.nextFinished()).isEqualTo(new Finished(Operation.DECODE, Outcome.CLIENT_ERROR, 0));
            assertThat(job.arena().refCount()).isEqualTo(1);
        } finally {
            job.arena().release();
        }
    }

    @Test
    void invalidShape_cannotBecomeAJob_andInputsTheCodecRefusesFailOnTheWorkerAsAClientError() throws Exception {
        assertThatThrownBy(() -> new StripeShape(CodecKind.RS_VANDERMONDE, 250, 10)).isInstanceOf(InvalidShapeException.class);
        assertThat(JobService.classify(new InvalidShapeException("k + m must be <= 256 (got 260)", 250, 10)))
                .isEqualTo(Outcome.CLIENT_ERROR);
        StripeJob job = stripe(Operation.ENCODE, 1, 1, 64, 4);
        StripeJob wrongLength = new StripeJob(Operation.ENCODE, new StripeShape(CodecKind.RS_VANDERMONDE, 2, 1),
                job.shards(), job.present(), job.arena());
        try {
            assertThatThrownBy(() -> service.code(wrongLength).await().atMost(GUARD))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(listener.nextFinished().outcome()).isEqualTo(Outcome.CLIENT_ERROR);
        } finally {
            job.arena().release();
        }
    }

    @Test
    void wrongMethodForTheOperation_isRefusedAtOnce() {
        StripeJob job = stripe(Operation.VERIFY, 2, 1, 64, 5);
        try {
            assertThatThrownBy(() -> service.code(job)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("op must be ENCODE, PARITY, DECODE or RECONSTRUCT for code() (got VERIFY)");
            assertThatThrownBy(() -> service.verify(as(Operation.ENCODE, job))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("op must be VERIFY for verify() (got ENCODE)");
            assertThat(job.arena().refCount()).isEqualTo(1);
        } finally {
            job.arena().release();
        }
    }

    @Test
    void afterBeginShutdown_jobsAreRejected_andDrainingIsImmediateWhenIdle() throws Exception {
        StripeJob job = stripe(Operation.ENCODE, 2, 1, 64, 6);
        try {
            service.beginShutdown();

            assertThat(service.isAccepting()).isFalse();
            assertThatThrownBy(() -> service.code(job).await().atMost(GUARD))
                    .isInstanceOfSatisfying(JobRejectedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(JobRejectedException.Reason.SHUTTING_DOWN);
                        assertThat(e.retryAfterSeconds()).isEqualTo(2);
                    });
            assertThat(service.awaitDrained(GUARD)).isTrue();
            assertThat(service.queueDepth()).isZero();
            assertThat(service.busyWorkers()).isZero();
        } finally {
            job.arena().release();
        }
    }

    @Test
    void classify_mapsFailuresToOutcomes() {
        assertThat(JobService.classify(new dev.erasure.codec.CodingCancelledException())).isEqualTo(Outcome.CANCELLED);
        assertThat(JobService.classify(new TooFewShardsException(new int[] {0}, 2))).isEqualTo(Outcome.CLIENT_ERROR);
        assertThat(JobService.classify(new IllegalArgumentException("x"))).isEqualTo(Outcome.CLIENT_ERROR);
        assertThat(JobService.classify(new dev.erasure.codec.UncorrectableShardsException(3, 6, 4, 1))).isEqualTo(Outcome.CLIENT_ERROR);
        assertThat(JobService.classify(new dev.erasure.codec.CorrectionUnsupportedException("x"))).isEqualTo(Outcome.CLIENT_ERROR);
        assertThat(JobService.classify(new IllegalStateException("x"))).isEqualTo(Outcome.CODEC_ERROR);
    }
}
