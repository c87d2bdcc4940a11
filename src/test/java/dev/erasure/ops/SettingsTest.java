package dev.erasure.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.erasure.api.ApiLimits;
import dev.erasure.api.HeadLimits;
import dev.erasure.api.stream.StreamSettings;
import dev.erasure.job.JobSettings;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code erasure.*} mapping with its defaults, and the start-time checks of {@link Settings}:
 * each bad value fails with a message naming the key, the value and the rule.
 */
class SettingsTest {

    /** The real mapping (as Quarkus builds it) over the given properties and the defaults. */
    static ErasureConfig config(Map<String, String> properties) {
        return configSource(properties).getConfigMapping(ErasureConfig.class);
    }

    /** The config holding the mapping, to read raw values and defaults. */
    static SmallRyeConfig configSource(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(ErasureConfig.class)
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
    }

    @Test
    void defaults_areTheDocumentedOnes() {
        ErasureConfig config = config(Map.of());

        assertThat(config.codec().kernel()).isEqualTo(KernelMode.AUTO);
        assertThat(Settings.codecCacheSize(config.codec())).isEqualTo(64);
        assertThat(Settings.jobs(config.jobs())).isEqualTo(new JobSettings(0, 32, Duration.ofSeconds(30), 1, 64 * 1024));
        assertThat(Settings.bufferBudgetBytes(config.buffer())).isEqualTo(512L * 1024 * 1024);
        assertThat(config.buffer().trackAllocations()).isFalse();
        assertThat(Settings.api(config.api())).isEqualTo(new ApiLimits(64L * 1024 * 1024, 300, 8 * 1024));
        assertThat(Settings.stream(config.stream())).isEqualTo(new StreamSettings(4L << 20, 1L << 40, 4));
        assertThat(Settings.head(config.api(), 65536, 65536)).isEqualTo(new HeadLimits(4096, 20 * 1024));
    }

    @Test
    void headLimits_aboveTheCodecsOrTooSmall_failNamingKeyValueAndRule() {
        ErasureConfig.Api api = config(Map.of("erasure.api.max-request-line", "8K")).api();
        assertThat(Settings.head(api, 8192, 65536).maxRequestLineBytes()).isEqualTo(8192);
        assertThatThrownBy(() -> Settings.head(api, 8191, 65536))
                .hasMessage("erasure.api.max-request-line must be <= quarkus.http.limits.max-initial-line-length "
                        + "(8191 bytes; got 8192 bytes)");
        assertThatThrownBy(() -> Settings.head(config(Map.of("erasure.api.max-header-size", "65K")).api(), 65536, 65536))
                .hasMessage("erasure.api.max-header-size must be <= quarkus.http.limits.max-header-size "
                        + "(65536 bytes; got 66560 bytes)");
        assertThatThrownBy(() -> Settings.head(config(Map.of("erasure.api.max-request-line", "100")).api(), 65536, 65536))
                .hasMessage("erasure.api.max-request-line must be >= 256 bytes (got 100 bytes)");
        assertThatThrownBy(() -> Settings.head(config(Map.of("erasure.api.max-header-size", "1000")).api(), 65536, 65536))
                .hasMessage("erasure.api.max-header-size must be >= 1024 bytes (got 1000 bytes)");
    }

    @Test
    void streamSettings_outOfRange_failNamingKeyValueAndRule() {
        assertThatThrownBy(() -> Settings.stream(config(Map.of("erasure.stream.depth", "1")).stream()))
                .hasMessage("erasure.stream.depth must be between 2 and 16 (got 1)");
        assertThatThrownBy(() -> Settings.stream(config(Map.of("erasure.stream.max-cell-size", "2G")).stream()))
                .hasMessage("erasure.stream.max-cell-size must be between 1 byte and 1073741824 bytes (got 2147483648 bytes)");
        assertThatThrownBy(() -> Settings.stream(config(Map.of("erasure.stream.max-object-size", "0")).stream()))
                .hasMessage("erasure.stream.max-object-size must be >= 1 byte (got 0 bytes)");
    }

