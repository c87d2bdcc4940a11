package dev.erasure.ops;

import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.job.JobService;
import dev.erasure.job.JobSettings;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * The service's health checks under {@code /q/health}: one class per probe, all named
 * {@code erasure-engine} and reading {@link ServiceState} and the engine's plain getters.
 */
public final class EngineHealth {

    static final String NAME = "erasure-engine";

    private EngineHealth() {
    }

    /** Liveness: the process answers and its engine was built; restarts do not fix a busy queue. */
    @Liveness
    @Singleton
    public static class Live implements HealthCheck {
        private final ServiceState state;

        Live(ServiceState state) {
            this.state = state;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named(NAME).up().withData("kernel", state.kernel()).build();
        }
    }

    /**
     * Readiness: DOWN before the engine is built, from the moment shutdown begins, once the job
     * service refuses work, once the pool is closed, and while the Java heap is exhausted
     * ({@link HeapGuard}). Carries the kernel and the load.
     */
    @Readiness
    @Singleton
    public static class Ready implements HealthCheck {
        private final ServiceState state;
        private final JobService jobs;
        private final NativeMemoryPool pool;
        private final HeapGuard heap;

        Ready(ServiceState state, JobService jobs, NativeMemoryPool pool, HeapGuard heap) {
            this.state = state;
            this.jobs = jobs;
            this.pool = pool;
            this.heap = heap;
        }

        @Override
        public HealthCheckResponse call() {
            String heapExhausted = heap.exhaustion();
            HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME)
                    .status(state.isReady() && jobs.isAccepting() && heapExhausted == null)
                    .withData("kernel", state.kernel())
                    .withData("shuttingDown", state.isShuttingDown());
            if (heapExhausted != null) {
                builder.withData("heapExhausted", heapExhausted);
            }
            if (!state.isPoolClosed()) {
                builder.withData("queueDepth", jobs.queueDepth())
                        .withData("busyWorkers", jobs.busyWorkers())
                        .withData("nativeBytesInUse", pool.bytesInUse())
                        .withData("nativeBudgetBytes", pool.budgetBytes());
            }
            return builder.build();
        }
    }

    /** Startup: UP once the settings are valid and the engine is built. */
    @Startup
    @Singleton
    public static class Started implements HealthCheck {
        private final ServiceState state;
        private final JobSettings settings;

        Started(ServiceState state, JobSettings settings) {
            this.state = state;
            this.settings = settings;
        }

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named(NAME).status(state.isStarted())
                    .withData("kernel", state.kernel())
                    .withData("workers", settings.effectiveWorkers())
                    .build();
        }
    }
}
