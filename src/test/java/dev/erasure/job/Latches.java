package dev.erasure.job;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Latch waits for tests: a guard against a hung test, never a timing assertion. */
final class Latches {

    static final long GUARD_SECONDS = 30;

    private Latches() {
    }

    static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(GUARD_SECONDS, TimeUnit.SECONDS)) {
            throw new AssertionError("latch not released within the " + GUARD_SECONDS + " s guard");
        }
    }
}
