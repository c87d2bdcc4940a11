package dev.erasure.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.erasure.api.ShardSets.Part;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs every {@code curl} line of the README's api section against the test server (port
 * substituted) in a scratch directory holding {@code object.bin} and its shards, then checks what
 * each example wrote. An example that stops working fails the build.
 */
@QuarkusTest
class ReadmeExamplesTest extends ApiTestBase {

    private Path dir;

    static List<String> curlLines() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("<!-- section:api -->"), readme.indexOf("<!-- /section:api -->"));
        return section.lines().filter(line -> line.startsWith("curl ")).toList();
    }

    @Test
    void everyCurlExampleOfTheReadmeWorks() throws Exception {
        assumeTrue(new File("/usr/bin/curl").canExecute() || new File("/bin/curl").canExecute(),
                "curl is not installed; the README examples cannot be run");
        dir = Files.createTempDirectory("readme-examples");
        try {
            runExamples();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    private void runExamples() throws Exception {
        byte[] object = ShardSets.randomBytes(new Random(1000), 1000);
        Files.write(dir.resolve("object.bin"), object);
        JsonPath shards = given().contentType("application/octet-stream").accept("application/json").body(object)
                .post("/v1/encode?k=4&m=2").then().statusCode(200).extract().jsonPath();
        for (int i = 0; i < 6; i++) {
            Files.write(dir.resolve("shard-" + i + ".bin"), Base64.getDecoder().decode(shards.getString("shards[" + i + "].data")));
        }
        List<String> lines = curlLines();
        assertThat(lines).as("curl examples in the README's api section").hasSizeGreaterThanOrEqualTo(8);
        for (String line : lines) {
            String command = line.replace("http://localhost:8080", "http://localhost:" + RestAssured.port);
            Process curl = new ProcessBuilder("bash", "-c", command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(curl.exitValue()).as("exit code of %s (output: %s)", line, output).isZero();
        }
        checkOutputs(object);
    }

    private void checkOutputs(byte[] object) throws Exception {
        assertThat(Files.readAllBytes(dir.resolve("decoded.bin"))).isEqualTo(object);
        assertThat(Files.readAllBytes(dir.resolve("echo.bin"))).isEqualTo(object);
        assertThat(Files.readString(dir.resolve("verify.json")))
                .isEqualTo("{\"consistent\":true,\"mismatchedParity\":[],\"corruptShards\":[]}");
        assertThat(Files.readAllBytes(dir.resolve("corrected.bin"))).isEqualTo(object);
        assertThat(Files.readString(dir.resolve("corrected.headers")).toLowerCase()).contains("corrected-shards:");
        assertThat(Files.readString(dir.resolve("problem.json"))).contains("\"status\":400")
                .contains("\"detail\":\"k + m must be <= 256 (got 300)\"");
        assertThat(JsonPath.from(dir.resolve("shards.json").toFile()).getInt("shards.size()")).isEqualTo(6);
        assertThat(JsonPath.from(dir.resolve("codecs.json").toFile()).getList("codecs.name", String.class))
                .contains("rs-vandermonde", "rs-cauchy", "zfec", "isal-rs", "jerasure-reed-sol-van");
        assertThat(parts("shards.multipart")).extracting(Part::index).containsExactly(0, 1, 2, 3, 4, 5);
        List<Part> parity = parts("parity.multipart");
        assertThat(parity).extracting(Part::index).containsExactly(4, 5);
        assertThat(parity.get(0).data()).isEqualTo(Files.readAllBytes(dir.resolve("shard-4.bin")));
        List<Part> rebuilt = parts("rebuilt.multipart");
        assertThat(rebuilt).extracting(Part::index).containsExactly(0, 3);
        assertThat(rebuilt.get(1).data()).isEqualTo(Files.readAllBytes(dir.resolve("shard-3.bin")));
    }

    /** Parses a saved multipart/mixed body; its boundary is the text after the leading "--" on the first line. */
    private List<Part> parts(String file) throws Exception {
        byte[] body = Files.readAllBytes(dir.resolve(file));
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String boundary = text.substring(2, text.indexOf("\r\n"));
        return ShardSets.parseMixed("multipart/mixed; boundary=" + boundary, body);
    }
}
