package dev.erasure.ops;

import dev.erasure.api.ApiLimits;
import dev.erasure.api.HeadLimits;
import dev.erasure.api.HttpVersions;
import dev.erasure.api.stream.StreamSettings;
import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.codec.CodeCache;
import dev.erasure.codec.select.KernelSelector;
import dev.erasure.job.JobService;
import dev.erasure.job.JobSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The one place where configuration becomes the plain-Java engine: it reads {@link ErasureConfig},
 * builds the immutable settings records, and creates the kernel choice, the codec cache, the
 * native memory pool and the job service, in that dependency order. {@link Lifecycle} builds them
 * all at start (so a bad value stops the start) and stops them in reverse order through
 * {@link ShutdownSequence}; the disposers here are idempotent fallbacks for a container that is
 * destroyed without a {@code ShutdownEvent}.
 */
@Singleton
public class Producers {

    private static final Logger LOG = Logger.getLogger(Producers.class);

    private final ErasureConfig config;

    Producers(ErasureConfig config) {
        this.config = config;
    }

    @Produces
    @Singleton
    JobSettings jobSettings() {
        return checked(() -> Settings.jobs(config.jobs()));
    }

    @Produces
    @Singleton
    ApiLimits apiLimits() {
        return checked(() -> Settings.api(config.api()));
    }

    @Produces
    @Singleton
    HttpVersions httpVersions() {
        return new HttpVersions(config.api().http2ClearText());
    }

    @Produces
    @Singleton
    HeadLimits headLimits(
            @ConfigProperty(name = "quarkus.http.limits.max-initial-line-length") int codecLine,
            @ConfigProperty(name = "quarkus.http.limits.max-header-size") MemorySize codecHeader) {
        return checked(() -> Settings.head(config.api(), codecLine, codecHeader.asLongValue()));
    }

    @Produces
    @Singleton
    StreamSettings streamSettings() {
        return checked(() -> Settings.stream(config.stream()));
    }

    @Produces
    @Singleton
    KernelSelector.Choice kernelChoice() {
        KernelMode mode = config.codec().kernel();
        KernelSelector.Choice choice;
        try {
            choice = KernelSelector.select(mode.value());
        } catch (IllegalStateException e) {
            throw new ConfigurationException("erasure.codec.kernel=" + mode.value() + " cannot be used: "
                    + e.getMessage());
        }
        LOG.infof("Reed-Solomon kernel: %s (erasure.codec.kernel=%s): %s", choice.kernel().name(),
                mode.value(), choice.reason());
        return choice;
    }

    @Produces
    @Singleton
    CodeCache codecs(KernelSelector.Choice choice) {
        return new CodeCache(choice.kernel(), checked(() -> Settings.codecCacheSize(config.codec())));
    }

    @Produces
    @Singleton
    NativeMemoryPool nativeMemoryPool() {
        return new NativeMemoryPool(checked(() -> Settings.bufferBudgetBytes(config.buffer())),
                config.buffer().trackAllocations());
    }

    @Produces
    @Singleton
    JobService jobService(JobSettings settings, CodeCache codecs, JobMetrics metrics) {
        JobService jobs = new JobService(settings, codecs, metrics);
        LOG.infof("Job executor: %d workers, queue capacity %d, deadline %d ms, native budget %d bytes, "
                + "stripes up to %d bytes coded inline", settings.effectiveWorkers(), settings.queueCapacity(),
                settings.deadline().toMillis(), checked(() -> Settings.bufferBudgetBytes(config.buffer())),
                settings.inlineMaxBytes());
        return jobs;
    }

    @Produces
    @Singleton
    HeapGuard heapGuard() {
        return new HeapGuard();
    }

    @Produces
    @Singleton
    JobMetrics jobMetrics(MeterRegistry registry, HeapGuard heap) {
        return new JobMetrics(registry, heap);
    }

    @Produces
    @Singleton
    ServiceState serviceState() {
        return new ServiceState();
    }

    /**
     * Builds settings, turning a rejected value into a {@link ConfigurationException} without a cause:
     * Quarkus prints such a root cause as its message alone instead of a stack trace.
     */
    static <T> T checked(Supplier<T> settings) {
        try {
            return settings.get();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
    }

    void closeJobService(@Disposes JobService jobs) {
        jobs.close();
    }

    void closePool(@Disposes NativeMemoryPool pool) {
        ShutdownSequence.logLeaks(pool.close());
    }
}
