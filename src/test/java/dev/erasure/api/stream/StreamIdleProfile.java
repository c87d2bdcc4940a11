package dev.erasure.api.stream;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** {@link StreamProfile} with a 1 s {@code quarkus.http.idle-timeout}, so a stalled client is cut off quickly. */
public class StreamIdleProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("erasure.buffer.budget", "64M", "erasure.stream.depth", Integer.toString(StreamProfile.DEPTH),
                "quarkus.http.idle-timeout", "1s");
    }
}
