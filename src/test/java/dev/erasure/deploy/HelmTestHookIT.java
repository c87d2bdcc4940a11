package dev.erasure.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's {@code helm test} script, exactly as rendered, run against the packaged service: it
 * encodes a random object, drops the first parity-count shards, decodes the rest and compares, and
 * leaves no work files behind.
 */
@QuarkusIntegrationTest
class HelmTestHookIT {

    @Test
    void helmTestRoundTripPassesAgainstThePackagedService(@TempDir Path scriptTmp) throws Exception {
        String base = RestAssured.baseURI + ":" + RestAssured.port;
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed: the helm test script cannot run");
        for (Map<String, Object> shape : List.<Map<String, Object>>of(
                Map.of(), Map.of("tests.dataShards", 10, "tests.parityShards", 4, "tests.objectSize", 1_048_583))) {
            Pod hook = RenderedChart.render(shape).one(Pod.class);
            Container container = hook.getSpec().getContainers().getFirst();
            ProcessBuilder script = new ProcessBuilder("/bin/sh", "-c", container.getArgs().getFirst()).redirectErrorStream(true);
            for (EnvVar env : container.getEnv()) {
                script.environment().put(env.getName(), env.getValue());
            }
            script.environment().put("ERASURE_URL", base);
            script.environment().put("TMPDIR", scriptTmp.toString());
            Process running = script.start();
            String output = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(running.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(running.exitValue()).as("helm test script with %s:\n%s", shape, output).isZero();
            assertThat(output).contains("round trip ok");
            try (var left = Files.list(scriptTmp)) {
                assertThat(left).as("work files the script left behind").isEmpty();
            }
        }
    }
}
