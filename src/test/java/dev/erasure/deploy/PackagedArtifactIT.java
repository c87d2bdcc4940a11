package dev.erasure.deploy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Smoke test of the packaged artifact as the containers run it: the fast-jar here (with the JVM
 * flags of Dockerfile.jvm), the native executable wherever {@code -Pnative} builds one. The chart's
 * probes point at these endpoints, so they must answer UP on a started service.
 */
@QuarkusIntegrationTest
class PackagedArtifactIT {

    private static final List<String> KERNELS = List.of("isal", "vector", "scalar");
    private static final String QUARKUS_OWN_CHECK = "Graceful Shutdown";

    @ParameterizedTest
    @ValueSource(strings = {"/q/health/started", "/q/health/live", "/q/health/ready"})
    void probeEndpointsOfTheChartAnswerUp(String path) {
        given().when().get(path).then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsAreExposedForPrometheus() {
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("# TYPE"));
    }

    /** The README sends users to both; Quarkus serves Swagger UI only in dev and test unless told otherwise. */
    @Test
    void openApiAndSwaggerUiAreServedByThePackagedArtifact() {
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("/v1/encode"));
        given().redirects().follow(true).when().get("/q/swagger-ui").then().statusCode(200)
                .contentType(containsString("text/html")).body(containsString("swagger-ui"));
    }

    /**
     * Readiness names the kernel the service chose at start; a native executable never runs the
     * Vector API kernel (it would be many times slower than scalar there).
     */
    @Test
    void readinessReportsTheKernelAndNativeNeverUsesVector() throws IOException {
        JsonPath ready = given().when().get("/q/health/ready").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> checks = ready.getList("checks");
        assertThat(checks).as("readiness checks").isNotNull()
                .anySatisfy(check -> assertThat(check.get("name")).isNotEqualTo(QUARKUS_OWN_CHECK));
        List<String> kernels = checks.stream().map(check -> (Map<?, ?>) check.get("data"))
                .filter(data -> data != null && data.containsKey("kernel")).map(data -> String.valueOf(data.get("kernel")))
                .toList();
        assertThat(kernels).as("kernels reported by %s", checks).isNotEmpty().allSatisfy(k -> assertThat(KERNELS).contains(k));
        if (runsNativeExecutable()) {
            assertThat(kernels).as("kernel of the native executable").doesNotContain("vector");
        }
    }

    /** Quarkus records what it packaged (type=jar or type=native) in target/quarkus-artifact.properties. */
    private static boolean runsNativeExecutable() throws IOException {
        Path artifact = Path.of("target", "quarkus-artifact.properties");
        Properties properties = new Properties();
        try (var in = Files.newInputStream(artifact)) {
            properties.load(in);
        }
        return "native".equals(properties.getProperty("type"));
    }
}
