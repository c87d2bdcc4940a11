package dev.erasure.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Block sizing: powers of two from 16 KiB, growing geometrically within an arena up to 4 MiB steps. */
class BlockCacheTest {

    static final long KiB = 1024;
    static final long MiB = 1024 * KiB;

    @Test
    void blockSize_isAPowerOfTwoAtLeastTheSegment_andAtLeast16KiB() {
        assertThat(BlockCache.blockSize(64, 0)).isEqualTo(16 * KiB);
        assertThat(BlockCache.blockSize(16 * KiB, 0)).isEqualTo(16 * KiB);
        assertThat(BlockCache.blockSize(16 * KiB + 64, 0)).isEqualTo(32 * KiB);
        assertThat(BlockCache.blockSize(MiB, 0)).isEqualTo(MiB);
        assertThat(BlockCache.blockSize(MiB + 64, 0)).isEqualTo(2 * MiB);
    }

    @Test
    void blockSize_growsGeometricallyUpTo4MiBSteps() {
        assertThat(BlockCache.blockSize(64, 16 * KiB)).isEqualTo(32 * KiB);
        assertThat(BlockCache.blockSize(MiB, MiB)).isEqualTo(2 * MiB);
        assertThat(BlockCache.blockSize(MiB, 4 * MiB)).isEqualTo(4 * MiB);
        assertThat(BlockCache.blockSize(MiB, 16 * MiB)).as("growth capped").isEqualTo(4 * MiB);
    }

    @Test
    void stripeOf14ShardsOf1MiB_takesFiveBlocks_holding15MiB() {
        long held = 0;
        long previous = 0;
        long freeInLast = 0;
        int blocks = 0;
        for (int shard = 0; shard < 14; shard++) {
            if (freeInLast < MiB) {
                previous = BlockCache.blockSize(MiB, previous);
                held += previous;
                freeInLast = previous;
                blocks++;
            }
            freeInLast -= MiB;
        }
        assertThat(blocks).isEqualTo(5);
        assertThat(held).isEqualTo(15 * MiB);
    }

    @Test
    void aFullCache_makesRoomForASmallBlockByFreeingOneLargerBlock() {
        BlockCache cache = new BlockCache(4 * MiB);
        BlockCache.Block[] big = {cache.take(2 * MiB), cache.take(2 * MiB)};
        BlockCache.Block small = cache.take(16 * KiB);
        BlockCache.Block alsoSmall = cache.take(16 * KiB);
        cache.give(big[0]);
        cache.give(big[1]);
        assertThat(cache.idleBytes()).as("full").isEqualTo(4 * MiB);

        cache.give(small);
        cache.give(alsoSmall);

        assertThat(cache.idleBlocks(16 * KiB)).as("both small blocks kept").isEqualTo(2);
        assertThat(cache.idleBlocks(2 * MiB)).as("one big block freed for them").isEqualTo(1);
        assertThat(cache.idleBytes()).isEqualTo(2 * MiB + 32 * KiB);
        cache.close();
        assertThat(cache.idleBytes()).isZero();
    }

    @Test
    void aFullCache_ofSmallerBlocksOnly_freesTheIncomingBlock() {
        BlockCache cache = new BlockCache(32 * KiB);
        BlockCache.Block[] small = {cache.take(16 * KiB), cache.take(16 * KiB)};
        BlockCache.Block big = cache.take(32 * KiB);
        cache.give(small[0]);
        cache.give(small[1]);

        cache.give(big);

        assertThat(cache.idleBlocks(16 * KiB)).as("small blocks are not freed for a bigger one").isEqualTo(2);
        assertThat(cache.idleBlocks(32 * KiB)).isZero();
        assertThat(big.memory.scope().isAlive()).as("the incoming block is freed").isFalse();
        cache.close();
    }

    @Test
    void blocksAboveTheLargestCachedSize_haveTheirExactAlignedSize() {
        assertThat(BlockCache.blockSize(BlockCache.MAX_CACHED_BLOCK + 1, 0)).isEqualTo(BlockCache.MAX_CACHED_BLOCK + 64);
    }
}
