package dev.erasure.job;

import dev.erasure.buffer.JobArena;
import dev.erasure.codec.StripeShape;
import java.lang.foreign.MemorySegment;

/**
 * One stripe to compute on. All segments live in {@code arena}, allocated by the HTTP side before
 * submit (workers never allocate). {@code shards} has {@code shape.totalShards()} entries; for
 * RECONSTRUCT and DECODE, {@code present} says which entries hold valid input, and every
 * non-present, non-null entry is an output. For ENCODE and PARITY, data entries are inputs and parity
 * entries outputs; for VERIFY every entry is an input.
 */
public record StripeJob(Operation op, StripeShape shape, MemorySegment[] shards, boolean[] present, JobArena arena) {

    /** Data plus parity bytes this job touches, for the bytes-coded metric. */
    public long bytesCoded() {
        long shardSize = 0;
        for (MemorySegment s : shards) {
            if (s != null) {
                shardSize = s.byteSize();
                break;
            }
        }
        return shardSize * shape.totalShards();
    }
}
