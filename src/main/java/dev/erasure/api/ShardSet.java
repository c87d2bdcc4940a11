package dev.erasure.api;

import dev.erasure.codec.StripeShape;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The shards of one stripe as received, in the job's arena. {@code shards} has k+m entries:
 * entry i is the received shard i (or null). {@code present[i]} is true when shard i was received
 * and its CRC-32C (if given) matched; a shard whose CRC did not match is listed in
 * {@code discarded}, is not present, and its segment may be reused as an output.
 */
record ShardSet(StripeShape shape, long shardSize, MemorySegment[] shards, boolean[] present,
        int[] received, int[] discarded) {

    /** The set as collected: received indexes are the non-null entries, discarded ones are sorted. */
    static ShardSet of(StripeShape shape, long shardSize, MemorySegment[] shards, boolean[] present,
            java.util.List<Integer> discarded) {
        int[] received = IntStream.range(0, shards.length).filter(i -> shards[i] != null).toArray();
        return new ShardSet(shape, shardSize, shards, present, received,
                discarded.stream().mapToInt(Integer::intValue).sorted().toArray());
    }

    int presentCount() {
        int count = 0;
        for (boolean p : present) {
            count += p ? 1 : 0;
        }
        return count;
    }

    /** The {@code Discarded-Shards} header value, or null when nothing was discarded. */
    String discardedHeader() {
        return discarded.length == 0 ? null : join(discarded);
    }

    /** 422 unless at least {@code needed} shards are usable; the detail lists received and discarded indexes. */
    void requireUsable(int needed, String what) {
        if (presentCount() < needed) {
            throw new ApiException(ApiException.Kind.TOO_FEW_SHARDS, what + " needs at least " + needed
                    + " usable shards, got " + presentCount() + " (received: [" + join(received)
                    + "], discarded for CRC-32C mismatch: [" + join(discarded) + "])");
        }
    }

    static String join(int[] indexes) {
        return Arrays.stream(indexes).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
