package dev.erasure.api.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The cells of a stream are allocated in groups that are exactly blocks of the pool. */
class GroupPlanTest {

    @Test
    void powerOfTwoCells_comeInAscendingPowerOfTwoGroupsOfAtMost4MiB_thatAddUpToTheBound() {
        for (int cell : new int[] {64, 4096, 64 * 1024, 256 * 1024, 1 << 20, 4 << 20, 8 << 20}) {
            for (int total : new int[] {1, 6, 14, 56, 64, 1000}) {
                int[] plan = StripeStream.groupPlan(cell, total);
                assertThat(Arrays.stream(plan).sum()).as("cells of cell %d, total %d", cell, total).isEqualTo(total);
                long previous = 0;
                for (int cells : plan) {
                    long bytes = (long) cells * cell;
                    assertThat(Long.bitCount(bytes)).as("group of %d bytes is a power of two", bytes).isEqualTo(1);
                    assertThat(bytes).as("groups ascend, each at least twice the one before or 4 MiB")
                            .isGreaterThanOrEqualTo(Math.min(2 * previous, 4L << 20));
                    assertThat(bytes).isLessThanOrEqualTo(Math.max(4L << 20, cell));
                    previous = bytes;
                }
            }
        }
    }

    @Test
    void otherCells_comeInGroupsOfUpTo4MiB() {
        int[] plan = StripeStream.groupPlan(1_000_000, 14);
        assertThat(plan).containsExactly(4, 4, 4, 2);
    }
}
