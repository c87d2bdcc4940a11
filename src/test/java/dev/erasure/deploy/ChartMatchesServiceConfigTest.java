package dev.erasure.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart maps every setting of the service and, out of the box, sets each to the service's own
 * default: read from the {@code @ConfigMapping} source {@code dev.erasure.ops.ErasureConfig} (its
 * nested groups and their {@code @WithDefault} values), so a setting added there without a chart
 * value fails here.
 */
class ChartMatchesServiceConfigTest {

    static final String NO_DEFAULT = "(no default)";
    static final Path APPLICATION_PROPERTIES = Path.of("src/main/resources/application.properties");
    static final Path CONFIG_MAPPING = Path.of("src/main/java/dev/erasure/ops/ErasureConfig.java");
    static final Path SECURITY_MAPPING = Path.of("src/main/java/dev/erasure/api/security/SecurityConfig.java");

    private static final Pattern GROUP = Pattern.compile("(?s)\\n    interface (\\w+) \\{(.*?)\\n    }");
    private static final Pattern SETTING = Pattern.compile(
            "(?s)(?:@WithDefault\\(\"([^\"]*)\"\\)\\s*)?(?:@\\w+(?:\\([^)]*\\))?\\s*)*[\\w.<>]+ (\\w+)\\(\\);");

    @Test
    void everySettingIsMappedWithTheServiceDefault() throws IOException {
        Map<String, String> defaults = serviceDefaults(Files.readString(CONFIG_MAPPING));
        assertThat(defaults).as("settings found in %s", CONFIG_MAPPING).isNotEmpty();
        Map<String, String> chart = RenderedChart.render(Map.of()).one(ConfigMap.class).getData();
        assertThat(chart).as("the chart's ConfigMap").containsKeys(defaults.keySet().toArray(String[]::new));
        defaults.values().removeIf(NO_DEFAULT::equals);
        assertThat(chart).as("the chart's ConfigMap").containsAllEntriesOf(defaults);
    }

    /**
     * Every {@code erasure.security.*} setting (read from {@code SecurityConfig}) is set on the
     * container when the chart's access control is on, and none is set when it is off (the
     * service's default, {@code enabled=false}, then applies). Keys come only from a Secret.
     */
    @Test
    void everySecuritySettingIsMappedWhenAccessControlIsOn() throws IOException {
        Matcher setting = SETTING.matcher(Files.readString(SECURITY_MAPPING).replaceAll("(?s)/\\*\\*.*?\\*/", ""));
        List<String> settings = new java.util.ArrayList<>();
        while (setting.find()) {
            settings.add("ERASURE_SECURITY_" + snake(setting.group(2)));
        }
        assertThat(settings).as("settings found in %s", SECURITY_MAPPING).contains("ERASURE_SECURITY_ENABLED");
        Map<String, EnvVar> on = containerEnv(RenderedChart.render(Map.of("security.existingSecret", "keys")));
        assertThat(on).as("container env with access control on").containsKeys(settings.toArray(String[]::new));
        assertThat(on.get("ERASURE_SECURITY_API_KEYS").getValueFrom().getSecretKeyRef().getName()).isEqualTo("keys");
        assertThat(containerEnv(RenderedChart.render(Map.of()))).as("container env with access control off")
                .doesNotContainKeys(settings.toArray(String[]::new));
    }

    private static Map<String, EnvVar> containerEnv(RenderedChart chart) {
        Map<String, EnvVar> env = new LinkedHashMap<>();
        var vars = HelmChartTest.serviceContainer(chart.one(Deployment.class)).getEnv();
        (vars == null ? List.<EnvVar>of() : vars).forEach(v -> env.put(v.getName(), v));
        return env;
    }

    /** The Quarkus settings the chart maps default to what application.properties sets (prod profile). */
    @Test
    void quarkusSettingsMatchApplicationProperties() throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(APPLICATION_PROPERTIES)) {
            properties.load(in);
        }
        Map<String, String> chart = RenderedChart.render(Map.of()).one(ConfigMap.class).getData();
        for (String key : List.of("quarkus.shutdown.delay", "quarkus.shutdown.delay-enabled",
                "quarkus.http.port")) {
            String env = key.toUpperCase(Locale.ROOT).replaceAll("[.-]", "_");
            assertThat(chart).as("chart default of %s (%s in %s)", env, key, APPLICATION_PROPERTIES)
                    .containsEntry(env, properties.getProperty(key));
        }
    }

    @Test
    void readsGroupsSettingsAndDefaultsFromAConfigMapping() {
        String source = """
                @ConfigMapping(prefix = "erasure")
                public interface ErasureConfig {
                    Jobs jobs();

                    interface Jobs {
                        /** Worker threads. */
                        @WithDefault("0")
                        int workers();

                        @WithDefault("30s")
                        Duration deadline();

                        Optional<String> queueName();
                    }
                }
                """;
        assertThat(serviceDefaults(source)).containsExactly(
                Map.entry("ERASURE_JOBS_WORKERS", "0"), Map.entry("ERASURE_JOBS_DEADLINE", "30s"),
                Map.entry("ERASURE_JOBS_QUEUE_NAME", NO_DEFAULT));
    }

    /** Environment name of each setting (ERASURE_GROUP_SETTING) and its default, or "(no default)". */
    static Map<String, String> serviceDefaults(String source) {
        Map<String, String> defaults = new LinkedHashMap<>();
        Matcher group = GROUP.matcher(source);
        while (group.find()) {
            Matcher setting = SETTING.matcher(group.group(2).replaceAll("(?s)/\\*\\*.*?\\*/", ""));
            while (setting.find()) {
                String env = "ERASURE_" + snake(group.group(1)) + "_" + snake(setting.group(2));
                defaults.put(env, setting.group(1) == null ? NO_DEFAULT : setting.group(1));
            }
        }
        return defaults;
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }
}
