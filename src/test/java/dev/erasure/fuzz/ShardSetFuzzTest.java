package dev.erasure.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.erasure.api.ApiException;
import dev.erasure.api.ApiLimits;
import dev.erasure.api.FuzzTargets;
import dev.erasure.buffer.JobArena;
import dev.erasure.buffer.MemoryBudgetExceededException;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.StripeShape;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of the shard-set parsers with Jazzer, without HTTP. Each input is
 * {@code [k, m, chunk size, body...]}: the first three bytes pick the stripe shape (k in 1..8,
 * m in 1..4) and the chunk size the body is fed in (1..256 bytes), the rest is the body.
 *
 * <p>The property: whatever the bytes, the parser either returns a set or throws one of the typed
 * client errors ({@link ApiException}, 4xx; {@link MemoryBudgetExceededException}, 503), and once
 * the arena is released no native byte is held. Any other exception, or a leak, is a finding.
 *
 * <p>{@code bin/test} replays the committed corpus under
 * {@code src/test/resources/dev/erasure/fuzz/ShardSetFuzzTestInputs/<method>/} (regression mode);
 * {@code bin/fuzz} fuzzes for real (docs/reliability.md).
 */
class ShardSetFuzzTest {

    /** The boundary the multipart seeds use. */
    static final String BOUNDARY = "fuzz";
    /** Tight limits so the fuzzer reaches them: 64 KiB native budget, 16 parts, 256-byte part headers. */
    static final ApiLimits LIMITS = new ApiLimits(1 << 20, 16, 256);
    static final long BUDGET = 64 * 1024;

    @FuzzTest(maxDuration = "30s")
    void multipart(byte[] input) {
        if (input.length < 3) {
            return;
        }
        StripeShape shape = shape(input);
        int chunkSize = 1 + (input[2] & 0xff);
        byte[] body = Arrays.copyOfRange(input, 3, input.length);
        parse(pool -> FuzzTargets.multipart(body, chunkSize, BOUNDARY, shape, pool, LIMITS));
    }

    @FuzzTest(maxDuration = "30s")
    void json(byte[] input) {
        if (input.length < 3) {
            return;
        }
        StripeShape shape = shape(input);
        byte[] body = Arrays.copyOfRange(input, 3, input.length);
        parse(arena -> FuzzTargets.json(body, shape, arena, LIMITS));
    }

    static StripeShape shape(byte[] input) {
        return new StripeShape(CodecKind.RS_VANDERMONDE, 1 + (input[0] & 7), 1 + (input[1] & 3));
    }

    interface Target {
        int parse(JobArena arena);
    }

    /**
     * One pool for the whole run, as in the service (its block cache is reused across inputs, and a
     * fresh pool per input would leave each one's cached blocks behind).
     */
    private static final NativeMemoryPool POOL = new NativeMemoryPool(BUDGET, false);

    /** Runs {@code target} on a fresh arena, accepts only typed client errors, and checks the arena is freed. */
    static void parse(Target target) {
        NativeMemoryPool pool = POOL;
        JobArena arena = pool.open();
        try {
            int received = target.parse(arena);
            assertThat(received).isPositive();
        } catch (ApiException e) {
            assertThat(e.kind().status()).isBetween(400, 499);
            assertThat(e.getMessage()).isNotBlank();
        } catch (MemoryBudgetExceededException e) {
            // the 503 of a set larger than the budget: refused before allocating
        } finally {
            arena.release();
        }
        assertThat(pool.bytesInUse()).as("native bytes in use after the arena's release").isZero();
        assertThat(pool.openArenas()).isZero();
        assertThat(pool.bytesCached()).as("bytes kept for reuse (at most a quarter of the budget)")
                .isLessThanOrEqualTo(BUDGET / 4);
    }

    static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