    @Test
    void values_areReadInTheirUnits() {
        ErasureConfig config = config(Map.of(
                "erasure.codec.kernel", "scalar",
                "erasure.jobs.workers", "3",
                "erasure.jobs.deadline", "250ms",
                "erasure.jobs.retry-after", "1500ms",
                "erasure.jobs.inline-max-bytes", "0",
                "erasure.buffer.budget", "1G",
                "erasure.api.max-part-header-size", "512"));

        assertThat(config.codec().kernel()).isEqualTo(KernelMode.SCALAR);
        assertThat(Settings.jobs(config.jobs()))
                .isEqualTo(new JobSettings(3, 32, Duration.ofMillis(250), 2, 0));
        assertThat(Settings.bufferBudgetBytes(config.buffer())).isEqualTo(1L << 30);
        assertThat(Settings.api(config.api()).maxPartHeaderBytes()).isEqualTo(512);
    }

    @Test
    void inlineMaxBytesAboveOneMebibyte_failsNamingKeyValueAndRule() {
        ErasureConfig config = config(Map.of("erasure.jobs.inline-max-bytes", "2M"));

        assertThatThrownBy(() -> Settings.jobs(config.jobs()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("erasure.jobs.inline-max-bytes must be between 0 and 1048576 bytes (got 2097152 bytes)");
    }

    @Test
    void negativeWorkers_failNamingKeyValueAndRule() {
        ErasureConfig config = config(Map.of("erasure.jobs.workers", "-1"));

        assertThatThrownBy(() -> Settings.jobs(config.jobs()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("erasure.jobs.workers must be >= 0, 0 meaning one per core (got -1)");
    }

    @Test
    void zeroQueueCapacity_fails() {
        ErasureConfig config = config(Map.of("erasure.jobs.queue-capacity", "0"));

        assertThatThrownBy(() -> Settings.jobs(config.jobs()))
                .hasMessage("erasure.jobs.queue-capacity must be >= 1 (got 0)");
    }

    @Test
    void zeroDeadline_fails() {
        ErasureConfig config = config(Map.of("erasure.jobs.deadline", "0s"));

        assertThatThrownBy(() -> Settings.jobs(config.jobs()))
                .hasMessageContaining("erasure.jobs.deadline must be > 0 (got PT0S)");
    }

    @Test
    void zeroRetryAfter_fails() {
        ErasureConfig config = config(Map.of("erasure.jobs.retry-after", "0s"));

        assertThatThrownBy(() -> Settings.jobs(config.jobs()))
                .hasMessage("erasure.jobs.retry-after must be >= 1 second (got PT0S)");
    }

    @Test
    void zeroCacheSize_fails() {
        ErasureConfig config = config(Map.of("erasure.codec.cache-size", "0"));

        assertThatThrownBy(() -> Settings.codecCacheSize(config.codec()))
                .hasMessage("erasure.codec.cache-size must be >= 1 (got 0)");
    }

    @Test
    void zeroBudget_fails() {
        ErasureConfig config = config(Map.of("erasure.buffer.budget", "0"));

        assertThatThrownBy(() -> Settings.bufferBudgetBytes(config.buffer()))
                .hasMessage("erasure.buffer.budget must be >= 1 byte (got 0 bytes)");
    }

    @Test
    void tooFewParts_fail() {
        ErasureConfig config = config(Map.of("erasure.api.max-parts", "1"));

        assertThatThrownBy(() -> Settings.api(config.api()))
                .hasMessage("erasure.api.max-parts must be >= 2 (got 1)");
    }

    @Test
    void hugePartHeaderLimit_fails() {
        ErasureConfig config = config(Map.of("erasure.api.max-part-header-size", "4G"));

        assertThatThrownBy(() -> Settings.api(config.api()))
                .hasMessage("erasure.api.max-part-header-size must be <= 2147483647 bytes (got 4294967296 bytes)");
    }

    @Test
    void unknownKernel_failsNamingKeyAndValue() {
        assertThatThrownBy(() -> config(Map.of("erasure.codec.kernel", "gpu")))
                .hasMessageContaining("erasure.codec.kernel")
                .hasMessageContaining("gpu");
    }

    @Test
    void kernelModes_passLowerCaseNames() {
        assertThat(KernelMode.ISAL.value()).isEqualTo("isal");
        assertThat(config(Map.of("erasure.codec.kernel", "VECTOR")).codec().kernel()).isEqualTo(KernelMode.VECTOR);
    }
}
