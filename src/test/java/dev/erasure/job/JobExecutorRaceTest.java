package dev.erasure.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.NativeMemoryLeakCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import java.time.Duration;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many jobs from several threads, cancelled at random moments (before, while and after they run),
 * the caller releasing its reference as soon as its Uni ends or it cancels: every accepted job is
 * reported once, and every byte goes back to the pool (checked after the test).
 */
class JobExecutorRaceTest {

    static final int SUBMITTERS = 4;
    static final int JOBS_PER_SUBMITTER = 250;

    @RegisterExtension
    final NativeMemoryLeakCheck memory = new NativeMemoryLeakCheck(64L << 20);

    @Test
    void randomCancellations_leaveNoReferenceAndNoSlotBehind() throws Exception {
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        JobListener counting = new JobListener() {
            @Override
            public void jobFinished(Operation op, Outcome outcome, long nanos, long bytesCoded) {
                finished.incrementAndGet();
            }

            @Override
            public void jobRejected(Operation op, JobRejectedException.Reason reason) {
                rejected.incrementAndGet();
            }
        };
        try (JobExecutor executor = new JobExecutor(new JobSettings(3, 8, Duration.ofMinutes(5), 1), counting,
                failure -> Outcome.CODEC_ERROR)) {
            // SmallRye context propagation (on the test classpath through Quarkus) initialises itself on
            // first use and is not safe to initialise from several threads at once.
            Uni.createFrom().emitter(emitter -> emitter.complete(0)).await().indefinitely();
            CountDownLatch go = new CountDownLatch(1);
            Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
            Thread[] submitters = new Thread[SUBMITTERS];
            for (int s = 0; s < SUBMITTERS; s++) {
                long seed = s;
                submitters[s] = Thread.ofPlatform().start(() -> {
                    try {
                        submitAll(executor, go, new SplittableRandom(seed));
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                });
            }
            go.countDown();
            for (Thread submitter : submitters) {
                submitter.join();
            }
            assertThat(errors).isEmpty();
            assertThat(executor.awaitDrained(Duration.ofSeconds(60))).isTrue();
            assertThat(finished.get() + rejected.get()).isEqualTo(SUBMITTERS * JOBS_PER_SUBMITTER);
            assertThat(executor.queueDepth()).isZero();
            assertThat(executor.busyWorkers()).isZero();
        }
    }

    private void submitAll(JobExecutor executor, CountDownLatch go, SplittableRandom random) {
        try {
            Latches.await(go);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        for (int i = 0; i < JOBS_PER_SUBMITTER; i++) {
            JobArena arena = memory.pool().open();
            arena.allocate(1 + random.nextInt(8192));
            int spins = random.nextInt(20_000);
            AtomicInteger ends = new AtomicInteger();
            Runnable releaseOnce = () -> {
                if (ends.getAndIncrement() == 0) {
                    arena.release();
                }
            };
            Cancellable subscription = executor.submit(Operation.ENCODE, 1, arena, cancel -> {
                for (int n = 0; n < spins && !cancel.isCancelled(); n++) {
                    Thread.onSpinWait();
                }
                return n(spins);
            }).subscribe().with(item -> releaseOnce.run(), failure -> releaseOnce.run());
            if (random.nextInt(3) == 0) {
                if (random.nextBoolean()) {
                    Thread.yield();
                }
                subscription.cancel();
                releaseOnce.run();
            }
        }
    }

    private static Integer n(int spins) {
        return spins;
    }
}
