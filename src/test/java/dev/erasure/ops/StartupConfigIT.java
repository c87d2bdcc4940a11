package dev.erasure.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An invalid {@code erasure.*} value stops the packaged service at start, with a message naming
 * the key, the value and the rule (runs the jar built by {@code mvn package}; the environment
 * variable form is the one the Helm chart uses).
 */
class StartupConfigIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    /** A process of the packaged jar with extra -D arguments and, if named, one environment variable. */
    private static ProcessBuilder jar(List<String> properties, String envName, String envValue) {
        assumeTrue(Files.exists(JAR), "the packaged jar " + JAR + " is missing: run mvn package first");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Dquarkus.http.port=0"));
        command.addAll(properties);
        command.addAll(List.of("-jar", JAR.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (envName != null) {
            builder.environment().put(envName, envValue);
        }
        return builder;
    }

    /** Starts the jar and waits for it to stop by itself; returns its exit code and output. */
    private static Run start(List<String> properties, String envName, String envValue)
            throws IOException, InterruptedException {
        Process process = jar(properties, envName, envValue).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return new Run(process.exitValue(), output);
    }

    private record Run(int exitCode, String output) {
    }

    /** Starts the jar with one environment variable, returns its output up to "started in", then stops it. */
    private static String startAndStop(String envName, String envValue) throws IOException, InterruptedException {
        Process process = jar(List.of(), envName, envValue).start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = process.inputReader(StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.append(line).append('\n');
                if (line.contains("started in")) {
                    break;
                }
            }
        } finally {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        return output.toString();
    }

    @Test
    void zeroQueueCapacity_stopsTheStartNamingKeyValueAndRule() throws Exception {
        Run run = start(List.of(), "ERASURE_JOBS_QUEUE_CAPACITY", "0");

        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("erasure.jobs.queue-capacity must be >= 1 (got 0)");
        assertThat(run.output()).as("the message alone, no stack trace").doesNotContain("\tat ", "Caused by");
    }

    @Test
    void streamDepthOutOfRange_stopsTheStartWithTheMessageOnly() throws Exception {
        Run run = start(List.of("-Derasure.stream.depth=1"), null, null);

        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("erasure.stream.depth must be between 2 and 16 (got 1)")
                .doesNotContain("\tat ", "Caused by");
    }

    @Test
    void accessControlWithoutKeys_stopsTheStartWithTheMessageOnly() throws Exception {
        Run run = start(List.of(), "ERASURE_SECURITY_ENABLED", "true");

        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("erasure.security.enabled=true needs at least one key")
                .doesNotContain("\tat ", "Caused by");
    }

    @Test
    void streamLimitAboveTheTransportLimit_stopsTheStartWithTheMessageOnly() throws Exception {
        Run run = start(List.of("-Derasure.stream.max-object-size=2P"), null, null);

        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("erasure.stream.max-object-size must be <= quarkus.http.limits.max-body-size")
                .doesNotContain("\tat ", "Caused by");
    }

    @Test
    void misspelledEnvironmentVariable_isNamedAtStart() throws Exception {
        String output = startAndStop("ERASURE_JOBS_WORKER", "2");

        assertThat(output).contains("started in").contains("Environment variable ERASURE_JOBS_WORKER is set, but no "
                + "setting of the service reads it (did you mean ERASURE_JOBS_WORKERS?); it is ignored");
    }

    @Test
    void unknownKernel_stopsTheStartNamingKeyValueAndAcceptedValues() throws Exception {
        Run run = start(List.of("-Derasure.codec.kernel=gpu"), null, null);

        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("erasure.codec.kernel", "gpu", "auto", "isal", "vector", "scalar");
    }
}
