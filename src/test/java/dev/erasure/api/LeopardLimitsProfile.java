package dev.erasure.api;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Limits raised to carry a 1000+200 Leopard-RS stripe of 64 KiB shards (about 79 MB of parts):
 * 2000 parts, 160 MiB bodies, a 1 GiB native budget, and a 120 s job deadline so a cold JIT on a
 * loaded test machine does not turn the first large job into a 503.
 */
public class LeopardLimitsProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "erasure.api.max-parts", "2000",
                "erasure.api.max-body-size", "160M",
                "erasure.buffer.budget", "1G",
                "erasure.jobs.deadline", "120s");
    }
}
