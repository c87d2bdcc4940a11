package dev.erasure.api.security;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The service as the Helm chart runs it with keys set: access control on, two keys accepted (the
 * current one and the one being rotated out).
 */
public class SecuredProfile implements QuarkusTestProfile {

    public static final String CURRENT_KEY = "test-key-current-7f3a9c1e5b2d4f60";
    public static final String PREVIOUS_KEY = "test-key-previous-0a1b2c3d4e5f6071";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "erasure.security.enabled", "true",
                "erasure.security.api-keys", CURRENT_KEY + "," + PREVIOUS_KEY);
    }
}
