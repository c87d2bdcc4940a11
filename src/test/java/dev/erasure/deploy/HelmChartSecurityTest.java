package dev.erasure.deploy;

import static dev.erasure.deploy.HelmChartTest.serviceContainer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Access control and TLS in the chart (values {@code security} and {@code tls}): off by default;
 * keys set (inline or as an existing Secret) turn access control on and reach the service, the
 * ServiceMonitor and the {@code helm test} pod only as Secret references; TLS mounts the Secret and
 * moves probes to HTTPS when plain HTTP is disabled.
 */
class HelmChartSecurityTest {

    static final String KEY_1 = "0123456789abcdef-first";
    static final String KEY_2 = "0123456789abcdef-second";
    // Commas in a --set value separate assignments; "," is a literal comma.

    @Test
    void defaultsHaveNoSecretAndNoSecurityEnvironment() {
        RenderedChart chart = RenderedChart.render(Map.of("serviceMonitor.enabled", true));
        assertThat(chart.find(Secret.class)).isEmpty();
        Deployment deployment = chart.one(Deployment.class);
        assertThat(serviceContainer(deployment).getEnv()).extracting(EnvVar::getName)
                .noneMatch(name -> name.startsWith("ERASURE_SECURITY") || name.startsWith("QUARKUS_HTTP_SSL"));
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).doesNotContainKey("checksum/api-keys");
        assertThat(chart.one(ServiceMonitor.class).getSpec().getEndpoints().getFirst().getAuthorization()).isNull();
        assertThat(hookEnv(chart, "ERASURE_API_KEYS")).isEmpty();
    }

    @Test
    void inlineKeysCreateASecretThatEveryConsumerReferences() {
        RenderedChart chart = RenderedChart.render(Map.of(
                "security.apiKeys", KEY_1 + ", " + KEY_2, "serviceMonitor.enabled", true));
        Secret secret = chart.one(Secret.class);
        assertThat(secret.getMetadata().getName()).isEqualTo("erasure-erasure-service-api-keys");
        assertThat(secret.getStringData()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "api-keys", KEY_1 + ", " + KEY_2, "metrics-key", KEY_1));

        Deployment deployment = chart.one(Deployment.class);
        Container container = serviceContainer(deployment);
        assertThat(env(container, "ERASURE_SECURITY_ENABLED")).map(EnvVar::getValue).contains("true");
        assertThat(secretRef(env(container, "ERASURE_SECURITY_API_KEYS")))
                .isEqualTo(new SecretKeySelector("api-keys", "erasure-erasure-service-api-keys", null));
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("checksum/api-keys");
        assertThat(secretRef(hookEnv(chart, "ERASURE_API_KEYS")))
                .isEqualTo(new SecretKeySelector("api-keys", "erasure-erasure-service-api-keys", null));

        Endpoint scrape = chart.one(ServiceMonitor.class).getSpec().getEndpoints().getFirst();
        assertThat(scrape.getAuthorization().getType()).isEqualTo("Bearer");
        assertThat(scrape.getAuthorization().getCredentials())
                .isEqualTo(new SecretKeySelector("metrics-key", "erasure-erasure-service-api-keys", null));
        assertThat(chart.manifests().stream().filter(m -> !(m.resource() instanceof Secret)).toList().toString())
                .as("no key outside the Secret").doesNotContain(KEY_1, KEY_2);
    }

    @Test
    void keyRotationRollsThePods() {
        String before = keysChecksum(RenderedChart.render(Map.of("security.apiKeys", KEY_1)));
        String after = keysChecksum(RenderedChart.render(Map.of("security.apiKeys", KEY_1 + "," + KEY_2)));
        assertThat(after).isNotBlank().isNotEqualTo(before);
    }

    @Test
    void existingSecretIsReferencedAndNoSecretIsRendered() {
        RenderedChart chart = RenderedChart.render(Map.of("security.existingSecret", "erasure-keys",
                "security.existingSecretKey", "keys", "security.existingSecretMetricsKey", "prometheus",
                "serviceMonitor.enabled", true));
        assertThat(chart.find(Secret.class)).isEmpty();
        Container container = serviceContainer(chart.one(Deployment.class));
        assertThat(env(container, "ERASURE_SECURITY_ENABLED")).map(EnvVar::getValue).contains("true");
        assertThat(secretRef(env(container, "ERASURE_SECURITY_API_KEYS")))
                .isEqualTo(new SecretKeySelector("keys", "erasure-keys", null));
        assertThat(secretRef(hookEnv(chart, "ERASURE_API_KEYS"))).isEqualTo(new SecretKeySelector("keys", "erasure-keys", null));
        assertThat(chart.one(ServiceMonitor.class).getSpec().getEndpoints().getFirst().getAuthorization().getCredentials())
                .isEqualTo(new SecretKeySelector("prometheus", "erasure-keys", null));
        assertThat(chart.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations())
                .doesNotContainKey("checksum/api-keys");
    }

    @Test
    void existingSecretWithoutAMetricsEntryScrapesWithTheKeysEntry() {
        Endpoint scrape = RenderedChart.render(Map.of("security.existingSecret", "erasure-keys", "serviceMonitor.enabled", true))
                .one(ServiceMonitor.class).getSpec().getEndpoints().getFirst();
        assertThat(scrape.getAuthorization().getCredentials()).isEqualTo(new SecretKeySelector("api-keys", "erasure-keys", null));
    }

    @Test
    void refusesAccessControlWithoutKeysAndShortKeys() {
        assertRenderFails(Map.of("security.enabled", true),
                "security.enabled is true but no key source is set: set security.apiKeys");
        assertRenderFails(Map.of("security.apiKeys", KEY_1 + ",short"),
                "security.apiKeys: key #2 must have >= 16 characters (got 5)");
    }

    @Test
    void tlsMountsTheSecretAndMovesProbesToHttps() {
        RenderedChart chart = RenderedChart.render(Map.of("tls.enabled", true, "tls.secretName", "erasure-tls",
                "serviceMonitor.enabled", true));
        Deployment deployment = chart.one(Deployment.class);
        Container container = serviceContainer(deployment);
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes()).filteredOn(volume -> volume.getSecret() != null)
                .singleElement().satisfies(volume -> assertThat(volume.getSecret().getSecretName()).isEqualTo("erasure-tls"));
        assertThat(container.getVolumeMounts()).anySatisfy(mount -> {
            assertThat(mount.getMountPath()).isEqualTo("/etc/erasure/tls");
            assertThat(mount.getReadOnly()).isTrue();
        });
        assertThat(env(container, "QUARKUS_HTTP_SSL_CERTIFICATE_FILES")).map(EnvVar::getValue).contains("/etc/erasure/tls/tls.crt");
        assertThat(env(container, "QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES")).map(EnvVar::getValue).contains("/etc/erasure/tls/tls.key");
        assertThat(env(container, "QUARKUS_HTTP_SSL_PORT")).map(EnvVar::getValue).contains("8443");
        assertThat(env(container, "QUARKUS_HTTP_INSECURE_REQUESTS")).map(EnvVar::getValue).contains("disabled");
        assertThat(container.getPorts()).anySatisfy(port -> {
            assertThat(port.getName()).isEqualTo("https");
            assertThat(port.getContainerPort()).isEqualTo(8443);
        });
        for (Probe probe : List.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe())) {
            assertThat(probe.getHttpGet().getScheme()).isEqualTo("HTTPS");
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("https");
        }
        assertThat(chart.one(Service.class).getSpec().getPorts()).extracting(ServicePort::getName).containsExactly("https");
        Endpoint scrape = chart.one(ServiceMonitor.class).getSpec().getEndpoints().getFirst();
        assertThat(scrape.getScheme()).isEqualTo("https");
        assertThat(scrape.getPort()).isEqualTo("https");
        assertThat(hookEnv(chart, "ERASURE_URL")).map(EnvVar::getValue).contains("https://erasure-erasure-service:443");
    }

    @Test
    void tlsWithPlainHttpKeptProbesOverHttp() {
        RenderedChart chart = RenderedChart.render(Map.of("tls.enabled", true, "tls.secretName", "erasure-tls",
                "tls.insecureRequests", "enabled"));
        Container container = serviceContainer(chart.one(Deployment.class));
        assertThat(container.getReadinessProbe().getHttpGet().getScheme()).isNull();
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(chart.one(Service.class).getSpec().getPorts()).extracting(ServicePort::getName).containsExactly("http", "https");
    }

    @Test
    void refusesTlsWithoutASecretOrWithAnUnknownMode() {
        assertRenderFails(Map.of("tls.enabled", true), "tls.enabled is true but tls.secretName is empty");
        assertRenderFails(Map.of("tls.enabled", true, "tls.secretName", "t", "tls.insecureRequests", "maybe"),
                "tls.insecureRequests must be disabled, redirect or enabled (got \"maybe\")");
    }

    @Test
    void notesSayWhereTheKeysAreAndHowToReachHttps() {
        String notes = new Helm(RenderedChart.CHART).install().withName(RenderedChart.RELEASE).withNamespace("coding")
                .set("security.existingSecret", "erasure-keys").set("tls.enabled", true).set("tls.secretName", "erasure-tls")
                .dryRun().clientOnly().call().getOutput();
        assertThat(notes).contains("Access control: ON", "Secret erasure-keys, entry api-keys",
                "HTTPS on Service port 443 (Secret erasure-tls); plain HTTP disabled", "https://localhost:8443");
    }

    private static Optional<EnvVar> env(Container container, String name) {
        return Optional.ofNullable(container.getEnv()).orElse(List.of()).stream()
                .filter(env -> env.getName().equals(name)).findFirst();
    }

    private static Optional<EnvVar> hookEnv(RenderedChart chart, String name) {
        return env(chart.one(Pod.class).getSpec().getContainers().getFirst(), name);
    }

    private static SecretKeySelector secretRef(Optional<EnvVar> env) {
        assertThat(env).as("environment variable").isPresent();
        assertThat(env.get().getValue()).as("%s carries no value, only a reference", env.get().getName()).isNull();
        return env.get().getValueFrom().getSecretKeyRef();
    }

    private static String keysChecksum(RenderedChart chart) {
        return chart.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/api-keys");
    }

    private static void assertRenderFails(Map<String, Object> sets, String message) {
        assertThatThrownBy(() -> RenderedChart.template(sets).call()).as("render with %s", sets).hasMessageContaining(message);
    }
}
