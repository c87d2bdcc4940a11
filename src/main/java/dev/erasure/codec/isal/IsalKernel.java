package dev.erasure.codec.isal;

import dev.erasure.codec.kernel.Kernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The kernel that hands the work to ISA-L's {@code ec_encode_data}, which picks the best code for
 * the CPU at run time (SSE, AVX2, AVX-512, GFNI). Shards are passed in place: two native arrays of
 * shard addresses (data, coding), no copies.
 *
 * <p>Tables: {@code ec_init_tables} expands each coefficient into 32 bytes of nibble tables, kept in
 * native memory per prepared matrix. {@link Tables#close()} frees them under a write lock, while
 * multiplications hold the read lock, so a table is never freed under a running call. Tables that
 * are dropped without close are freed by a {@link Cleaner} once unreachable.
 *
 * <p>ISA-L needs native addresses: when any segment of a call is on the heap, the call runs on the
 * fallback kernel given at construction instead (same results).
 *
 * <p>The class holds native state in static fields (a {@link Cleaner} with its thread, per-thread
 * native scratch), so a native image initializes it at run time (docs/architecture.md, "Native
 * state").
 */
public final class IsalKernel implements Kernel {

    private static final Cleaner CLEANER = Cleaner.create();

    /** Longest column range passed to one ec_encode_data call (its len is a C int). */
    static final int MAX_CALL_BYTES = 1 << 30;

    /** Per-thread scratch for the two pointer arrays (up to 256 addresses each). */
    private static final ThreadLocal<MemorySegment> POINTERS =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(ValueLayout.ADDRESS, 512));

    private final IsalLibrary library;
    private final Kernel fallback;

    /**
     * A kernel on the process's binding, {@link IsalLibrary#system()}.
     *
     * @param fallback kernel used for calls involving heap segments
     * @throws IllegalStateException if ISA-L is not available, with the reason
     */
    public IsalKernel(Kernel fallback) {
        this(IsalLibrary.system(), fallback);
    }

    /**
     * @param library the binding whose functions the kernel calls
     * @param fallback kernel used for calls involving heap segments
     * @throws IllegalStateException if the binding is not available, with the reason
     */
    public IsalKernel(IsalLibrary library, Kernel fallback) {
        if (!library.available()) {
            throw new IllegalStateException("ISA-L is not available: " + library.unavailableReason());
        }
        this.library = library;
        this.fallback = fallback;
    }

    @Override
    public String name() {
        return "isal";
    }

    @Override
    public Tables prepare(byte[][] matrix) {
        byte[][] coefficients = Kernel.checkedCopy(matrix);
        int rows = coefficients.length;
        int columns = coefficients[0].length;
        NativeTables memory = new NativeTables(Arena.ofShared());
        MemorySegment gftbls = memory.arena.allocate(32L * rows * columns, 64);
        MemorySegment a = memory.arena.allocate((long) rows * columns);
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(coefficients[r], 0, a, ValueLayout.JAVA_BYTE, (long) r * columns, columns);
        }
        try {
            library.initTables().invokeExact(columns, rows, a, gftbls);
        } catch (Throwable e) {
            memory.run();
            throw new IllegalStateException("ec_init_tables failed", e);
        }
        IsalTables tables = new IsalTables(library, rows, columns, gftbls, memory, fallback.prepare(coefficients));
        CLEANER.register(tables, memory);
        return tables;
    }

    @Override
    public String toString() {
        return name();
    }

    /** The native memory of one prepared matrix; run() frees it once. Holds no reference to its owner. */
    private static final class NativeTables implements Runnable {
        final Arena arena;
        final AtomicBoolean freed = new AtomicBoolean();

        NativeTables(Arena arena) {
            this.arena = arena;
        }

        @Override
        public void run() {
            if (freed.compareAndSet(false, true)) {
                arena.close();
            }
        }
    }

    private static final class IsalTables implements Tables {
        private final IsalLibrary library;
        private final int rows;
        private final int columns;
        private final MemorySegment gftbls;
        private final NativeTables memory;
        private final Tables heapFallback;
        private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

        IsalTables(IsalLibrary library, int rows, int columns, MemorySegment gftbls, NativeTables memory,
                Tables heapFallback) {
            this.library = library;
            this.rows = rows;
            this.columns = columns;
            this.gftbls = gftbls;
            this.memory = memory;
            this.heapFallback = heapFallback;
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public int columns() {
            return columns;
        }

        @Override
        public void multiply(MemorySegment[] inputs, MemorySegment[] outputs, long offset, long length) {
            if (!Kernel.allNative(inputs, columns) || !Kernel.allNative(outputs, rows)) {
                heapFallback.multiply(inputs, outputs, offset, length);
                return;
            }
            lock.readLock().lock();
            try {
                if (memory.freed.get()) {
                    throw new IllegalStateException("ISA-L tables were released");
                }
                encode(inputs, outputs, offset, length);
            } finally {
                lock.readLock().unlock();
                // the Cleaner must not free the tables while ec_encode_data still reads them
                Reference.reachabilityFence(this);
            }
        }

        private void encode(MemorySegment[] inputs, MemorySegment[] outputs, long offset, long length) {
            MemorySegment pointers = POINTERS.get();
            MemorySegment data = pointers.asSlice(0, 256L * 8);
            MemorySegment coding = pointers.asSlice(256L * 8, 256L * 8);
            for (long done = 0; done < length; done += MAX_CALL_BYTES) {
                long at = offset + done;
                for (int c = 0; c < columns; c++) {
                    data.setAtIndex(ValueLayout.JAVA_LONG, c, inputs[c].address() + at);
                }
                for (int r = 0; r < rows; r++) {
                    coding.setAtIndex(ValueLayout.JAVA_LONG, r, outputs[r].address() + at);
                }
                int len = (int) Math.min(MAX_CALL_BYTES, length - done);
                try {
                    library.encodeData().invokeExact(len, columns, rows, gftbls, data, coding);
                } catch (Throwable e) {
                    throw new IllegalStateException("ec_encode_data failed", e);
                }
            }
        }

        @Override
        public void close() {
            lock.writeLock().lock();
            try {
                memory.run();
            } finally {
                lock.writeLock().unlock();
            }
            heapFallback.close();
        }
    }
}
