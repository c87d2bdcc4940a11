package dev.erasure.api.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * Access control settings, {@code erasure.security.*}. Off by default (local use); the Helm chart
 * turns it on and passes the keys from a Kubernetes Secret as the environment variable
 * {@code ERASURE_SECURITY_API_KEYS}. Checked at start by {@link ApiKeys#of}: enabled without a key,
 * or a key shorter than {@value ApiKeys#MIN_KEY_LENGTH} characters, stops the start.
 */
@ConfigMapping(prefix = "erasure.security")
public interface SecurityConfig {

    /**
     * Require an API key on every request except {@code /q/health/*}. Defaults to {@code false}.
     */
    @WithDefault("false")
    boolean enabled();

    /**
     * The accepted keys, comma-separated (several keys allow rotation without downtime). Sent by
     * clients as {@code X-API-Key: <key>} or {@code Authorization: Bearer <key>}. No default; never
     * logged.
     */
    Optional<List<String>> apiKeys();
}
