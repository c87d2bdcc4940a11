package dev.erasure.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bin/ script answers {@code --help} with its header (the usage line included) and does
 * nothing else. The scripts run with a PATH holding only {@code sed}, so one that went on past its
 * help would fail on a missing command (java, mvn, apt-get) instead of building or installing.
 */
class BinScriptsHelpTest {

    private record Run(int exitCode, String output) {
    }

    private static Run run(Path onlySed, String script, String argument) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("/bin/bash", "bin/" + script, argument).redirectErrorStream(true);
        builder.environment().put("PATH", onlySed.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return new Run(process.exitValue(), output);
    }

    private static Path onlySed(Path dir) throws IOException {
        Path sed = Stream.of("/usr/bin/sed", "/bin/sed").map(Path::of).filter(Files::isExecutable).findFirst()
                .orElseThrow();
        Files.createSymbolicLink(dir.resolve("sed"), sed);
        return dir;
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "test", "fuzz", "setup-peers", "bench-codec", "bench-correct", "bench-leopard",
        "bench-shardset"})
    void help_printsTheHeaderWithTheUsageAndStops(String script, @TempDir Path dir) throws Exception {
        Run run = run(onlySed(dir), script, "--help");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("Usage: bin/" + script).doesNotContain("#!", "command not found");
    }

    @ParameterizedTest
    @ValueSource(strings = {"setup-peers", "fuzz"})
    void anUnknownOption_isRefusedBeforeAnythingRuns(String script, @TempDir Path dir) throws Exception {
        Run run = run(onlySed(dir), script, "--yes");

        assertThat(run.exitCode()).as(run.output()).isEqualTo(2);
        assertThat(run.output()).contains("--yes", "bin/" + script + " --help").doesNotContain("command not found");
    }
}
