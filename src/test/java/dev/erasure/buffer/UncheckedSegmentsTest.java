package dev.erasure.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A pool built with {@code checkedSegments = false}: the same budget, reuse and reference rules, but
 * segments are plain block slices, so an access after free is not detected (the trade-off, shown).
 */
class UncheckedSegmentsTest {

    final NativeMemoryPool pool = new NativeMemoryPool(1 << 20, false, false);

    @AfterEach
    void noLeaks() {
        NativeMemoryLeakCheck.assertNoLeaks(pool);
    }

    @Test
    void referenceRulesAndZeroingAreTheSame() {
        assertThat(pool.checksSegments()).isFalse();
        JobArena arena = pool.open();
        MemorySegment segment = arena.allocate(100);
        segment.fill((byte) 7);
        arena.retain();
        assertThat(arena.release()).isFalse();
        assertThat(arena.release()).isTrue();
        assertThatThrownBy(arena::release).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> arena.allocate(1)).isInstanceOf(IllegalStateException.class);

        JobArena next = pool.open();
        try {
            MemorySegment reused = next.allocate(100);
            assertThat(reused.address()).as("the same block, reused").isEqualTo(segment.address());
            assertThat(reused.mismatch(MemorySegment.ofArray(new byte[100]))).isEqualTo(-1);
        } finally {
            next.release();
        }
    }

    @Test
    void accessAfterFree_isNotDetected() {
        JobArena arena = pool.open();
        MemorySegment segment = arena.allocate(64);
        arena.release();

        segment.get(ValueLayout.JAVA_BYTE, 0); // no exception: the block sits in the cache

        assertThat(pool.bytesInUse()).isZero();
        assertThat(pool.checksSegments()).isFalse();
    }
}
