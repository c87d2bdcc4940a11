package dev.erasure.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Arenas share the scope of their generation (SharedScopes): one thread handshake per generation,
 * freed memory parked, never reused while a segment of it can still be read, and every segment
 * invalid once its generation is closed.
 */
class SharedScopesTest {

    /** 64 MiB: a generation seals at 4 MiB parked, first allocations of 1 MiB get their own scope. */
    private static final long BUDGET = 64L << 20;

    /** Generations never seal by age here, so the handshakes can be counted exactly. */
    private static final Duration NEVER = Duration.ofHours(1);

    private final NativeMemoryPool pool = new NativeMemoryPool(BUDGET, false, true, NEVER);

    @AfterEach
    void noLeaks() {
        NativeMemoryLeakCheck.assertNoLeaks(pool);
    }

    @Test
    void aFreedArenasSegment_keepsItsOwnBytes_isNotReused_andThrowsOnceItsGenerationIsClosed() {
        long closesBefore = pool.scopeCloses();
        JobArena first = pool.open();
        JobArena second = pool.open();
        MemorySegment freed = first.allocate(1000);
        freed.fill((byte) 7);
        second.allocate(1000);
        first.release();

        assertThat(freed.get(ValueLayout.JAVA_BYTE, 999)).as("its own job's bytes, until the scope closes").isEqualTo((byte) 7);
        assertThat(pool.bytesParked()).isEqualTo(BlockCache.MIN_BLOCK);
        assertThat(pool.bytesInUse()).as("parked blocks are not in use by a job").isEqualTo(BlockCache.MIN_BLOCK);

        JobArena third = pool.open();
        MemorySegment next = third.allocate(1000);
        assertThat(next.address()).as("a parked block is not handed to another job").isNotEqualTo(freed.address());
        second.release();
        third.release();
        pool.settleScopes();

        assertThatThrownBy(() -> freed.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> next.fill((byte) 1)).isInstanceOf(IllegalStateException.class);
        assertThat(pool.bytesParked()).isZero();
        assertThat(pool.bytesInUse()).isZero();
        assertThat(pool.bytesCached()).as("the three blocks, back for reuse").isEqualTo(3 * BlockCache.MIN_BLOCK);
        assertThat(pool.scopeCloses() - closesBefore).as("one handshake for the three arenas").isEqualTo(1);
    }

    @Test
    void manyJobsInARow_shareFewScopes() {
        // 512 MiB: a generation of 1024 jobs of one 16 KiB block each parks 16 MiB, below its 32 MiB limit.
        NativeMemoryPool pool = new NativeMemoryPool(512L << 20, false, true, NEVER);
        long closesBefore = pool.scopeCloses();
        int jobs = 3000;
        for (int i = 0; i < jobs; i++) {
            JobArena arena = pool.open();
            arena.allocate(5000).fill((byte) i);
            arena.release();
        }
        assertThat(pool.scopeCloses() - closesBefore).as("generations sealed by count, each closed with its last arena")
                .isEqualTo(jobs / SharedScopes.MAX_ARENAS);
        pool.settleScopes();

        assertThat(pool.scopeCloses() - closesBefore).as("and the last, partly filled one")
                .isEqualTo((jobs + SharedScopes.MAX_ARENAS - 1) / SharedScopes.MAX_ARENAS);
        assertThat(pool.bytesParked()).isZero();
        NativeMemoryLeakCheck.assertNoLeaks(pool);
    }

