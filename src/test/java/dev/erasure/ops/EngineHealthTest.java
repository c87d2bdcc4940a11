package dev.erasure.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.CodeCache;
import dev.erasure.codec.select.KernelSelector;
import dev.erasure.job.JobListener;
import dev.erasure.job.JobService;
import dev.erasure.job.JobSettings;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When each probe says UP or DOWN, over the real engine. */
class EngineHealthTest {

    private final ServiceState state = new ServiceState();
    private final NativeMemoryPool pool = new NativeMemoryPool(1 << 20, false);
    private final JobSettings settings = new JobSettings(1, 4, Duration.ofSeconds(5), 1);
    private final JobService jobs = new JobService(settings,
            new CodeCache(KernelSelector.select("scalar").kernel(), 2), JobListener.NONE);
    private final HeapGuard heap = new HeapGuard();
    private final EngineHealth.Ready ready = new EngineHealth.Ready(state, jobs, pool, heap);
    private final EngineHealth.Started started = new EngineHealth.Started(state, settings);

    @AfterEach
    void closeEngine() {
        jobs.close();
        pool.close();
    }

    @Test
    void beforeTheEngineIsBuilt_startupAndReadinessAreDown() {
        assertThat(started.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(ready.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }

    @Test
    void started_isUpWithKernelAndLoad() {
        state.markStarted("scalar");

        HealthCheckResponse response = ready.call();

        assertThat(started.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData()).get().satisfies(data -> {
            assertThat(data).containsEntry("kernel", "scalar").containsEntry("queueDepth", 0L)
                    .containsEntry("nativeBudgetBytes", (long) (1 << 20)).containsEntry("shuttingDown", false);
        });
    }

    @Test
    void shutdownSignal_turnsReadinessDownAtOnce() {
        state.markStarted("scalar");

        state.beginShutdown();

        assertThat(ready.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(ready.call().getData()).get().satisfies(data -> assertThat(data).containsEntry("shuttingDown", true));
    }

    @Test
    void jobServiceRefusingWork_turnsReadinessDown() {
        state.markStarted("scalar");

        jobs.beginShutdown();

        assertThat(ready.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }

    @Test
    void closedPool_turnsReadinessDownAndDropsTheLoadData() {
        state.markStarted("scalar");
        pool.close();

        state.markPoolClosed();

        assertThat(ready.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(ready.call().getData()).get().satisfies(data -> assertThat(data).doesNotContainKey("queueDepth"));
    }

    @Test
    void afterAnOutOfMemoryError_readinessIsDown_withTheReason() {
        state.markStarted("scalar");
        assertThat(ready.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);

        heap.outOfMemory();

        HealthCheckResponse response = ready.call();
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow()).containsKey("heapExhausted");
    }
}
