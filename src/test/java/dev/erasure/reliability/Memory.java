package dev.erasure.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.buffer.NativeMemoryPool;

/** Waits for native memory to come back to idle after a scenario and asserts it did. */
final class Memory {

    private Memory() {
    }

    /**
     * Polls (bounded: at most about 10 s) until no native byte and no arena is held, then asserts it.
     * Not a timing assertion: the bound only keeps a leak from hanging the build.
     */
    static void awaitIdle(NativeMemoryPool pool) throws InterruptedException {
        for (int i = 0; i < 1000 && (pool.bytesInUse() != 0 || pool.openArenas() != 0); i++) {
            Thread.sleep(10);
        }
        assertThat(pool.bytesInUse()).as("native bytes in use (idle is 0); open arenas: %d", pool.openArenas())
                .isZero();
        assertThat(pool.openArenas()).as("open arenas (idle is 0)").isZero();
    }
}
