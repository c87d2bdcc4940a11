package dev.erasure.codec.leopard;

/**
 * The order of the XORs of the formal derivative in the novel polynomial basis, over a power of two
 * of slots: slot t gains slot t + w for every power of two w < slots whose bit is clear in t, all
 * sources taken before any change (catid/leopard runs it as: for i = 1..slots-1, w = lowest set
 * bit of i, slots i-w..i-1 ^= slots i..i+w-1).
 *
 * <p>Here the slots go in blocks of {@code block} slots, in ascending order: first the terms
 * inside the block (that loop, restricted to it), then the terms from later blocks (w >= block),
 * which are still unchanged. A block stays in cache while its sources stream in, so the large
 * terms cost one read of each source instead of a read and write of every slot per level.
 */
final class FormalDerivative {

    /** Slots target..target+count-1 ^= slots source..source+count-1 (ranges do not overlap). */
    @FunctionalInterface
    interface XorRange {
        void xor(int target, int source, int count);
    }

    /** Bytes per block: half of a 1 MiB L2, with room for the sources streaming through. */
    static final long BLOCK_BYTES = 256L << 10;

    private FormalDerivative() {
    }

    /** Runs every XOR of the derivative over {@code slots} slots through {@code op}; block a power of two. */
    static void run(int slots, int block, XorRange op) {
        int b = Math.min(block, slots);
        for (int start = 0; start < slots; start += b) {
            for (int i = start + 1; i < start + b; i++) {
                int width = i & -i;
                op.xor(i - width, i, width);
            }
            for (int w = b; w < slots; w <<= 1) {
                if ((start & w) == 0) {
                    op.xor(start, start + w, b);
                }
            }
        }
    }

    /** Slots per block so that a block holds about {@code bytes} (at least one slot). */
    static int blockFor(long stride, long bytes) {
        long slots = Math.max(1, bytes / stride);
        return Integer.highestOneBit((int) Math.min(slots, 1 << 30));
    }
}
