package dev.erasure.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The global byte budget, the accounting, and what close() frees and reports. */
class NativeMemoryPoolTest {

    private static final long BUDGET = 64 * 1024;

    @RegisterExtension
    final NativeMemoryLeakCheck memory = new NativeMemoryLeakCheck(BUDGET);

    @Test
    void budgetExhausted_throwsWithTheFigures_andAllocatesNothing() {
        JobArena first = memory.pool().open();
        JobArena second = memory.pool().open();
        try {
            first.allocate(BlockCache.MIN_BLOCK - 64); // one 16 KiB block, 64 bytes left in it
            assertThat(memory.pool().bytesInUse()).isEqualTo(BlockCache.MIN_BLOCK);
            second.allocate(2 * BlockCache.MIN_BLOCK); // one 32 KiB block: 48 of 64 KiB held
            assertThatThrownBy(() -> second.allocate(BlockCache.MIN_BLOCK + 1))
                    .isInstanceOfSatisfying(MemoryBudgetExceededException.class, e -> {
                        assertThat(e.requested()).as("the next block, twice the last").isEqualTo(4 * BlockCache.MIN_BLOCK);
                        assertThat(e.inUse()).isEqualTo(3 * BlockCache.MIN_BLOCK);
                        assertThat(e.budget()).isEqualTo(BUDGET);
                    })
                    .hasMessage("native memory budget exhausted: requested 65536 bytes with 49152 of 65536 bytes in use");
            assertThat(memory.pool().bytesInUse()).as("nothing taken").isEqualTo(3 * BlockCache.MIN_BLOCK);
            assertThat(second.allocatedBytes()).isEqualTo(2 * BlockCache.MIN_BLOCK);

            first.allocate(64); // fits in the rest of first's block: no new block
            assertThat(memory.pool().bytesInUse()).isEqualTo(3 * BlockCache.MIN_BLOCK);
        } finally {
            first.release();
            second.release();
        }
    }

    @Test
    void freedBlocksAreReused_andReusedMemoryIsZeroedAgain() {
        JobArena first = memory.pool().open();
        first.allocate(4000).fill((byte) 0x5A);
        first.release();
        assertThat(memory.pool().bytesCached()).isEqualTo(BlockCache.MIN_BLOCK);

        JobArena second = memory.pool().open();
        try {
            MemorySegment segment = second.allocate(4000);
            assertThat(memory.pool().bytesCached()).as("the block was taken from the cache").isZero();
            assertThat(segment.mismatch(MemorySegment.ofArray(new byte[4000]))).isEqualTo(-1);
        } finally {
            second.release();
        }
    }

    @Test
    void allocateUninitialized_skipsTheZeroing() {
        JobArena first = memory.pool().open();
        first.allocate(64).fill((byte) 0x5A);
        first.release();

        JobArena second = memory.pool().open();
        try {
            MemorySegment segment = second.allocateUninitialized(64);
            assertThat(segment.byteSize()).isEqualTo(64);
            assertThat(segment.get(ValueLayout.JAVA_BYTE, 0)).as("what the earlier job left").isEqualTo((byte) 0x5A);
        } finally {
            second.release();
        }
    }

    @Test
    void cacheKeepsAtMostAQuarterOfTheBudget() {
        JobArena[] arenas = new JobArena[4];
        for (int i = 0; i < arenas.length; i++) {
            arenas[i] = memory.pool().open();
            arenas[i].allocate(BlockCache.MIN_BLOCK);
        }
        for (JobArena arena : arenas) {
            arena.release();
        }
        assertThat(memory.pool().bytesCached()).isEqualTo(BUDGET / 4);
        assertThat(memory.pool().bytesInUse()).isZero();
    }

    @Test
    void freedBytesGoBackToTheBudget() {
        for (int round = 0; round < 3; round++) {
            JobArena arena = memory.pool().open();
            arena.allocate(BUDGET);
            arena.release();
        }
        assertThat(memory.pool().bytesInUse()).isZero();
    }

    @Test
    void allocationLargerThanTheBudget_isRefused() {
        JobArena arena = memory.pool().open();
        try {
            assertThatThrownBy(() -> arena.allocate(BUDGET + 1)).isInstanceOf(MemoryBudgetExceededException.class);
            assertThatThrownBy(() -> arena.allocate(Long.MAX_VALUE - 100)).isInstanceOf(MemoryBudgetExceededException.class);
        } finally {
            arena.release();
        }
    }

