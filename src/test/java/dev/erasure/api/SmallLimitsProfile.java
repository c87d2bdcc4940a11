package dev.erasure.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Small limits and a deliberately slow, tiny executor, so that saturation, body limits and
 * dropped connections are reached with small requests: one worker on the scalar kernel, a queue of
 * one, an 8 MiB native budget, 1 MiB bodies, 8 parts, 256-byte part headers.
 */
public class SmallLimitsProfile implements QuarkusTestProfile {

    static final long BODY_LIMIT = 1024 * 1024;
    static final long BUDGET = 8L * 1024 * 1024;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "erasure.codec.kernel", "scalar",
                "erasure.jobs.workers", "1",
                "erasure.jobs.queue-capacity", "1",
                "erasure.jobs.retry-after", "2s",
                "erasure.buffer.budget", "8M",
                "erasure.api.max-body-size", "1M",
                "erasure.api.max-parts", "8",
                "erasure.api.max-part-header-size", "256");
    }
}
