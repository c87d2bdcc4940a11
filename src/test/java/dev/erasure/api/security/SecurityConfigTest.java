package dev.erasure.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The environment variables the README and the Helm instructions name really configure access
 * control: {@code ERASURE_SECURITY_ENABLED} and the comma-separated {@code ERASURE_SECURITY_API_KEYS}.
 */
class SecurityConfigTest {

    private static SecurityConfig fromEnvironment(Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(SecurityConfig.class)
                .withSources(new EnvConfigSource(env, 300))
                .build();
        return config.getConfigMapping(SecurityConfig.class);
    }

    @Test
    void defaults_areOffWithoutKeys() {
        SecurityConfig config = fromEnvironment(Map.of());

        assertThat(config.enabled()).isFalse();
        assertThat(config.apiKeys()).isEmpty();
    }

    @Test
    void environmentVariables_enableAndListTheKeys() {
        SecurityConfig config = fromEnvironment(Map.of("ERASURE_SECURITY_ENABLED", "true",
                "ERASURE_SECURITY_API_KEYS", "key-one-0123456789,key-two-0123456789"));

        assertThat(config.enabled()).isTrue();
        assertThat(config.apiKeys()).contains(List.of("key-one-0123456789", "key-two-0123456789"));
        assertThat(ApiKeys.of(config.apiKeys().orElseThrow()).matches("key-two-0123456789")).isTrue();
    }

    @Test
    void readmeExample_usesTheseVariables() throws IOException {
        assertThat(Files.readString(Path.of("README.md")))
                .contains("ERASURE_SECURITY_ENABLED=true ERASURE_SECURITY_API_KEYS=<key1>,<key2> bin/run");
    }
}
