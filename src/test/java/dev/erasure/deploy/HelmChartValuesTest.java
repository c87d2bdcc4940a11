package dev.erasure.deploy;

import static dev.erasure.deploy.HelmChartTest.serviceContainer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart with non-default values: every switch does what values.yaml says, overrides reach the
 * service's environment, and combinations that would break a rollout fail the render with a message
 * naming the values and the rule.
 */
class HelmChartValuesTest {

    @Test
    void everySettingOverrideReachesTheEnvironment() {
        RenderedChart chart = RenderedChart.render(Map.ofEntries(
                Map.entry("config.codec.kernel", "scalar"), Map.entry("config.codec.cacheSize", 8),
                Map.entry("config.jobs.workers", 3), Map.entry("config.jobs.queueCapacity", 500),
                Map.entry("config.jobs.deadline", "2m"), Map.entry("config.jobs.retryAfterSeconds", 7),
                Map.entry("config.jobs.inlineMaxBytes", "0"),
                Map.entry("config.buffer.budget", "1G"), Map.entry("config.buffer.trackAllocations", true),
                Map.entry("config.api.maxBodySize", "256M"), Map.entry("config.api.maxParts", 64),
                Map.entry("config.api.maxPartHeaderSize", "16K"),
                Map.entry("config.api.maxRequestLine", "8K"), Map.entry("config.api.maxHeaderSize", "32K"),
                Map.entry("config.api.minBodyRate", "1K"),
                Map.entry("config.api.bodyRateWindow", "10s"), Map.entry("config.api.maxBodyTime", "5m"),
                Map.entry("config.api.maxJsonBodySize", "2M"), Map.entry("config.api.lendBodyChunks", false),
                Map.entry("config.api.http2ClearText", true),
                Map.entry("config.api.coalesceResponseSize", "64K"),
                Map.entry("config.shutdown.timeoutSeconds", 60),
                Map.entry("config.stream.maxCellSize", "8M"), Map.entry("config.stream.maxObjectSize", "20G"),
                Map.entry("config.stream.depth", 6),
                Map.entry("config.shutdown.delaySeconds", 0), Map.entry("config.http.port", 9090),
                Map.entry("memory.maxDirectMemory", "200m"), Map.entry("resources.limits.memory", "2Gi"),
                Map.entry("terminationGracePeriodSeconds", 90)));
        assertThat(chart.one(ConfigMap.class).getData()).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("ERASURE_CODEC_KERNEL", "scalar"), Map.entry("ERASURE_CODEC_CACHE_SIZE", "8"),
                Map.entry("ERASURE_JOBS_WORKERS", "3"), Map.entry("ERASURE_JOBS_QUEUE_CAPACITY", "500"),
                Map.entry("ERASURE_JOBS_DEADLINE", "2m"), Map.entry("ERASURE_JOBS_RETRY_AFTER", "7s"),
                Map.entry("ERASURE_JOBS_INLINE_MAX_BYTES", "0"),
                Map.entry("ERASURE_BUFFER_BUDGET", "1G"), Map.entry("ERASURE_BUFFER_TRACK_ALLOCATIONS", "true"),
                Map.entry("ERASURE_API_MAX_BODY_SIZE", "256M"), Map.entry("ERASURE_API_MAX_PARTS", "64"),
                Map.entry("ERASURE_API_MAX_PART_HEADER_SIZE", "16K"),
                Map.entry("ERASURE_API_MAX_REQUEST_LINE", "8K"), Map.entry("ERASURE_API_MAX_HEADER_SIZE", "32K"),
                Map.entry("ERASURE_API_MIN_BODY_RATE", "1K"),
                Map.entry("ERASURE_API_BODY_RATE_WINDOW", "10s"), Map.entry("ERASURE_API_MAX_BODY_TIME", "5m"),
                Map.entry("ERASURE_API_MAX_JSON_BODY_SIZE", "2M"), Map.entry("ERASURE_API_LEND_BODY_CHUNKS", "false"),
                Map.entry("ERASURE_API_HTTP2_CLEAR_TEXT", "true"),
                Map.entry("ERASURE_API_COALESCE_RESPONSE_SIZE", "64K"),
                Map.entry("ERASURE_SHUTDOWN_TIMEOUT", "60s"),
                Map.entry("ERASURE_STREAM_MAX_CELL_SIZE", "8M"), Map.entry("ERASURE_STREAM_MAX_OBJECT_SIZE", "20G"),
                Map.entry("ERASURE_STREAM_DEPTH", "6"),
                Map.entry("QUARKUS_SHUTDOWN_DELAY_ENABLED", "false"), Map.entry("QUARKUS_SHUTDOWN_DELAY", "0s"),
                Map.entry("QUARKUS_HTTP_PORT", "9090")));
        Deployment deployment = chart.one(Deployment.class);
        Container container = serviceContainer(deployment);
        assertThat(container.getPorts().getFirst().getContainerPort()).isEqualTo(9090);
        assertThat(container.getArgs()).containsExactly("-Xmx256m", "-XX:MaxDirectMemorySize=200m");
        assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(90L);
    }

    @Test
    void configChangesRollThePods() {
        String before = checksum(RenderedChart.render(Map.of()));
        String after = checksum(RenderedChart.render(Map.of("config.jobs.workers", 2)));
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void jvmFlavorPassesMemoryFlagsThroughJavaToolOptions() {
        Container container = serviceContainer(RenderedChart.render(Map.of(
                "image.flavor", "jvm", "extraEnv[0].name", "QUARKUS_LOG_LEVEL", "extraEnv[0].value", "DEBUG"))
                .one(Deployment.class));
        assertThat(container.getArgs()).isNullOrEmpty();
        assertThat(container.getEnv()).extracting(EnvVar::getName, EnvVar::getValue).containsExactly(
                tuple("JAVA_TOOL_OPTIONS", "-Xmx256m -XX:MaxDirectMemorySize=128m"),
                tuple("QUARKUS_LOG_LEVEL", "DEBUG"));
    }

    @Test
    void withoutAutoscalingTheDeploymentOwnsTheReplicaCount() {
        RenderedChart chart = RenderedChart.render(Map.of("autoscaling.enabled", false, "replicaCount", 3));
        assertThat(chart.find(HorizontalPodAutoscaler.class)).isEmpty();
        assertThat(chart.one(Deployment.class).getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void hpaBoundsFollowTheValues() {
        HorizontalPodAutoscaler hpa = RenderedChart.render(Map.of(
                "autoscaling.minReplicas", 3, "autoscaling.maxReplicas", 3,
                "autoscaling.targetCPUUtilizationPercentage", 55)).one(HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(3);
        assertThat(hpa.getSpec().getMetrics().getFirst().getResource().getTarget().getAverageUtilization()).isEqualTo(55);
    }

    @Test
    void serviceMonitorScrapesQuarkusMetricsWhenEnabled() {
        RenderedChart chart = RenderedChart.render(Map.of(
                "serviceMonitor.enabled", true, "serviceMonitor.labels.release", "kube-prometheus-stack"));
        ServiceMonitor monitor = chart.find(ServiceMonitor.class).orElseThrow();
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        assertThat(monitor.getSpec().getEndpoints()).singleElement().satisfies(endpoint -> {
            assertThat(endpoint.getPort()).isEqualTo("http");
            assertThat(endpoint.getPath()).isEqualTo("/q/metrics");
            assertThat(endpoint.getInterval()).isEqualTo("30s");
        });
        assertThat(monitor.getSpec().getSelector().getMatchLabels())
                .isEqualTo(chart.one(Deployment.class).getSpec().getSelector().getMatchLabels());
    }

    @Test
    void optionalResourcesCanBeSwitchedOff() {
        RenderedChart chart = RenderedChart.render(Map.of(
                "podDisruptionBudget.enabled", false, "serviceAccount.create", false));
        assertThat(chart.find(PodDisruptionBudget.class)).isEmpty();
        assertThat(chart.find(ServiceAccount.class)).isEmpty();
        assertThat(chart.one(Deployment.class).getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("default");
    }

    @Test
    void testHookUsesTheConfiguredShapeAndServicePort() {
        Pod hook = RenderedChart.render(Map.of("tests.dataShards", 10, "tests.parityShards", 4,
                "tests.objectSize", 1_000_001, "service.port", 8080, "fullnameOverride", "ec")).one(Pod.class);
        assertThat(hook.getSpec().getContainers().getFirst().getEnv())
                .extracting(EnvVar::getName, EnvVar::getValue).containsExactly(
                        tuple("ERASURE_URL", "http://ec:8080"), tuple("DATA_SHARDS", "10"),
                        tuple("PARITY_SHARDS", "4"), tuple("OBJECT_SIZE", "1000001"));
    }

    @Test
    void refusesAGracePeriodThatEndsBeforeTheDrain() {
        assertRenderFails(Map.of("terminationGracePeriodSeconds", 41),
                "terminationGracePeriodSeconds (41) must exceed preStopSleepSeconds + 2 x config.shutdown.delaySeconds"
                        + " + config.shutdown.timeoutSeconds + 2 (5 + 2 x 2 + 30 + 2 = 41)");
    }

    @Test
    void refusesInvertedHpaBounds() {
        assertRenderFails(Map.of("autoscaling.minReplicas", 5, "autoscaling.maxReplicas", 4),
                "autoscaling.minReplicas (5) must be <= autoscaling.maxReplicas (4)");
    }

    @Test
    void refusesAMemoryLimitThatCannotHoldHeapDirectBuffersAndTheShardBudget() {
        assertRenderFails(Map.of("config.buffer.budget", "1G"),
                "resources.limits.memory (1280Mi) must exceed memory.maxHeap + memory.maxDirectMemory"
                        + " + config.buffer.budget (256m + 128m + 1G)");
        assertRenderFails(Map.of("resources.limits.memory", "896Mi"),
                "resources.limits.memory (896Mi) must exceed memory.maxHeap + memory.maxDirectMemory"
                        + " + config.buffer.budget (256m + 128m + 512M)");
        assertRenderFails(Map.of("memory.maxHeap", "lots"),
                "memory.maxHeap must be a size such as 512M, 640m, 1Gi or 1280Mi (got \"lots\")");
    }

    @Test
    void refusesUnknownKernelAndFlavor() {
        assertRenderFails(Map.of("config.codec.kernel", "avx2"),
                "config.codec.kernel must be one of auto, isal, vector, scalar (got \"avx2\")");
        assertRenderFails(Map.of("image.flavor", "wasm"), "image.flavor must be native or jvm (got \"wasm\")");
    }

    private static void assertRenderFails(Map<String, Object> sets, String message) {
        assertThatThrownBy(() -> RenderedChart.template(sets).call())
                .as("render with %s", sets)
                .hasMessageContaining(message);
    }

    private static String checksum(RenderedChart chart) {
        return chart.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
    }
}
