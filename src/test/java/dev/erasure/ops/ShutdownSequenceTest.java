package dev.erasure.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.erasure.LogCapture;
import dev.erasure.buffer.LeakReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * The stop order of lifetime rule 5 (docs/architecture.md), on recording fakes and a hand-moved
 * clock: readiness DOWN, serve for the delay, close admission, wait for the admitted requests (abort
 * them at the drain deadline), stop accepting jobs, drain, stop workers, close the pool and report leaks.
 */
class ShutdownSequenceTest {

    private final List<String> steps = new ArrayList<>();
    private final ServiceState state = started();

    /** Records each step, with the readiness seen at that moment. */
    private final class RecordingJobs implements ShutdownSequence.Jobs {
        boolean drains = true;
        boolean interrupted;
        RuntimeException failOnBegin;

        @Override
        public void beginShutdown() {
            steps.add("beginShutdown ready=" + state.isReady());
            if (failOnBegin != null) {
                throw failOnBegin;
            }
        }

        @Override
        public boolean awaitDrained(Duration timeout) throws InterruptedException {
            steps.add("awaitDrained " + timeout.toMillis() + "ms");
            if (interrupted) {
                throw new InterruptedException("test");
            }
            return drains;
        }

        @Override
        public void close() {
            steps.add("closeWorkers");
        }
    }

    /** Records the request side; waits "take" the whole timeout on the fake clock when not idle. */
    private final class RecordingRequests implements ShutdownSequence.Requests {
        /** How many awaitIdle calls return false before one returns true. */
        int busyWaits;
        int inProgress = 3;

        @Override
        public void close() {
            steps.add("closeAdmission ready=" + state.isReady());
        }

        @Override
        public int inProgress() {
            return inProgress;
        }

        @Override
        public boolean awaitIdle(Duration timeout) {
            steps.add("awaitIdle " + timeout.toMillis() + "ms");
            if (busyWaits > 0) {
                busyWaits--;
                nanos += timeout.toNanos();
                return false;
            }
            inProgress = 0;
            return true;
        }

        @Override
        public int abortAll() {
            steps.add("abortAll");
            return inProgress;
        }
    }

    private final RecordingJobs jobs = new RecordingJobs();
    private final RecordingRequests requests = new RecordingRequests();
    private LeakReport leaks = new LeakReport(0, 0, List.of());
    /** Arenas the HTTP side still holds, asked before the pool closes; none by default. */
    private IntSupplier openArenas = () -> 0;
    /** A hand-moved clock: nanoseconds since an arbitrary origin. */
    private long nanos = 1_000_000_000L;

    private ShutdownSequence sequence() {
        return new ShutdownSequence(state, jobs, requests, openArenas, () -> {
            steps.add("closePool poolClosedBefore=" + state.isPoolClosed());
            return leaks;
        }, Duration.ofSeconds(2), Duration.ofSeconds(5), () -> nanos, duration -> {
            steps.add("sleep " + duration.toMillis() + "ms");
            nanos += duration.toNanos();
        });
    }

    private static ServiceState started() {
        ServiceState state = new ServiceState();
        state.markStarted("scalar");
        return state;
    }

    @Test
    void run_goesReadinessDownThenServesThenClosesAdmissionThenRefusesJobsThenDrainsThenStopsWorkersThenClosesPool() {
        ShutdownSequence.Result result = sequence().run();

        assertThat(steps).containsExactly(
                "sleep 2000ms",
                "closeAdmission ready=false",
                "awaitIdle 5000ms",
                "beginShutdown ready=false",
                "awaitDrained 5000ms",
                "closeWorkers",
                "closePool poolClosedBefore=false");
        assertThat(result.drained()).isTrue();
        assertThat(result.leaks().isEmpty()).isTrue();
        assertThat(state.isShuttingDown()).isTrue();
        assertThat(state.isPoolClosed()).isTrue();
    }

    @Test
    void drain_waitsOnlyForWhatIsLeftOfTheBudgetSinceReadinessWentDown() {
        ShutdownSequence sequence = sequence();
        sequence.readinessDown();
        nanos += Duration.ofSeconds(5).toNanos(); // the delay and part of the timeout went by elsewhere

        sequence.run();

        assertThat(steps).doesNotContain("sleep 2000ms").contains("awaitIdle 2000ms", "awaitDrained 2000ms");
    }

    @Test
    void drainRequests_servesForTheDelayThenClosesAdmissionAndWaitsForTheAdmittedRequests() {
        ShutdownSequence sequence = sequence();

        sequence.drainRequests();

        assertThat(state.isReady()).isFalse();
        assertThat(steps).containsExactly("sleep 2000ms", "closeAdmission ready=false", "awaitIdle 5000ms");
    }