    @Test
    void aGeneration_isClosedOnceASixteenthOfTheBudgetIsParkedInIt_andOnlyItsOwnSegmentsThrow() {
        // 512 KiB per job, below the private-scope size (1 MiB): the 8th job's blocks make 4 MiB parked.
        long closesBefore = pool.scopeCloses();
        List<MemorySegment> freed = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            JobArena arena = pool.open();
            MemorySegment segment = arena.allocate(512 * 1024);
            segment.fill((byte) i);
            arena.release();
            freed.add(segment);
            if (i < 7) {
                assertThat(segment.get(ValueLayout.JAVA_BYTE, 0)).as("parked, its own bytes").isEqualTo((byte) i);
            }
        }
        assertThat(pool.scopeCloses() - closesBefore).as("one handshake for the 8 jobs").isEqualTo(1);
        assertThat(pool.bytesParked()).isZero();
        assertThat(freed).allSatisfy(segment ->
                assertThatThrownBy(() -> segment.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class));

        JobArena next = pool.open();
        MemorySegment fresh = next.allocate(512 * 1024);
        next.release();
        assertThat(fresh.get(ValueLayout.JAVA_BYTE, 0)).as("a new generation, still open").isZero();
        assertThat(pool.bytesParked()).isEqualTo(512 * 1024);
        pool.settleScopes();
        assertThatThrownBy(() -> fresh.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBigFirstAllocation_getsAScopeOfItsOwn_soItsMemoryIsNeverHeldBack() {
        JobArena small = pool.open();
        small.allocate(64);
        JobArena big = pool.open();
        MemorySegment segment = big.allocate(2L << 20);
        big.release();

        assertThatThrownBy(() -> segment.get(ValueLayout.JAVA_BYTE, 0)).as("closed with the arena")
                .isInstanceOf(IllegalStateException.class);
        assertThat(pool.bytesParked()).isZero();
        assertThat(pool.bytesCached()).isEqualTo(2L << 20);
        small.release();
    }

    @Test
    void parkedBytesCountAgainstTheBudget_andGoBackWhenTheGenerationCloses() {
        NativeMemoryPool pool = new NativeMemoryPool(256 * 1024, false, true, NEVER); // parks 16K per generation at most
        JobArena holder = pool.open();
        holder.allocate(64);
        JobArena quick = pool.open();
        quick.allocate(64);
        quick.release(); // 16 KiB parked: the generation is sealed, but holder keeps it open
        JobArena big = pool.open();
        big.allocate(128 * 1024);

        JobArena refused = pool.open();
        assertThatThrownBy(() -> refused.allocate(128 * 1024))
                .isInstanceOfSatisfying(MemoryBudgetExceededException.class,
                        e -> assertThat(e.inUse()).as("in use plus parked").isEqualTo(160 * 1024));
        holder.release(); // the generation's last arena: its scope closes, the parked block goes back
        assertThat(pool.bytesParked()).isZero();
        refused.allocate(64 * 1024);

        refused.release();
        big.release();
        NativeMemoryLeakCheck.assertNoLeaks(pool);
    }

    @Test
    void longLivedArenas_cannotMakeParkedMemoryGrow_pastTheFallbackLimit() {
        // 1 MiB budget: a generation seals at 64 KiB parked; at 128 KiB parked in all, new arenas
        // get scopes of their own. Each round, a slow arena (an upload that never ends) joins the
        // current generation and four quick jobs fill it up: without the fallback every round would
        // park 64 KiB for good and the budget would run out after 16 rounds.
        long budget = 1 << 20;
        NativeMemoryPool pool = new NativeMemoryPool(budget, false, true, NEVER);
        List<JobArena> slow = new ArrayList<>();
        long peakParked = 0;
        for (int round = 0; round < 40; round++) {
            JobArena holder = pool.open();
            holder.allocate(64);
            slow.add(holder);
            for (int quick = 0; quick < 4; quick++) {
                JobArena job = pool.open();
                job.allocate(64); // one 16 KiB block each
                job.release();
                peakParked = Math.max(peakParked, pool.bytesParked());
            }
        }
        assertThat(peakParked).as("parked at most the fallback limit plus one generation's").isLessThanOrEqualTo(budget / 8 + budget / 16);
        assertThat(pool.bytesInUse() + pool.bytesParked()).as("40 slow arenas of 16 KiB and the parked rest fit")
                .isLessThanOrEqualTo(budget);
        slow.forEach(JobArena::release);
        assertThat(pool.bytesParked()).isZero();
        NativeMemoryLeakCheck.assertNoLeaks(pool);
    }

    @Test
    void aQuietPool_closesItsGenerationWithoutAnyCall() throws InterruptedException {
        NativeMemoryPool pool = new NativeMemoryPool(BUDGET, false); // the default age
        JobArena arena = pool.open();
        MemorySegment segment = arena.allocate(100);
        arena.release();
        assertThat(pool.bytesParked()).isEqualTo(BlockCache.MIN_BLOCK);

        // The reaper closes idle generations every SCOPE_MAX_AGE; bounded wait, not a timing assertion.
        for (int i = 0; i < 1000 && pool.bytesParked() != 0; i++) {
            Thread.sleep(10);
        }
        assertThat(pool.bytesParked()).isZero();
        assertThatThrownBy(() -> segment.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        NativeMemoryLeakCheck.assertNoLeaks(pool);
    }

    @Test
    void close_closesEveryGeneration_andReportsOnlyTheLiveArenas() {
        NativeMemoryPool pool = new NativeMemoryPool(BUDGET, false, true, NEVER);
        JobArena leaked = pool.open();
        MemorySegment live = leaked.allocate(100);
        JobArena freed = pool.open();
        MemorySegment parked = freed.allocate(100);
        freed.release();

        LeakReport report = pool.close();

        assertThat(report).isEqualTo(new LeakReport(1, BlockCache.MIN_BLOCK, List.of()));
        assertThatThrownBy(() -> live.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> parked.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class);
        assertThat(pool.bytesParked()).isZero();
        assertThat(pool.bytesInUse()).isZero();
        assertThat(pool.bytesCached()).isZero();
    }

    @Test
    void concurrentJobs_neverSeeAnotherJobsBytes_andEverySegmentIsInvalidAtTheEnd() throws Exception {
        int threads = 4;
        int jobsPerThread = 500;
        ConcurrentLinkedQueue<MemorySegment> freedSegments = new ConcurrentLinkedQueue<>();
        AtomicInteger corrupted = new AtomicInteger();
        AtomicInteger readAfterFree = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(Thread.ofPlatform().start(() -> {
                awaitQuietly(start);
                List<MemorySegment> mine = new ArrayList<>();
                for (int i = 0; i < jobsPerThread; i++) {
                    byte tag = (byte) (thread * 64 + i % 64);
                    JobArena arena = pool.open();
                    MemorySegment segment = arena.allocateUninitialized(3000 + i % 7 * 1000);
                    segment.fill(tag);
                    Thread.yield();
                    if (segment.get(ValueLayout.JAVA_BYTE, segment.byteSize() - 1) != tag) {
                        corrupted.incrementAndGet();
                    }
                    arena.release();
                    mine.add(segment);
                    // A stale read of an earlier job of this thread: its own bytes, or an exception.
                    MemorySegment earlier = mine.get(i / 2);
                    try {
                        byte seen = earlier.get(ValueLayout.JAVA_BYTE, 0);
                        if (seen != (byte) (thread * 64 + (i / 2) % 64)) {
                            corrupted.incrementAndGet();
                        }
                        readAfterFree.incrementAndGet();
                    } catch (IllegalStateException closed) {
                        // its generation is closed: the detection of use after free
                    }
                }
                freedSegments.addAll(mine);
            }));
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        pool.settleScopes();

        assertThat(corrupted).as("a job saw bytes of another job").hasValue(0);
        assertThat(freedSegments).hasSize(threads * jobsPerThread).allSatisfy(segment ->
                assertThatThrownBy(() -> segment.get(ValueLayout.JAVA_BYTE, 0)).isInstanceOf(IllegalStateException.class));
        assertThat(pool.bytesParked()).isZero();
        assertThat(pool.bytesInUse()).isZero();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
