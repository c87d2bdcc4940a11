package dev.erasure.api.stream;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The streamed endpoints against a 64 MiB native budget and a pipeline depth of 4. */
public class StreamProfile implements QuarkusTestProfile {

    static final long BUDGET = 64L << 20;
    static final int DEPTH = 4;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("erasure.buffer.budget", "64M", "erasure.stream.depth", Integer.toString(DEPTH));
    }
}
