package dev.erasure.job;

import static dev.erasure.job.Latches.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.NativeMemoryLeakCheck;
import dev.erasure.job.JobRejectedException.Reason;
import dev.erasure.job.RecordingListener.Finished;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The executor's lifetimes with fake work (latches, loops polling the cancel flag): every path
 * gives the arena reference, the queue slot and the listener event back exactly once. The leak check
 * after each test proves the bytes went back to the pool.
 */
class JobExecutorTest {

    static final Duration GUARD = Duration.ofSeconds(30);
    static final Duration LONG_DEADLINE = Duration.ofMinutes(5);

    @RegisterExtension
    final NativeMemoryLeakCheck memory = new NativeMemoryLeakCheck(1 << 20);

    final RecordingListener listener = new RecordingListener();
    JobExecutor executor;

    @AfterEach
    void closeExecutor() {
        if (executor != null) {
            executor.close();
        }
    }

    JobExecutor start(int workers, int queueCapacity, Duration deadline) {
        executor = new JobExecutor(new JobSettings(workers, queueCapacity, deadline, 3), listener,
                failure -> failure instanceof IllegalArgumentException ? Outcome.CLIENT_ERROR : Outcome.CODEC_ERROR);
        return executor;
    }

    JobArena arenaWith(long bytes) {
        JobArena arena = memory.pool().open();
        arena.allocate(bytes);
        return arena;
    }

    /** A job occupying a worker until {@link #finish()}; its Uni is observed by {@code subscriber}. */
    record Blocker(UniAssertSubscriber<String> subscriber, CountDownLatch mayFinish) {
        void finish() {
            mayFinish.countDown();
        }
    }

    /** Submits blocking work and returns once a worker runs it. */
    Blocker occupyAWorker(JobArena arena) throws InterruptedException {
        return occupyAWorker(arena, 10);
    }