    @Test
    void openArenasCountsArenasUntilFreed() {
        JobArena a = memory.pool().open();
        JobArena b = memory.pool().open();
        assertThat(memory.pool().openArenas()).isEqualTo(2);
        a.release();
        assertThat(memory.pool().openArenas()).isEqualTo(1);
        b.release();
        assertThat(memory.pool().openArenas()).isZero();
    }

    @Test
    void concurrentArenasNeverExceedTheBudget_andAllReturnIt() throws Exception {
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        long[] refused = new long[threads];
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers[t] = Thread.ofPlatform().start(() -> {
                await(start);
                for (int i = 0; i < 200; i++) {
                    JobArena arena = memory.pool().open();
                    try {
                        arena.allocate(BUDGET / 3);
                        assertThat(memory.pool().bytesInUse()).isLessThanOrEqualTo(BUDGET);
                    } catch (MemoryBudgetExceededException e) {
                        refused[index]++;
                    } finally {
                        arena.release();
                    }
                }
            });
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(memory.pool().bytesInUse()).isZero();
    }

    @Test
    void close_freesEveryArenaWhateverItsCount_andReportsTheLeak() {
        NativeMemoryPool pool = new NativeMemoryPool(BUDGET, false);
        JobArena leaked = pool.open();
        leaked.allocate(100);
        leaked.retain();
        JobArena clean = pool.open();
        clean.release();

        LeakReport report = pool.close();

        assertThat(report).isEqualTo(new LeakReport(1, BlockCache.MIN_BLOCK, java.util.List.of()));
        assertThat(report.isEmpty()).isFalse();
        assertThat(pool.bytesInUse()).isZero();
        assertThat(pool.openArenas()).isZero();
        assertThat(leaked.isLive()).isFalse();
        assertThat(pool.close().isEmpty()).as("second close").isTrue();
        assertThat(pool.bytesCached()).isZero();
    }

    @Test
    void close_withTracking_reportsWhereEachLeakedArenaWasOpened() {
        NativeMemoryPool pool = new NativeMemoryPool(BUDGET, true);
        pool.open().allocate(64);

        LeakReport report = pool.close();

        assertThat(report.arenas()).isEqualTo(1);
        assertThat(report.stacks()).singleElement().asString()
                .contains("arena opened here")
                .contains("close_withTracking_reportsWhereEachLeakedArenaWasOpened");
    }

    @Test
    void releaseAfterClose_ofAReclaimedArena_isAHarmlessNoOp() {
        NativeMemoryPool pool = new NativeMemoryPool(BUDGET, false);
        JobArena arena = pool.open();
        arena.retain();
        pool.close();

        assertThat(arena.release()).isFalse();
        assertThat(arena.release()).isFalse();
        assertThatThrownBy(arena::release).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(arena::retain).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> arena.allocate(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void openAfterClose_throws() {
        NativeMemoryPool pool = new NativeMemoryPool(BUDGET, false);
        pool.close();
        assertThatThrownBy(pool::open).isInstanceOf(IllegalStateException.class)
                .hasMessage("native memory pool is closed");
    }

    @Test
    void budgetBelowOne_isRefusedWithTheKeyAndValue() {
        assertThatThrownBy(() -> new NativeMemoryPool(0, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("erasure.buffer.budget must be >= 1 byte (got 0)");
    }

    @Test
    void leakCheck_failureMessageNamesTheTrackingSwitch() {
        NativeMemoryPool pool = new NativeMemoryPool(BUDGET, false);
        pool.open().allocate(10);

        assertThatThrownBy(() -> NativeMemoryLeakCheck.assertNoLeaks(pool))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("16384 bytes in 1 open arena(s)")
                .hasMessageContaining("-Derasure.buffer.track-allocations=true");
    }

    @Test
    void leakCheck_withTracking_showsTheOpeningStack() {
        NativeMemoryPool pool = new NativeMemoryPool(BUDGET, true);
        pool.open();

        assertThatThrownBy(() -> NativeMemoryLeakCheck.assertNoLeaks(pool))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("arena opened here")
                .hasMessageContaining("leakCheck_withTracking_showsTheOpeningStack");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
