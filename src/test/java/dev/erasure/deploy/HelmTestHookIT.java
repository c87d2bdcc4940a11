package dev.erasure.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The chart's {@code helm test} script, exactly as rendered, run against the packaged service: it
 * encodes a random object, drops the first parity-count shards, decodes the rest and compares.
 * Needs the HTTP API (the api branch); until it is present this reports itself as skipped.
 */
@QuarkusIntegrationTest
class HelmTestHookIT {

    @Test
    void helmTestRoundTripPassesAgainstThePackagedService() throws Exception {
        String base = RestAssured.baseURI + ":" + RestAssured.port;
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed: the helm test script cannot run");
        assumeTrue(encodeRouteExists(base), "POST /v1/encode answers 404: the HTTP API (api branch) is not on this branch yet");
        for (Map<String, Object> shape : List.<Map<String, Object>>of(
                Map.of(), Map.of("tests.dataShards", 10, "tests.parityShards", 4, "tests.objectSize", 1_048_583))) {
            Pod hook = RenderedChart.render(shape).one(Pod.class);
            Container container = hook.getSpec().getContainers().getFirst();
            ProcessBuilder script = new ProcessBuilder("/bin/sh", "-c", container.getArgs().getFirst()).redirectErrorStream(true);
            for (EnvVar env : container.getEnv()) {
                script.environment().put(env.getName(), env.getValue());
            }
            script.environment().put("ERASURE_URL", base);
            Process running = script.start();
            String output = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(running.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(running.exitValue()).as("helm test script with %s:\n%s", shape, output).isZero();
            assertThat(output).contains("round trip ok");
        }
    }

    private static boolean encodeRouteExists(String base) throws Exception {
        HttpRequest probe = HttpRequest.newBuilder(URI.create(base + "/v1/encode?k=2&m=1"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3})).build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() != 404;
        }
    }
}