    /** As {@link #occupyAWorker(JobArena)}, for a job of {@code bytes} (above any inline limit of the test). */
    Blocker occupyAWorker(JobArena arena, long bytes) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch mayFinish = new CountDownLatch(1);
        var subscriber = executor.submit(Operation.ENCODE, bytes, arena, blocking(started, mayFinish))
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        await(started);
        return new Blocker(subscriber, mayFinish);
    }

    /** Work that says it started and then waits until the test lets it go. */
    static JobExecutor.Work<String> blocking(CountDownLatch started, CountDownLatch mayFinish) {
        return cancel -> {
            started.countDown();
            await(mayFinish);
            return "done";
        };
    }

    @Test
    void success_completesOnAWorkerThread_afterTheWorkerDroppedItsReference() throws Exception {
        start(2, 4, LONG_DEADLINE);
        JobArena arena = arenaWith(1000);

        String thread = executor.submit(Operation.ENCODE, 4096, arena, cancel -> {
            assertThat(arena.refCount()).as("caller + worker").isEqualTo(2);
            return Thread.currentThread().getName();
        }).await().atMost(GUARD);

        assertThat(thread).startsWith("erasure-worker-");
        assertThat(arena.refCount()).as("only the caller's reference is left").isEqualTo(1);
        assertThat(listener.nextFinished()).isEqualTo(new Finished(Operation.ENCODE, Outcome.SUCCESS, 4096));
        assertThat(arena.release()).as("the caller's release frees").isTrue();
    }

    @Test
    void submit_isLazy_nothingIsQueuedOrRetainedBeforeSubscription() {
        start(1, 1, LONG_DEADLINE);
        JobArena arena = arenaWith(64);
        AtomicBoolean ran = new AtomicBoolean();

        Uni<Boolean> uni = executor.submit(Operation.ENCODE, 0, arena, cancel -> ran.getAndSet(true));

        assertThat(arena.refCount()).isEqualTo(1);
        assertThat(executor.queueDepth()).isZero();
        assertThat(ran).isFalse();
        assertThat(uni.await().atMost(GUARD)).isFalse();
        arena.release();
    }

    @Test
    void failureOfTheWork_reachesTheCaller_withItsOutcome() throws Exception {
        start(1, 1, LONG_DEADLINE);
        JobArena arena = arenaWith(64);

        assertThatThrownBy(() -> executor.submit(Operation.DECODE, 100, arena, cancel -> {
            throw new IllegalArgumentException("shards must have equal sizes");
        }).await().atMost(GUARD)).isInstanceOf(IllegalArgumentException.class).hasMessage("shards must have equal sizes");
        assertThat(listener.nextFinished()).isEqualTo(new Finished(Operation.DECODE, Outcome.CLIENT_ERROR, 0));

        assertThatThrownBy(() -> executor.submit(Operation.DECODE, 100, arena, cancel -> {
            throw new IllegalStateException("kernel broke");
        }).await().atMost(GUARD)).isInstanceOf(IllegalStateException.class);
        assertThat(listener.nextFinished().outcome()).isEqualTo(Outcome.CODEC_ERROR);
        assertThat(arena.refCount()).isEqualTo(1);
        arena.release();
    }

    @Test
    void queueFull_rejectsAtOnce_withRetryAfter_andGivesTheReferenceBack() throws Exception {
        start(1, 1, LONG_DEADLINE);
        Blocker running = occupyAWorker(null);
        var queued = executor.submit(Operation.ENCODE, 0, null, cancel -> "queued")
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        JobArena arena = arenaWith(64);

        assertThatThrownBy(() -> executor.submit(Operation.PARITY, 0, arena, cancel -> "never").await().atMost(GUARD))
                .isInstanceOfSatisfying(JobRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.QUEUE_FULL);
                    assertThat(e.retryAfterSeconds()).isEqualTo(3);
                    assertThat(e).hasMessage("job queue is full (1 jobs waiting)");
                });
        assertThat(listener.nextRejected()).isEqualTo(new RecordingListener.Rejected(Operation.PARITY, Reason.QUEUE_FULL));
        assertThat(arena.refCount()).isEqualTo(1);
        assertThat(executor.queueDepth()).isEqualTo(1);
        assertThat(executor.busyWorkers()).isEqualTo(1);

        running.finish();
        assertThat(running.subscriber().awaitItem(GUARD).getItem()).isEqualTo("done");
        assertThat(queued.awaitItem(GUARD).getItem()).isEqualTo("queued");
        arena.release();
    }

    @Test
    void cancelWhileQueued_removesTheJob_releasesItsArena_andFreesTheSlot() throws Exception {
        start(1, 1, LONG_DEADLINE);
        Blocker running = occupyAWorker(null);
        JobArena arena = arenaWith(4096);
        AtomicBoolean ran = new AtomicBoolean();
        var queued = executor.submit(Operation.RECONSTRUCT, 0, arena, cancel -> ran.getAndSet(true))
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(arena.refCount()).isEqualTo(2);

        queued.cancel();

        assertThat(listener.nextFinished()).isEqualTo(new Finished(Operation.RECONSTRUCT, Outcome.CANCELLED, 0));
        assertThat(arena.refCount()).as("the queue's reference is gone").isEqualTo(1);
        assertThat(executor.queueDepth()).isZero();
        var next = executor.submit(Operation.ENCODE, 0, null, cancel -> "fits")
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        running.finish();
        running.subscriber().awaitItem(GUARD);
        assertThat(next.awaitItem(GUARD).getItem()).as("the freed slot took the next job").isEqualTo("fits");
        assertThat(executor.awaitDrained(GUARD)).isTrue();
        assertThat(ran).as("the cancelled job never ran").isFalse();
        queued.assertNotTerminated();
        assertThat(arena.release()).isTrue();
    }

    @Test
    void cancelWhileRunning_raisesTheFlag_andMemoryStaysHeldUntilTheWorkerReturns() throws Exception {
        start(1, 1, LONG_DEADLINE);
        JobArena arena = arenaWith(100_000);
        long held = memory.pool().bytesInUse();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch sawFlag = new CountDownLatch(1);
        CountDownLatch mayReturn = new CountDownLatch(1);
        var subscriber = executor.submit(Operation.ENCODE, 0, arena, cancel -> {
            started.countDown();
            while (!cancel.isCancelled()) {
                Thread.onSpinWait(); // a codec checks between chunks
            }
            sawFlag.countDown();
            await(mayReturn);
            return "stopped";
        }).subscribe().withSubscriber(UniAssertSubscriber.create());
        await(started);

        subscriber.cancel();
        assertThat(arena.release()).as("the HTTP side drops its reference at once, without freeing").isFalse();
        await(sawFlag);

        assertThat(memory.pool().bytesInUse()).as("worker still runs: memory held").isEqualTo(held);
        assertThat(arena.isLive()).isTrue();
        assertThat(executor.busyWorkers()).isEqualTo(1);

        mayReturn.countDown();
        assertThat(listener.nextFinished()).isEqualTo(new Finished(Operation.ENCODE, Outcome.CANCELLED, 0));
        assertThat(arena.isLive()).as("freed by the worker's release").isFalse();
        assertThat(memory.pool().bytesInUse()).isZero();
        subscriber.assertNotTerminated();
    }

    @Test
    void deadlineWhileRunning_failsTheCaller_andStopsTheWorkerAtItsNextCheck() throws Exception {
        start(1, 1, Duration.ofMillis(50));
        JobArena arena = arenaWith(1000);
        CountDownLatch mayReturn = new CountDownLatch(1);
        var subscriber = executor.submit(Operation.VERIFY, 0, arena, cancel -> {
            while (!cancel.isCancelled()) {
                Thread.onSpinWait();
            }
            await(mayReturn);
            return "late";
        }).subscribe().withSubscriber(UniAssertSubscriber.create());

        subscriber.awaitFailure(GUARD).assertFailedWith(JobDeadlineExceededException.class,
                "job did not finish within its deadline of 50 ms");
        assertThat(arena.release()).as("worker still holds the memory").isFalse();
        assertThat(arena.isLive()).isTrue();

        mayReturn.countDown();
        assertThat(listener.nextFinished()).isEqualTo(new Finished(Operation.VERIFY, Outcome.DEADLINE, 0));
        assertThat(arena.isLive()).isFalse();
    }

    @Test
    void deadlineSweep_startsAgainForAJobSubmittedAfterItWentIdle() throws Exception {
        start(1, 1, Duration.ofMillis(200));
        // A job that returns at once: the sweep armed for it finds nothing left and is not rescheduled.
        executor.submit(Operation.ENCODE, 10, null, cancel -> "quick").subscribe()
                .withSubscriber(UniAssertSubscriber.create()).awaitItem(GUARD).assertItem("quick");
        assertThat(listener.nextFinished().outcome()).isEqualTo(Outcome.SUCCESS);
        Thread.sleep(100); // five sweep periods (a tenth of the deadline each)
        var stuck = executor.submit(Operation.VERIFY, 10, null, cancel -> {
            while (!cancel.isCancelled()) {
                Thread.onSpinWait();
            }
            return "late";
        }).subscribe().withSubscriber(UniAssertSubscriber.create());

        stuck.awaitFailure(GUARD).assertFailedWith(JobDeadlineExceededException.class,
                "job did not finish within its deadline of 200 ms");
        assertThat(listener.nextFinished()).isEqualTo(new Finished(Operation.VERIFY, Outcome.DEADLINE, 0));
        assertThat(executor.awaitDrained(GUARD)).as("the worker returned once it saw the cancel flag").isTrue();
    }

    @Test
    void deadlineWhileQueued_removesTheJobWithoutRunningIt() throws Exception {
        start(1, 1, Duration.ofMillis(50));
        Blocker blocker = occupyAWorker(null);
        JobArena arena = arenaWith(64);
        AtomicBoolean ran = new AtomicBoolean();

        var queued = executor.submit(Operation.DECODE, 0, arena, cancel -> ran.getAndSet(true))
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        queued.awaitFailure(GUARD).assertFailedWith(JobDeadlineExceededException.class);
        blocker.subscriber().awaitFailure(GUARD).assertFailedWith(JobDeadlineExceededException.class);
        assertThat(arena.refCount()).as("removed from the queue: reference released").isEqualTo(1);
        assertThat(executor.queueDepth()).isZero();
        blocker.finish();
        assertThat(executor.awaitDrained(GUARD)).isTrue();
        assertThat(ran).isFalse();
        assertThat(listener.nextFinished().outcome()).isEqualTo(Outcome.DEADLINE);
        assertThat(listener.nextFinished().outcome()).isEqualTo(Outcome.DEADLINE);
        arena.release();
    }

    @Test
    void shutdownWithJobsInFlight_drainsThem_andRefusesNewOnes() throws Exception {
        start(1, 2, LONG_DEADLINE);
        JobArena running = arenaWith(1000);
        JobArena queued = arenaWith(1000);
        Blocker first = occupyAWorker(running);
        var second = executor.submit(Operation.ENCODE, 10, queued, cancel -> "second")
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        executor.beginShutdown();

        assertThat(executor.isAccepting()).isFalse();
        assertThatThrownBy(() -> executor.submit(Operation.ENCODE, 0, null, cancel -> "late").await().atMost(GUARD))
                .isInstanceOfSatisfying(JobRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.SHUTTING_DOWN));
        assertThat(executor.awaitDrained(Duration.ofMillis(1))).as("a job is still blocked").isFalse();
        first.finish();
        assertThat(executor.awaitDrained(GUARD)).isTrue();
        assertThat(first.subscriber().getItem()).isEqualTo("done");
        assertThat(second.getItem()).isEqualTo("second");
        executor.close();
        assertThat(running.release()).isTrue();
        assertThat(queued.release()).isTrue();
    }

    @Test
    void closeWithJobsInFlight_failsThem_andWaitsForTheRunningWorker() throws Exception {
        start(1, 1, LONG_DEADLINE);
        JobArena runningArena = arenaWith(1000);
        JobArena queuedArena = arenaWith(1000);
        CountDownLatch started = new CountDownLatch(1);
        var running = executor.submit(Operation.ENCODE, 0, runningArena, cancel -> {
            started.countDown();
            while (!cancel.isCancelled()) {
                Thread.onSpinWait();
            }
            return "stopped";
        }).subscribe().withSubscriber(UniAssertSubscriber.create());
        await(started);
        var queued = executor.submit(Operation.ENCODE, 0, queuedArena, cancel -> "never")
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        executor.close();

        running.assertFailedWith(JobRejectedException.class, "shutting down");
        queued.assertFailedWith(JobRejectedException.class, "shutting down");
        assertThat(runningArena.refCount()).as("the worker returned and released before close() returned").isEqualTo(1);
        assertThat(queuedArena.refCount()).isEqualTo(1);
        assertThat(listener.nextFinished().outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(listener.nextFinished().outcome()).isEqualTo(Outcome.CANCELLED);
        runningArena.release();
        queuedArena.release();
    }

    @Test
    void submitWithAFreedArena_failsWithUseAfterFree() {
        start(1, 1, LONG_DEADLINE);
        JobArena arena = memory.pool().open();
        arena.release();

        assertThatThrownBy(() -> executor.submit(Operation.ENCODE, 0, arena, cancel -> "x").await().atMost(GUARD))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot retain");
        assertThat(executor.queueDepth()).isZero();
    }

    @Test
    void aThrowingListener_doesNotBreakTheJob() {
        executor = new JobExecutor(new JobSettings(1, 1, LONG_DEADLINE, 1), new JobListener() {
            @Override
            public void jobFinished(Operation op, Outcome outcome, long nanos, long bytesCoded) {
                throw new IllegalStateException("metrics down");
            }
        }, failure -> Outcome.CODEC_ERROR);
        JobArena arena = arenaWith(64);

        assertThat(executor.submit(Operation.ENCODE, 0, arena, cancel -> "ok").await().atMost(GUARD)).isEqualTo("ok");
        assertThat(arena.release()).isTrue();
    }

    @Test
    void smallJobs_runInlineOnTheSubscribingThread_largerOnesOnAWorker() throws Exception {
        executor = new JobExecutor(new JobSettings(1, 1, LONG_DEADLINE, 3, 4096), listener, failure -> Outcome.CODEC_ERROR);
        JobArena arena = arenaWith(64);
        String caller = Thread.currentThread().getName();

        String small = executor.submit(Operation.ENCODE, 4096, arena, cancel -> {
            assertThat(arena.refCount()).as("caller + job").isEqualTo(2);
            assertThat(executor.busyWorkers()).as("an inline job is not a busy worker").isZero();
            return Thread.currentThread().getName();
        }).await().atMost(GUARD);
        String large = executor.submit(Operation.ENCODE, 4097, arena, cancel -> Thread.currentThread().getName())
                .await().atMost(GUARD);

        assertThat(small).isEqualTo(caller);
        assertThat(large).startsWith("erasure-worker-");
        assertThat(listener.nextFinished()).isEqualTo(new Finished(Operation.ENCODE, Outcome.SUCCESS, 4096));
        assertThat(listener.nextFinished()).isEqualTo(new Finished(Operation.ENCODE, Outcome.SUCCESS, 4097));
        assertThat(arena.refCount()).as("the inline job dropped its reference").isEqualTo(1);
        assertThat(arena.release()).isTrue();
    }

    @Test
    void inlineJobs_needNoQueueSlot_butAreRefusedOnceShutdownBegan() throws Exception {
        executor = new JobExecutor(new JobSettings(1, 1, LONG_DEADLINE, 3, 1024), listener, failure -> Outcome.CODEC_ERROR);
        Blocker running = occupyAWorker(null, 2048);
        var queued = executor.submit(Operation.ENCODE, 2048, null, cancel -> "queued")
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThatThrownBy(() -> executor.submit(Operation.ENCODE, 2048, null, cancel -> "no slot").await().atMost(GUARD))
                .isInstanceOfSatisfying(JobRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.QUEUE_FULL));

        assertThat(executor.submit(Operation.ENCODE, 100, null, cancel -> "inline").await().atMost(GUARD))
                .as("worker busy and queue full, yet the tiny job runs").isEqualTo("inline");

        executor.beginShutdown();
        assertThatThrownBy(() -> executor.submit(Operation.ENCODE, 100, null, cancel -> "late").await().atMost(GUARD))
                .isInstanceOfSatisfying(JobRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SHUTTING_DOWN));
        running.finish();
        assertThat(executor.awaitDrained(GUARD)).isTrue();
        assertThat(queued.awaitItem(GUARD).getItem()).isEqualTo("queued");
    }

    @Test
    void aFailingInlineJob_reachesTheCaller_withItsOutcome_andGivesTheReferenceBack() throws Exception {
        executor = new JobExecutor(new JobSettings(1, 1, LONG_DEADLINE, 3, 1024), listener,
                failure -> failure instanceof IllegalArgumentException ? Outcome.CLIENT_ERROR : Outcome.CODEC_ERROR);
        JobArena arena = arenaWith(64);

        assertThatThrownBy(() -> executor.submit(Operation.DECODE, 512, arena, cancel -> {
            throw new IllegalArgumentException("shards must have equal sizes");
        }).await().atMost(GUARD)).isInstanceOf(IllegalArgumentException.class);

        assertThat(listener.nextFinished()).isEqualTo(new Finished(Operation.DECODE, Outcome.CLIENT_ERROR, 0));
        assertThat(arena.refCount()).isEqualTo(1);
        assertThat(arena.release()).isTrue();
    }
}
