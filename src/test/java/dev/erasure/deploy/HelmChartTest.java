package dev.erasure.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart under {@code helm/erasure-service}, linted and rendered by Helm itself, with every
 * manifest parsed strictly by the fabric8 model ({@link RenderedChart}). Specifies what an operator
 * gets from {@code helm install} with the defaults and with typical overrides.
 */
class HelmChartTest {

    /** The environment variables the service reads (Quarkus/SmallRye names of its settings). */
    static final List<String> SETTINGS = List.of(
            "ERASURE_CODEC_KERNEL", "ERASURE_CODEC_CACHE_SIZE", "ERASURE_JOBS_WORKERS",
            "ERASURE_JOBS_QUEUE_CAPACITY", "ERASURE_JOBS_DEADLINE", "ERASURE_JOBS_RETRY_AFTER",
            "ERASURE_JOBS_INLINE_MAX_BYTES",
            "ERASURE_BUFFER_BUDGET", "ERASURE_BUFFER_TRACK_ALLOCATIONS", "ERASURE_API_MAX_BODY_SIZE",
            "ERASURE_API_MAX_PARTS", "ERASURE_API_MAX_PART_HEADER_SIZE",
            "ERASURE_API_MAX_REQUEST_LINE", "ERASURE_API_MAX_HEADER_SIZE", "ERASURE_STREAM_MAX_CELL_SIZE",
            "ERASURE_STREAM_MAX_OBJECT_SIZE", "ERASURE_STREAM_DEPTH", "ERASURE_API_MIN_BODY_RATE",
            "ERASURE_API_BODY_RATE_WINDOW", "ERASURE_API_MAX_BODY_TIME", "ERASURE_API_MAX_JSON_BODY_SIZE",
            "ERASURE_API_LEND_BODY_CHUNKS", "ERASURE_API_HTTP2_CLEAR_TEXT", "ERASURE_API_COALESCE_RESPONSE_SIZE",
            "ERASURE_SHUTDOWN_TIMEOUT",
            "QUARKUS_SHUTDOWN_DELAY_ENABLED", "QUARKUS_SHUTDOWN_DELAY", "QUARKUS_HTTP_PORT");

