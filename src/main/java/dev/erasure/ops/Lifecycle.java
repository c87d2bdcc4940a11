package dev.erasure.ops;

import dev.erasure.api.ApiLimits;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.select.KernelSelector;
import dev.erasure.job.JobService;
import dev.erasure.job.JobSettings;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Start and stop of the engine, driven by Quarkus' lifecycle events.
 *
 * <p>Start: every settings record and the engine are built eagerly, so an invalid value or an
 * unusable forced kernel stops the start with its message; the kernel is logged; the gauges are
 * bound; Mutiny's dropped exceptions go to the log.
 *
 * <p>Stop, in Quarkus 3.30 order: {@code ShutdownDelayInitiatedEvent} is fired in the pre-shutdown
 * phase, before {@code quarkus.shutdown.delay} elapses, and turns readiness DOWN (Quarkus' own
 * "Graceful Shutdown" readiness check goes DOWN in the same phase). During the delay requests are
 * still served, so load balancers can stop routing. Then {@code ShutdownEvent} runs
 * {@link ShutdownSequence} while Quarkus' HTTP shutdown waits for running requests
 * ({@code quarkus.shutdown.timeout} = {@code erasure.shutdown.timeout}): jobs refused with the contract's 503,
 * drained until {@code quarkus.shutdown.delay + erasure.shutdown.timeout} after the first signal,
 * workers stopped, pool closed, leaks logged.
 */
@Singleton
public class Lifecycle {

    private static final Logger LOG = Logger.getLogger(Lifecycle.class);

    private final ServiceState state;
    private final ShutdownSequence shutdown;

    Lifecycle(ServiceState state, JobSettings jobSettings, ApiLimits apiLimits, KernelSelector.Choice kernel,
            NativeMemoryPool pool, JobService jobs, JobMetrics metrics,
            @ConfigProperty(name = "quarkus.shutdown.delay-enabled", defaultValue = "false") boolean delayEnabled,
            @ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> delay,
            ErasureConfig config) {
        this.state = state;
        Duration budget = Settings.shutdownTimeout(config.shutdown())
                .plus(delayEnabled ? delay.orElse(Duration.ZERO) : Duration.ZERO);
        this.shutdown = ShutdownSequence.of(state, jobs, pool, budget);
        metrics.bindEngine(jobs, pool, kernel.kernel().name(), jobSettings.effectiveWorkers());
        state.markStarted(kernel.kernel().name());
        LOG.debugf("HTTP limits: %s", apiLimits);
    }

    void onStart(@Observes StartupEvent event) {
        Infrastructure.setDroppedExceptionHandler(
                failure -> LOG.warn("Mutiny dropped an exception (a failure after cancellation)", failure));
        LOG.infof("Erasure Service ready on kernel %s", state.kernel());
    }

    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        shutdown.readinessDown();
    }

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        shutdown.run();
    }
}
