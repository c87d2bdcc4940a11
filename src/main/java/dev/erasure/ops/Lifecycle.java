package dev.erasure.ops;

import dev.erasure.api.ApiLimits;
import dev.erasure.api.HeadLimits;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.select.KernelSelector;
import dev.erasure.job.JobService;
import dev.erasure.job.JobSettings;
import io.quarkus.runtime.LaunchMode;
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
 * <p>Stop, in Quarkus 3.30 order. {@code ShutdownDelayInitiatedEvent} is fired synchronously in
 * Quarkus' pre-shutdown phase, which waits for its observers without a time limit and comes before
 * Quarkus' own delay and before anything closes the HTTP server. Its observer runs the request side
 * of {@link ShutdownSequence} there and blocks: readiness DOWN (Quarkus' own "Graceful Shutdown"
 * readiness check goes DOWN in the same phase), requests served normally for
 * {@code quarkus.shutdown.delay}, then admission closed (503 problem+json with Retry-After), admitted
 * requests and their jobs given until {@code quarkus.shutdown.delay + erasure.shutdown.timeout} after
 * the signal, then aborted. Only then does Quarkus sleep its delay (late requests still get the 503
 * problem) and stop the application; {@code ShutdownEvent} runs the rest of the sequence: jobs
 * refused and drained, workers stopped, pool closed, leaks logged. {@code quarkus.shutdown.timeout}
 * stays unset: its HTTP filter would answer requests arriving after the delay with a bare 503, and
 * the admission already waits for every admitted request (docs/api.md, "Shutdown").
 */
@Singleton
public class Lifecycle {

    private static final Logger LOG = Logger.getLogger(Lifecycle.class);

    private final ServiceState state;
    private final ShutdownSequence shutdown;

    Lifecycle(ServiceState state, JobSettings jobSettings, ApiLimits apiLimits, HeadLimits headLimits,
            KernelSelector.Choice kernel,
            NativeMemoryPool pool, JobService jobs, JobMetrics metrics,
            @ConfigProperty(name = "quarkus.shutdown.delay-enabled", defaultValue = "false") boolean delayEnabled,
            @ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> delay,
            ErasureConfig config) {
        this.state = state;
        // Quarkus ignores the delay in dev mode; so does the request drain.
        boolean delayed = delayEnabled && LaunchMode.current() != LaunchMode.DEVELOPMENT;
        Duration served = delayed ? delay.filter(d -> !d.isNegative()).orElse(Duration.ZERO) : Duration.ZERO;
        this.shutdown = ShutdownSequence.of(state, jobs, pool, served, Producers.checked(() -> Settings.shutdownTimeout(config.shutdown())));
        metrics.bindEngine(jobs, pool, kernel.kernel().name(), jobSettings.effectiveWorkers());
        state.markStarted(kernel.kernel().name());
        LOG.debugf("HTTP limits: %s, %s", apiLimits, headLimits);
    }

    void onStart(@Observes StartupEvent event) {
        Infrastructure.setDroppedExceptionHandler(
                failure -> LOG.warn("Mutiny dropped an exception (a failure after cancellation)", failure));
        EnvironmentCheck.warnings(System.getenv()).forEach(LOG::warn);
        LOG.infof("Erasure Service ready on kernel %s", state.kernel());
    }

    /** Blocks Quarkus' pre-shutdown phase until the admitted requests are done or aborted. */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        shutdown.drainRequests();
    }

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        shutdown.run();
    }
}
