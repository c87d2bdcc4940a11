package dev.erasure.loadtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every k6 script's flows pass their own byte-exact checks against the service started by this
 * test, and leave no native memory behind. k6 cannot be installed here, so
 * {@code load-tests/tools/run-flows.mjs} evaluates each script in node with stand-ins of the k6
 * modules whose {@code k6/http} sends real requests through curl: setup() (health check, encode
 * with {@code Accept: application/json}), then two iterations of every scenario.
 */
@QuarkusTest
class K6FlowsAgainstServiceTest {

    private static final Path LOAD_TESTS = Path.of("load-tests").toAbsolutePath();
    private static final Pattern NATIVE_BYTES = Pattern.compile("(?m)^erasure_native_bytes_in_use(?:_bytes)? (\\S+)$");

    @TestHTTPResource("/")
    URL base;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void toolsAndRoutesArePresent() throws Exception {
        ExternalCommand.assumeInstalled("node", "running the k6 flows against the service");
        ExternalCommand.assumeInstalled("curl", "running the k6 flows against the service");
        HttpResponse<String> echo = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).header("Content-Type", "application/octet-stream")
                .build(), HttpResponse.BodyHandlers.ofString());
        assumeTrue(echo.statusCode() != 404, "POST /v1/echo answers 404: the api routes are not in this build");
    }

    private String baseUrl() {
        return base.toString().replaceAll("/+$", "");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "echo-baseline.js   |",
        "encode-small.js    |",
        "encode-large.js    | SIZE=100000",
        "decode-erasures.js | SIZE=100000",
        "decode-erasures.js | SIZE=1000 K=3 M=2 ERASURES=2 SHARD_FORMAT=json CODEC=rs-cauchy",
        "reconstruct.js     | SIZE=100000 SHARD_FORMAT=form",
        "mixed.js           | LARGE_SIZE=100000",
        "stream-encode.js   | SIZE=100000 CELL=4096",
    })
    void scriptPassesItsChecks(String script, String environment) throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "BASE_URL=" + baseUrl()));
        if (environment != null) {
            command.addAll(List.of(environment.trim().split("\\s+")));
        }
        command.addAll(List.of("node", "--experimental-vm-modules", "--no-warnings", "tools/run-flows.mjs", script, "2"));

        ExternalCommand result = ExternalCommand.run(LOAD_TESTS, command);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).doesNotContain("FAIL").contains("ok 1/1 service is ready")
                .containsPattern("ok \\d+/\\d+ \\w+: status 200");
        assertThat(nativeBytesInUseAfterIdle()).as("native bytes in use once the flows are done").isZero();
    }

    /**
     * Polls /q/metrics (bounded, not a timing assertion) until erasure_native_bytes_in_use reads 0
     * and returns the last value; 0 when the build has no such gauge (ops not merged).
     */
    private double nativeBytesInUseAfterIdle() throws Exception {
        double value = -1;
        for (int i = 0; i < 200; i++) {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher gauge = NATIVE_BYTES.matcher(metrics);
            if (!gauge.find()) {
                return 0;
            }
            value = Double.parseDouble(gauge.group(1));
            if (value == 0) {
                return 0;
            }
            Thread.sleep(25);
        }
        return value;
    }
}
