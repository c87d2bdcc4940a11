package dev.erasure.buffer;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Leaks fail tests (Netty's {@code LeakPresenceDetector} idea): gives each test a fresh
 * {@link NativeMemoryPool} and, after the test, asserts that no native byte and no arena is still
 * held, then closes the pool. Register it with
 * {@code @RegisterExtension final NativeMemoryLeakCheck memory = new NativeMemoryLeakCheck(budget);}.
 *
 * <p>Run with {@code -Derasure.buffer.track-allocations=true} to get the stack of each leaked
 * arena's opening in the failure message.
 */
public final class NativeMemoryLeakCheck implements BeforeEachCallback, AfterEachCallback {

    /** The switch that records allocation stacks; named in every failure message. */
    public static final String TRACK_PROPERTY = "erasure.buffer.track-allocations";

    private final long budgetBytes;
    private NativeMemoryPool pool;

    public NativeMemoryLeakCheck(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** A pool whose allocation tracking follows {@code -Derasure.buffer.track-allocations}. */
    public static NativeMemoryPool newPool(long budgetBytes) {
        return new NativeMemoryPool(budgetBytes, Boolean.getBoolean(TRACK_PROPERTY));
    }

    /** The pool of the running test. */
    public NativeMemoryPool pool() {
        return pool;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        pool = newPool(budgetBytes);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        NativeMemoryPool tested = pool;
        pool = null;
        assertNoLeaks(tested);
    }

    /**
     * Asserts that {@code pool} holds no bytes and no open arena, then closes it. On failure the
     * message says what leaked and, with tracking on, where each leaked arena was opened.
     */
    public static void assertNoLeaks(NativeMemoryPool pool) {
        long bytes = pool.bytesInUse();
        int arenas = pool.openArenas();
        LeakReport report = pool.close();
        if (bytes != 0 || arenas != 0 || !report.isEmpty()) {
            throw new AssertionError(leakMessage(bytes, arenas, report));
        }
    }

    static String leakMessage(long bytes, int arenas, LeakReport report) {
        StringBuilder message = new StringBuilder("LEAK: native memory still held after the test: ")
                .append(bytes).append(" bytes in ").append(arenas).append(" open arena(s)");
        if (report.stacks().isEmpty()) {
            message.append(". Run with -D").append(TRACK_PROPERTY)
                    .append("=true to see where each leaked arena was opened.");
        } else {
            message.append("; leaked arenas were opened at:");
            report.stacks().forEach(stack -> message.append('\n').append(stack));
        }
        return message.toString();
    }
}