    @Test
    void drainRequests_requestsLeftAtTheDeadline_refusesJobsThenAbortsThemThenGivesAGrace() {
        requests.busyWaits = 2;
        ShutdownSequence sequence = sequence();

        try (LogCapture log = LogCapture.of(ShutdownSequence.class)) {
            sequence.drainRequests();
            assertThat(log.messages()).anySatisfy(line -> assertThat(line).contains("3 requests were still in progress"));
        }

        assertThat(steps).containsExactly("sleep 2000ms", "closeAdmission ready=false", "awaitIdle 5000ms",
                "beginShutdown ready=false", "abortAll", "awaitIdle " + ShutdownSequence.ABORT_GRACE.toMillis() + "ms");
    }

    @Test
    void run_afterDrainRequests_doesNotWaitForRequestsAgain() {
        ShutdownSequence sequence = sequence();
        sequence.drainRequests();
        steps.clear();

        sequence.run();

        assertThat(steps).containsExactly("beginShutdown ready=false", "awaitDrained 5000ms", "closeWorkers",
                "closePool poolClosedBefore=false");
    }

    @Test
    void drain_withTheBudgetSpent_checksOnceWithoutWaiting() {
        ShutdownSequence sequence = sequence();
        sequence.readinessDown();
        nanos += Duration.ofSeconds(9).toNanos();

        sequence.run();

        assertThat(steps).contains("awaitDrained 0ms").endsWith("closeWorkers", "closePool poolClosedBefore=false");
    }

    @Test
    void readinessDown_aloneStopsNothingElse() {
        ShutdownSequence sequence = sequence();

        sequence.readinessDown();

        assertThat(state.isReady()).isFalse();
        assertThat(steps).isEmpty();
    }

    @Test
    void run_reportsWhatThePoolStillHeld() {
        leaks = new LeakReport(2, 4096, List.of("stack-a", "stack-b"));

        ShutdownSequence.Result result;
        try (LogCapture log = LogCapture.of(ShutdownSequence.class)) {
            result = sequence().run();
            assertThat(log.errors()).singleElement().asString()
                    .startsWith("Native memory leak at shutdown: 2 arenas with 4096 bytes were still held")
                    .contains("arena opened at: stack-a").contains("arena opened at: stack-b");
        }

        assertThat(result.leaks()).isEqualTo(leaks);
        assertThat(result.leaks().isEmpty()).isFalse();
    }

    @Test
    void run_notDrainedInTime_stillStopsWorkersAndClosesPool() {
        jobs.drains = false;

        ShutdownSequence.Result result = sequence().run();

        assertThat(result.drained()).isFalse();
        assertThat(steps).endsWith("closeWorkers", "closePool poolClosedBefore=false");
    }

    @Test
    void run_interruptedWhileDraining_stillClosesAndKeepsTheInterrupt() {
        jobs.interrupted = true;

        ShutdownSequence.Result result = sequence().run();

        assertThat(result.drained()).isFalse();
        assertThat(steps).endsWith("closeWorkers", "closePool poolClosedBefore=false");
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void run_aFailingStep_stillClosesWorkersAndPool() {
        jobs.failOnBegin = new IllegalStateException("boom");

        assertThatThrownBy(() -> sequence().run()).hasMessage("boom");

        assertThat(steps).containsExactly("sleep 2000ms", "closeAdmission ready=false", "awaitIdle 5000ms",
                "beginShutdown ready=false", "closeWorkers", "closePool poolClosedBefore=false");
        assertThat(state.isPoolClosed()).isTrue();
    }

    @Test
    void run_twice_runsTheStepsOnce() {
        ShutdownSequence sequence = sequence();

        ShutdownSequence.Result first = sequence.run();
        ShutdownSequence.Result second = sequence.run();

        assertThat(second).isSameAs(first);
        assertThat(steps).hasSize(7);
    }

    @Test
    void run_arenasStillHeldByResponses_areWaitedForBeforeThePoolCloses() {
        int[] held = {3};
        openArenas = () -> held[0] > 0 ? held[0]-- : 0;

        ShutdownSequence.Result result = sequence().run();

        assertThat(held[0]).as("arenas still open when the pool closed").isZero();
        assertThat(steps).endsWith("closeWorkers", "closePool poolClosedBefore=false");
        assertThat(result.leaks().isEmpty()).isTrue();
    }

    @Test
    void run_anArenaNeverReleased_isWaitedForOnlyUntilTheBudgetEnds() {
        openArenas = () -> {
            nanos += 1_000_000_000L; // each look costs a second of the 7 s budget
            return 1;
        };

        sequence().run();

        assertThat(steps).endsWith("closeWorkers", "closePool poolClosedBefore=false");
        // the 2 s delay is slept first; the arena looks then end with the 7 s budget
        assertThat(nanos).isBetween(1_000_000_000L + 7_000_000_000L, 1_000_000_000L + 9_000_000_000L);
    }
}
