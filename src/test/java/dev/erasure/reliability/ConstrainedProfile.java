package dev.erasure.reliability;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * A deliberately small service: one worker, a queue of two and an 8 MiB native budget, so overload
 * shows its effects with a few requests.
 */
public class ConstrainedProfile implements QuarkusTestProfile {

    static final long BUDGET = 8L * 1024 * 1024;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "erasure.jobs.workers", "1",
                "erasure.jobs.queue-capacity", "2",
                "erasure.buffer.budget", "8M",
                "erasure.jobs.retry-after", "2s");
    }
}
