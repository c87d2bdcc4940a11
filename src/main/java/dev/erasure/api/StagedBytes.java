package dev.erasure.api;

import dev.erasure.buffer.JobArena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes of unknown final length collected in arena chunks (a first chunk of a given size, then
 * chunks doubling from 64 KiB up to 16 MiB), for bodies without Content-Length and for the first
 * part of a shard set. The chunks stay in the arena until it is freed (bump allocation), so staging
 * costs at most about twice the staged bytes plus one native copy when a contiguous segment is
 * needed. Not thread-safe.
 */
final class StagedBytes {

    private static final long MIN_CHUNK = 64 * 1024;
    private static final long MAX_CHUNK = 16L * 1024 * 1024;

    private final JobArena arena;
    private final long firstChunk;
    private final long expectedTotal;
    private final List<MemorySegment> chunks = new ArrayList<>();
    private long lastUsed;
    private long size;

    StagedBytes(JobArena arena, long firstChunk) {
        this(arena, firstChunk, -1);
    }

    /**
     * @param expectedTotal the number of bytes that will be staged when known (a Content-Length),
     *     else -1: no chunk then reaches past it, so a body of known length wastes no arena space
     */
    StagedBytes(JobArena arena, long firstChunk, long expectedTotal) {
        this.arena = arena;
        this.firstChunk = Math.max(1, firstChunk);
        this.expectedTotal = expectedTotal;
    }

    long size() {
        return size;
    }

    /** Copies {@code source} behind the bytes staged so far. */
    void append(MemorySegment source) {
        long offset = 0;
        while (offset < source.byteSize()) {
            if (chunks.isEmpty() || lastUsed == chunks.getLast().byteSize()) {
                long next = chunks.isEmpty() ? firstChunk
                        : Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, chunks.getLast().byteSize() * 2));
                long left = expectedTotal - size - offset;
                if (left > 0) {
                    next = Math.min(next, left);
                }
                chunks.add(arena.allocateUninitialized(next));
                lastUsed = 0;
            }
            MemorySegment chunk = chunks.getLast();
            long n = Math.min(chunk.byteSize() - lastUsed, source.byteSize() - offset);
            MemorySegment.copy(source, offset, chunk, lastUsed, n);
            lastUsed += n;
            offset += n;
        }
        size += source.byteSize();
    }

    /** Copies the staged bytes to the start of {@code target} (natively). */
    void copyTo(MemorySegment target) {
        long offset = 0;
        for (MemorySegment chunk : chunks) {
            long n = Math.min(chunk.byteSize(), size - offset);
            MemorySegment.copy(chunk, 0, target, offset, n);
            offset += n;
        }
    }

    /** The staged bytes as one segment: a slice when they fit one chunk, otherwise one native copy. */
    MemorySegment contiguous() {
        if (chunks.size() == 1) {
            return chunks.getFirst().asSlice(0, size);
        }
        MemorySegment whole = arena.allocateUninitialized(size);
        copyTo(whole);
        return whole;
    }

    /** The staged bytes as a stream (copied out chunk by chunk), for parsers that read a stream. */
    java.io.InputStream inputStream() {
        return new java.io.InputStream() {
            private int chunk;
            private long offset;
            private long read;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] target, int from, int length) {
                if (read >= size) {
                    return -1;
                }
                if (length == 0) {
                    return 0;
                }
                MemorySegment current = chunks.get(chunk);
                long available = Math.min(current.byteSize() - offset, size - read);
                int n = (int) Math.min(length, available);
                MemorySegment.copy(current, java.lang.foreign.ValueLayout.JAVA_BYTE, offset, target, from, n);
                offset += n;
                read += n;
                if (offset == current.byteSize()) {
                    chunk++;
                    offset = 0;
                }
                return n;
            }
        };
    }
}
