package dev.erasure.reliability;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link ConstrainedProfile} with a 1 s {@code quarkus.http.idle-timeout}, so stalled clients are cut
 * off quickly. Separate from the overload profile: a 1 s idle timeout also cuts off clients whose
 * job waits in the queue for more than a second (no byte flows meanwhile), which is why the
 * production idle timeout must exceed the job deadline (docs/reliability.md).
 */
public class SlowClientProfile extends ConstrainedProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
        overrides.put("quarkus.http.idle-timeout", "1s");
        return overrides;
    }
}
