package dev.erasure.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ownership rules of a job's arena: allocation, reference counting, use after free. */
class JobArenaTest {

    @RegisterExtension
    final NativeMemoryLeakCheck memory = new NativeMemoryLeakCheck(1 << 20);

    @Test
    void allocate_givesZeroedAlignedSegmentsOfTheRequestedSize() {
        JobArena arena = memory.pool().open();
        try {
            for (long size : new long[] {1, 2, 3, 7, 15, 63, 64, 65, 4096 + 17}) {
                MemorySegment segment = arena.allocate(size);
                assertThat(segment.byteSize()).isEqualTo(size);
                assertThat(segment.address() % JobArena.ALIGNMENT).as("alignment of %d bytes", size).isZero();
                assertThat(segment.mismatch(MemorySegment.ofArray(new byte[(int) size]))).isEqualTo(-1);
            }
        } finally {
            arena.release();
        }
    }

    @Test
    void allocate_chargesEachSegmentRoundedUpTo64Bytes() {
        JobArena arena = memory.pool().open();
        try {
            arena.allocate(1);
            arena.allocate(64);
            arena.allocate(65);
            assertThat(arena.allocatedBytes()).isEqualTo(64 + 64 + 128);
            assertThat(memory.pool().bytesInUse()).as("one smallest block").isEqualTo(BlockCache.MIN_BLOCK);
        } finally {
            arena.release();
        }
        assertThat(memory.pool().bytesInUse()).isZero();
    }

    @Test
    void allocate_zeroBytesIsAllowedAndChargesNothing() {
        JobArena arena = memory.pool().open();
        try {
            assertThat(arena.allocate(0).byteSize()).isZero();
            assertThat(arena.allocatedBytes()).isZero();
        } finally {
            arena.release();
        }
    }

    @Test
    void allocate_negativeSizeIsRefusedWithTheValue() {
        JobArena arena = memory.pool().open();
        try {
            assertThatThrownBy(() -> arena.allocate(-1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("bytes must be >= 0 (got -1)");
        } finally {
            arena.release();
        }
    }

    @Test
    void refCount_startsAtOne_andOnlyTheLastReleaseFrees() {
        JobArena arena = memory.pool().open();
        arena.allocate(1000);
        assertThat(arena.refCount()).isEqualTo(1);
        assertThat(arena.retain()).isSameAs(arena);
        assertThat(arena.refCount()).isEqualTo(2);

        assertThat(arena.release()).as("first release (HTTP side)").isFalse();
        assertThat(memory.pool().bytesInUse()).as("still held by the worker").isEqualTo(BlockCache.MIN_BLOCK);
        assertThat(arena.isLive()).isTrue();

        assertThat(arena.release()).as("last release (worker)").isTrue();
        assertThat(arena.refCount()).isZero();
        assertThat(arena.isLive()).isFalse();
        assertThat(memory.pool().bytesInUse()).isZero();
        assertThat(memory.pool().openArenas()).isZero();
    }

    @Test
    void doubleRelease_throws() {
        JobArena arena = memory.pool().open();
        arena.release();
        assertThatThrownBy(arena::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot release: arena already freed");
    }

    @Test
    void retainOrAllocateAfterFree_throws() {
        JobArena arena = memory.pool().open();
        arena.release();
        assertThatThrownBy(arena::retain).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot retain");
        assertThatThrownBy(() -> arena.allocate(8)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot allocate");
        assertThat(memory.pool().bytesInUse()).isZero();
    }

    @Test
    void segmentAccessAfterFree_throwsInsteadOfTouchingFreedMemory() {
        JobArena arena = memory.pool().open();
        MemorySegment segment = arena.allocate(128);
        segment.set(ValueLayout.JAVA_BYTE, 5, (byte) 42);
        arena.release();
        memory.pool().settleScopes(); // the scope of its generation is closed (SharedScopesTest: until then)

        assertThatThrownBy(() -> segment.get(ValueLayout.JAVA_BYTE, 5)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> segment.fill((byte) 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void concurrentAllocationsFromOneArena_areAllCharged() throws Exception {
        JobArena arena = memory.pool().open();
        try {
            Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++) {
                threads[t] = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 100; i++) {
                        arena.allocate(100);
                    }
                });
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(arena.allocatedBytes()).isEqualTo(4 * 100 * 128);
            assertThat(memory.pool().bytesInUse()).isGreaterThanOrEqualTo(4 * 100 * 128);
        } finally {
            arena.release();
        }
    }
}
