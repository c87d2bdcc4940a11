package dev.erasure.reliability;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Short body limits for the slow-upload tests: an 8 MiB native budget, 4 MiB bodies, bodies must
 * arrive at 16 KiB/s or more (averaged over 1 s) and within 3 s. The idle timeout stays at its
 * production value, so only the new limits can cut the slow clients off.
 */
public class SlowUploadProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "erasure.jobs.workers", "1",
                "erasure.buffer.budget", "8M",
                "erasure.api.max-body-size", "4M",
                "erasure.api.min-body-rate", "16K",
                "erasure.api.body-rate-window", "1s",
                "erasure.api.max-body-time", "3s");
    }
}
