package dev.erasure.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class EnvironmentCheckTest {

    @Test
    void settingNames_areTheMappedKeysPlusTheSecurityOnes() {
        SmallRyeConfig config = SettingsTest.configSource(Map.of());
        TreeSet<String> mapped = new TreeSet<>();
        StreamSupport.stream(config.getPropertyNames().spliterator(), false)
                .filter(name -> name.startsWith("erasure.")).forEach(mapped::add);

        List<String> names = EnvironmentCheck.settingNames();

        assertThat(mapped).hasSize(25);
        assertThat(names).containsAll(mapped).contains("erasure.security.enabled", "erasure.security.api-keys")
                .hasSize(mapped.size() + 2).doesNotHaveDuplicates();
    }

    /** The environment name of every setting is the one the configuration reads it from. */
    @Test
    void envNames_areReadByTheConfiguration() {
        for (String setting : EnvironmentCheck.settingNames()) {
            String env = EnvironmentCheck.envName(setting);
            SmallRyeConfig config = new SmallRyeConfigBuilder()
                    .withSources(new EnvConfigSource(Map.of(env, "marker"), 300)).build();
            assertThat(config.getConfigValue(setting).getValue()).as("%s read from %s", setting, env).isEqualTo("marker");
        }
    }

    @Test
    void aMisspelledVariableIsNamedWithTheNearestSetting() {
        List<String> warnings = EnvironmentCheck.warnings(Map.of(
                "ERASURE_JOBS_WORKER", "8",
                "ERASURE_JOBS_WORKERS", "8",
                "ERASURE_API_HTTP2_CLEARTEXT", "true",
                "ERASURE_SOMETHING_ELSE_ENTIRELY", "1",
                "PATH", "/usr/bin",
                "ERASURE_ERASURE_SERVICE_SERVICE_HOST", "10.0.0.1",
                "ERASURE_ERASURE_SERVICE_PORT_80_TCP_ADDR", "10.0.0.1",
                "ERASURE_ERASURE_SERVICE_PORT", "tcp://10.0.0.1:80"));

        assertThat(warnings).containsExactly(
                "Environment variable ERASURE_API_HTTP2_CLEARTEXT is set, but no setting of the service reads it "
                        + "(did you mean ERASURE_API_HTTP2_CLEAR_TEXT?); it is ignored",
                "Environment variable ERASURE_JOBS_WORKER is set, but no setting of the service reads it "
                        + "(did you mean ERASURE_JOBS_WORKERS?); it is ignored",
                "Environment variable ERASURE_SOMETHING_ELSE_ENTIRELY is set, but no setting of the service reads it; "
                        + "it is ignored");
    }

    @Test
    void theSettingsOfTheChartPassUnremarked() {
        Map<String, String> chart = new java.util.HashMap<>();
        EnvironmentCheck.settingNames().forEach(setting -> chart.put(EnvironmentCheck.envName(setting), "x"));

        assertThat(EnvironmentCheck.warnings(chart)).isEmpty();
    }
}
