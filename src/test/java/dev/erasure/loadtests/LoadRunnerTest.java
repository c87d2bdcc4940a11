package dev.erasure.loadtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local load runner ({@code load-tests/run-local.sh}, Python) reads wrk's output and the
 * service's Prometheus metrics correctly: its unit tests ({@code load-tests/runner/test_runner.py})
 * run against outputs recorded in {@code load-tests/samples/} and must all pass. The runner itself
 * (minutes of load) is not part of CI; its parsers are.
 */
class LoadRunnerTest {

    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Pattern RAN = Pattern.compile("^Ran (\\d+) tests? in", Pattern.MULTILINE);

    @BeforeAll
    static void pythonIsInstalled() {
        ExternalCommand.assumeInstalled("python3", "the load runner's parser tests");
    }

    @Test
    void runnerParsersPassOnRecordedSamples() throws Exception {
        ExternalCommand result = ExternalCommand.run(REPO, List.of("python3", "-B", "-m", "unittest", "discover",
                "-v", "-s", "load-tests/runner", "-p", "test_*.py"));

        assertThat(result.exitCode()).as(result.output()).isZero();
        Matcher ran = RAN.matcher(result.output());
        assertThat(ran.find()).as("unittest reports how many tests ran:%n%s", result.output()).isTrue();
        assertThat(Integer.parseInt(ran.group(1))).as(result.output()).isGreaterThanOrEqualTo(20);
        assertThat(result.output()).doesNotContain("skipped")
                .contains("test_lua_summary_gives_exact_percentiles_and_rate")
                .contains("test_native_bytes_in_use_is_read")
                .containsPattern("(?m)^OK$");
    }

    @Test
    void readmeRunLocalCommandsUseOptionsTheRunnerHas() throws Exception {
        ExternalCommand help = ExternalCommand.run(REPO, List.of("python3", "-B", "load-tests/runner/bench.py", "--help"));
        assertThat(help.exitCode()).as(help.output()).isZero();
        List<String> commands = new ArrayList<>();
        for (Path readme : List.of(REPO.resolve("load-tests/README.md"), REPO.resolve("README.md"))) {
            Files.readAllLines(readme).stream().map(String::strip)
                    .filter(line -> line.startsWith("load-tests/run-local.sh")).forEach(commands::add);
        }
        assertThat(commands).as("the READMEs show run-local.sh").isNotEmpty();
        for (String command : commands) {
            Matcher option = Pattern.compile("(--[a-z-]+)").matcher(command.replaceAll("#.*", ""));
            while (option.find()) {
                assertThat(help.output()).as("run-local.sh has %s (%s)", option.group(1), command)
                        .contains(option.group(1) + " ");
            }
        }
    }
}
