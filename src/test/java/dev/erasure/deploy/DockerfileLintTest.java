package dev.erasure.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.erasure.NodeTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dockerfile.native and Dockerfile.jvm pass dockerfile-utils (the validator of the VS Code Docker
 * language server, every optional rule raised to an error; run by tools/lint-dockerfiles.js) and
 * the project's policy: multi-stage, a header with the build and run commands, a final stage with
 * ISA-L that runs as uid 1001 with an exec-form ENTRYPOINT (so SIGTERM reaches the service) and no
 * HEALTHCHECK. Installs the linter with {@code npm ci --prefix tools} when tools/node_modules is absent.
 */
class DockerfileLintTest {

    private static final Path TOOLS = Path.of("tools");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ARG_REFERENCE = Pattern.compile("\\$\\{(\\w+)}");

    @BeforeAll
    static void installLinter() throws Exception {
        NodeTools.require("the Dockerfile linter", "dockerfile-ast", "dockerfile-utils");
    }

    @Test
    void nativeDockerfileIsCleanAndBuildsWithMandrelFromSources() throws Exception {
        JsonNode report = lint(Path.of("Dockerfile.native"));
        assertPolicy(report, Path.of("Dockerfile.native"), "docker build -f Dockerfile.native");
        List<JsonNode> stages = stages(report);
        assertThat(image(report, stages.get(stages.size() - 2))).contains("mandrel").contains("jdk-25");
        assertThat(instructions(stages.get(stages.size() - 2), "RUN"))
                .anySatisfy(run -> assertThat(run.get("arguments").asText()).contains("./mvnw").contains("-Pnative"));
    }

    @Test
    void jvmDockerfileIsCleanAndStartsTheFastJarWithTheServiceFlags() throws Exception {
        JsonNode report = lint(Path.of("Dockerfile.jvm"));
        assertPolicy(report, Path.of("Dockerfile.jvm"), "docker build -f Dockerfile.jvm");
        JsonNode entrypoint = instructions(stages(report).getLast(), "ENTRYPOINT").getFirst();
        assertThat(JSON.convertValue(entrypoint.get("json"), List.class))
                .contains("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-jar");
    }

    @Test
    void linterReportsBrokenDockerfiles(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("Dockerfile");
        Files.writeString(broken, "from debian:bookworm-slim\nWORKDIR relative/dir\nENTRYPOINT ['/app']\nEXPOSE abc\n");
        Result result = run(List.of("node", TOOLS.resolve("lint-dockerfiles.js").toString(), broken.toString()));
        assertThat(result.exitCode()).isEqualTo(1);
        JsonNode diagnostics = JSON.readTree(result.output()).get(0).get("diagnostics");
        assertThat(diagnostics.size()).as("diagnostics: %s", diagnostics).isGreaterThanOrEqualTo(3);
    }

    private static void assertPolicy(JsonNode report, Path dockerfile, String buildCommand) throws IOException {
        assertThat(report.get("diagnostics")).as("dockerfile-utils diagnostics of %s", dockerfile).isEmpty();
        String header = Files.readAllLines(dockerfile).stream().takeWhile(line -> line.startsWith("#"))
                .reduce("", (a, b) -> a + b + "\n");
        assertThat(header).as("header comment of %s", dockerfile).contains(buildCommand, "docker run");
        List<JsonNode> stages = stages(report);
        assertThat(stages.stream().filter(s -> !s.get("from").isNull())).as("build stages").hasSizeGreaterThanOrEqualTo(2);
        JsonNode runtime = stages.getLast();
        assertThat(instructions(runtime, "USER")).singleElement()
                .satisfies(user -> assertThat(user.get("arguments").asText()).isEqualTo("1001"));
        assertThat(instructions(runtime, "ENTRYPOINT")).singleElement()
                .satisfies(entry -> assertThat(entry.get("json")).as("exec-form ENTRYPOINT").isNotNull());
        assertThat(instructions(runtime, "CMD")).allSatisfy(cmd -> assertThat(cmd.get("json")).isNotNull());
        assertThat(instructions(runtime, "RUN"))
                .anySatisfy(run -> assertThat(run.get("arguments").asText()).contains("libisal2"));
        assertThat(instructions(runtime, "EXPOSE")).singleElement()
                .satisfies(expose -> assertThat(expose.get("arguments").asText()).isEqualTo("8080"));
        for (JsonNode stage : stages) {
            assertThat(instructions(stage, "HEALTHCHECK")).as("HEALTHCHECK in %s", dockerfile).isEmpty();
        }
        assertThat(image(report, runtime)).isEqualTo("debian:bookworm-slim");
    }

    /** The image of a stage with the global ARG defaults substituted. */
    private static String image(JsonNode report, JsonNode stage) {
        Map<String, String> args = new HashMap<>();
        for (JsonNode arg : instructions(stages(report).getFirst(), "ARG")) {
            String[] kv = arg.get("arguments").asText().split("=", 2);
            args.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        Matcher reference = ARG_REFERENCE.matcher(stage.get("from").asText());
        return reference.replaceAll(match -> Matcher.quoteReplacement(args.getOrDefault(match.group(1), "")));
    }

    private static List<JsonNode> stages(JsonNode report) {
        return StreamSupport.stream(report.get("stages").spliterator(), false).toList();
    }

    private static List<JsonNode> instructions(JsonNode stage, String keyword) {
        return StreamSupport.stream(stage.get("instructions").spliterator(), false)
                .filter(i -> i.get("keyword").asText().equals(keyword)).toList();
    }

    private static JsonNode lint(Path dockerfile) throws Exception {
        Result result = run(List.of("node", TOOLS.resolve("lint-dockerfiles.js").toString(), dockerfile.toString()));
        assertThat(result.exitCode()).as("lint of %s:\n%s", dockerfile, result.output()).isZero();
        return JSON.readTree(result.output()).get(0);
    }

    record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("%s finished", command).isTrue();
        return new Result(process.exitValue(), output);
    }
}