    @Test
    void lintsCleanInStrictMode() {
        LintResult lint = new Helm(RenderedChart.CHART).lint().strict().call();
        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.startsWith("[ERROR]") || m.startsWith("[WARNING]"));
    }

    @Test
    void defaultsRenderOneResourceOfEachKindPerTemplate() {
        RenderedChart chart = RenderedChart.render(Map.of());
        Map<String, String> kindBySource = chart.manifests().stream()
                .collect(Collectors.toMap(RenderedChart.Manifest::source, m -> m.resource().getKind()));
        assertThat(kindBySource).containsExactlyInAnyOrderEntriesOf(Map.of(
                "templates/serviceaccount.yaml", "ServiceAccount",
                "templates/configmap.yaml", "ConfigMap",
                "templates/service.yaml", "Service",
                "templates/deployment.yaml", "Deployment",
                "templates/hpa.yaml", "HorizontalPodAutoscaler",
                "templates/pdb.yaml", "PodDisruptionBudget",
                "templates/tests/test-roundtrip.yaml", "Pod"));
        for (HasMetadata resource : chart.all(HasMetadata.class)) {
            assertThat(resource.getMetadata().getLabels())
                    .as("labels of %s", resource.getKind())
                    .containsEntry("app.kubernetes.io/name", "erasure-service")
                    .containsEntry("app.kubernetes.io/instance", RenderedChart.RELEASE)
                    .containsEntry("app.kubernetes.io/managed-by", "Helm")
                    .containsKey("helm.sh/chart");
        }
        assertThat(chart.find(ServiceMonitor.class)).as("ServiceMonitor is off by default").isEmpty();
    }

    @Test
    void deploymentProbesTheQuarkusHealthEndpointsOnTheHttpPort() {
        Container container = serviceContainer(RenderedChart.render(Map.of()).one(Deployment.class));
        assertThat(container.getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getName()).isEqualTo("http");
            assertThat(port.getContainerPort()).isEqualTo(8080);
        });
        assertHttpProbe(container.getStartupProbe(), "/q/health/started");
        assertHttpProbe(container.getLivenessProbe(), "/q/health/live");
        assertHttpProbe(container.getReadinessProbe(), "/q/health/ready");
        assertThat(container.getStartupProbe().getFailureThreshold() * container.getStartupProbe().getPeriodSeconds())
                .as("seconds the JVM image gets to start").isGreaterThanOrEqualTo(30);
    }

    @Test
    void podRunsNonRootWithAReadOnlyRootAndNoCapabilities() {
        Deployment deployment = RenderedChart.render(Map.of()).one(Deployment.class);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(1001L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        var security = serviceContainer(deployment).getSecurityContext();
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getRunAsUser()).isEqualTo(1001L);
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getPrivileged()).isFalse();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(serviceContainer(deployment).getVolumeMounts())
                .anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
        assertThat(pod.getVolumes()).anySatisfy(volume -> assertThat(volume.getEmptyDir()).isNotNull());
    }

    @Test
    void resourcesHoldHeapDirectBuffersAndShardBudgetAndNativeFlagsAreArguments() {
        Container container = serviceContainer(RenderedChart.render(Map.of()).one(Deployment.class));
        var resources = container.getResources();
        assertThat(resources.getRequests()).containsKeys("cpu", "memory");
        assertThat(resources.getLimits()).containsKeys("cpu", "memory");
        long limit = Quantity.getAmountInBytes(resources.getLimits().get("memory")).longValueExact();
        assertThat(limit).as("memory limit vs heap 256m + direct 128m + shard budget 512M")
                .isGreaterThan((256L + 128L + 512L) << 20);
        assertThat(container.getArgs()).containsExactly("-Xmx256m", "-XX:MaxDirectMemorySize=128m");
        assertThat(container.getEnv()).isNullOrEmpty();
    }

    @Test
    void gracePeriodOutlastsPreStopSleepShutdownDelayAndTimeout() {
        RenderedChart chart = RenderedChart.render(Map.of());
        Deployment deployment = chart.one(Deployment.class);
        Map<String, String> env = chart.one(ConfigMap.class).getData();
        List<String> preStop = serviceContainer(deployment).getLifecycle().getPreStop().getExec().getCommand();
        assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
        long drain = Long.parseLong(preStop.get(1)) + seconds(env.get("QUARKUS_SHUTDOWN_DELAY"))
                + seconds(env.get("ERASURE_SHUTDOWN_TIMEOUT"));
        assertThat(env).containsEntry("QUARKUS_SHUTDOWN_DELAY_ENABLED", "true");
        assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isGreaterThan(drain);
    }

    @Test
    void configMapCarriesEverySettingAndTheContainerLoadsIt() {
        RenderedChart chart = RenderedChart.render(Map.of());
        ConfigMap config = chart.one(ConfigMap.class);
        assertThat(config.getData()).containsOnlyKeys(SETTINGS).containsAllEntriesOf(Map.of(
                "ERASURE_CODEC_KERNEL", "auto", "ERASURE_JOBS_WORKERS", "0", "ERASURE_JOBS_DEADLINE", "30s",
                "ERASURE_BUFFER_BUDGET", "512M", "ERASURE_API_MAX_BODY_SIZE", "64M",
                "ERASURE_SHUTDOWN_TIMEOUT", "30s", "QUARKUS_SHUTDOWN_DELAY", "2s", "QUARKUS_HTTP_PORT", "8080"));
        Deployment deployment = chart.one(Deployment.class);
        assertThat(serviceContainer(deployment).getEnvFrom()).singleElement()
                .satisfies(from -> assertThat(from.getConfigMapRef().getName()).isEqualTo(config.getMetadata().getName()));
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("checksum/config");
    }

    @Test
    void hpaScalesTheDeploymentWithinItsBoundsAndPdbKeepsOnePod() {
        RenderedChart chart = RenderedChart.render(Map.of());
        Deployment deployment = chart.one(Deployment.class);
        HorizontalPodAutoscaler hpa = chart.one(HorizontalPodAutoscaler.class);
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
        assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(metric -> {
            assertThat(metric.getResource().getName()).isEqualTo("cpu");
            assertThat(metric.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
        });
        assertThat(deployment.getSpec().getReplicas()).as("the HPA owns the replica count").isNull();
        PodDisruptionBudget pdb = chart.one(PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isLessThan(hpa.getSpec().getMinReplicas());
        assertThat(pdb.getSpec().getSelector().getMatchLabels())
                .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        Service service = chart.one(Service.class);
        assertThat(service.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(service.getSpec().getPorts()).singleElement()
                .satisfies(port -> assertThat(port.getTargetPort().getStrVal()).isEqualTo("http"));
        assertThat(chart.one(ServiceAccount.class).getAutomountServiceAccountToken()).isFalse();
    }

    @Test
    void helmTestHookRoundTripsThroughEncodeAndDecode() {
        RenderedChart chart = RenderedChart.render(Map.of());
        Pod hook = chart.one(Pod.class);
        assertThat(hook.getMetadata().getAnnotations()).containsEntry(RenderedChart.HOOK_ANNOTATION, "test");
        assertThat(hook.getSpec().getRestartPolicy()).isEqualTo("Never");
        Container test = hook.getSpec().getContainers().getFirst();
        assertThat(test.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(test.getEnv()).extracting(EnvVar::getName, EnvVar::getValue).contains(
                org.assertj.core.groups.Tuple.tuple("ERASURE_URL", "http://erasure-erasure-service:80"));
        assertThat(String.join("\n", test.getArgs())).contains("/v1/encode?k=", "/v1/decode?k=", "cmp ");
        assertThat(test.getResources().getLimits()).containsKeys("cpu", "memory");
    }

    @Test
    void notesTellHowToReachTestAndScaleTheRelease() {
        String notes = new Helm(RenderedChart.CHART).install().withName(RenderedChart.RELEASE).withNamespace("coding")
                .dryRun().clientOnly().call().getOutput();
        assertThat(notes).contains(
                "kubectl --namespace coding port-forward svc/erasure-erasure-service 8080:80",
                "curl -s http://localhost:8080/q/health/ready",
                "'http://localhost:8080/v1/encode?k=4&m=2'",
                "helm test erasure --namespace coding --logs",
                "HorizontalPodAutoscaler between 2 and 10 pods at 70% CPU",
                "Access control: OFF");
    }

    private static void assertHttpProbe(Probe probe, String path) {
        assertThat(probe).as("probe on %s", path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(probe.getPeriodSeconds()).isPositive();
        assertThat(probe.getTimeoutSeconds()).isPositive();
    }

    static Container serviceContainer(Deployment deployment) {
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
        return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    private static long seconds(String duration) {
        assertThat(duration).matches("[0-9]+s");
        return Long.parseLong(duration.substring(0, duration.length() - 1));
    }
}
