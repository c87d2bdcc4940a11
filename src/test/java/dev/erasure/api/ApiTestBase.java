package dev.erasure.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.buffer.NativeMemoryPool;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the HTTP tests: rest-assured logs request and response when a validation fails, and after
 * every test the native bytes in use must come back to the idle value (0): no request may leave
 * memory behind, whatever its outcome.
 */
abstract class ApiTestBase {

    @Inject
    NativeMemoryPool pool;

    @BeforeAll
    static void logOnFailure() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @AfterEach
    void nativeMemoryBackToIdle() throws InterruptedException {
        awaitIdle(pool);
    }

    /**
     * Waits (bounded, polling) for the last response's write and the last worker to release their
     * references, then asserts that nothing is held. Not a timing assertion: the bound only keeps a
     * leak from hanging the build.
     */
    static void awaitIdle(NativeMemoryPool pool) throws InterruptedException {
        for (int i = 0; i < 500 && (pool.bytesInUse() != 0 || pool.openArenas() != 0); i++) {
            Thread.sleep(10);
        }
        assertThat(pool.bytesInUse()).as("native bytes in use after the test (idle is 0); open arenas: %d",
                pool.openArenas()).isZero();
        assertThat(pool.openArenas()).as("open arenas after the test").isZero();
    }
}
