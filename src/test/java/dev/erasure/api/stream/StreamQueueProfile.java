package dev.erasure.api.stream;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * One worker and a job queue of one, every job handed to the worker (no inline jobs): a test that
 * occupies both fills the queue for the streams.
 */
public class StreamQueueProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("erasure.buffer.budget", "64M", "erasure.stream.depth", Integer.toString(StreamProfile.DEPTH),
                "erasure.jobs.workers", "1", "erasure.jobs.queue-capacity", "1", "erasure.jobs.inline-max-bytes", "0");
    }
}
