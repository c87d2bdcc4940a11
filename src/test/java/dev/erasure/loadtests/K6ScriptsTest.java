package dev.erasure.loadtests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.NodeTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The k6 scripts under {@code load-tests/} are valid ES modules that import only k6 modules and
 * their own {@code lib/}, and each one declares what an operator relies on: the question it
 * answers, the command that runs it, scenarios for both executors, error-rate and p95/p99
 * thresholds, setup() and handleSummary(). k6 itself cannot be installed here, so node parses,
 * links and evaluates the scripts against stand-ins of the k6 modules
 * ({@code load-tests/tools/check-k6-scripts.mjs}), and TypeScript type-checks them against k6's
 * own declarations ({@code @types/k6}, pinned with TypeScript in {@code tools/package.json};
 * {@code load-tests/tsconfig.json}).
 */
class K6ScriptsTest {

    private static final Path LOAD_TESTS = Path.of("load-tests").toAbsolutePath();
    private static final String CHECKER = "tools/check-k6-scripts.mjs";
    private static final List<String> SCENARIO_SCRIPTS = List.of("echo-baseline.js", "encode-small.js",
            "encode-large.js", "decode-erasures.js", "reconstruct.js", "mixed.js", "stream-encode.js");

    @BeforeAll
    static void nodeIsInstalled() {
        ExternalCommand.assumeInstalled("node", "the k6 script syntax and import checks");
    }

    private static ExternalCommand check(Path root, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "--experimental-vm-modules", "--no-warnings",
                LOAD_TESTS.resolve(CHECKER).toString(), root.toString()));
        command.addAll(List.of(arguments));
        return ExternalCommand.run(LOAD_TESTS, command);
    }

    /** {@code tsc --noEmit --allowJs --checkJs} over a tsconfig.json (the options are in the file too). */
    private static ExternalCommand typeCheck(Path tsconfig) throws Exception {
        NodeTools.require("the k6 script type check", "typescript", "@types/k6");
        return ExternalCommand.run(LOAD_TESTS, List.of(NodeTools.bin("tsc").toString(), "--noEmit", "--allowJs",
                "--checkJs", "--listFiles", "-p", tsconfig.toString()));
    }

    @Test
    void everyScriptAndLibFileTypeChecksAgainstTheK6Declarations() throws Exception {
        ExternalCommand result = typeCheck(LOAD_TESTS.resolve("tsconfig.json"));

        assertThat(result.exitCode()).as("tsc over load-tests:%n%s", result.output()).isZero();
        List<String> checked = result.output().lines().map(Path::of).filter(file -> file.startsWith(LOAD_TESTS))
                .map(file -> LOAD_TESTS.relativize(file).toString()).filter(name -> !name.startsWith("tools/"))
                .sorted().toList();
        List<String> scripts = javaScriptFiles().stream().filter(name -> !name.startsWith("tools/")).toList();
        assertThat(checked).as("every k6 script and lib file is type-checked").isEqualTo(scripts);
    }

    @Test
    void typeCheckFindsMisusedK6Apis(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("tsconfig.json"), "{\"extends\": \""
                + LOAD_TESTS.resolve("tsconfig.json").toString().replace('\\', '/') + "\", \"include\": [\"*.js\"]}");
        Files.writeString(root.resolve("misused.js"), """
                import http from 'k6/http';
                import { postt } from 'k6/http';
                export default function () {
                  http.post('http://localhost:8080/v1/echo', 'x', { responseType: 'bytes' });
                  http.get(42);
                }
                """);

        ExternalCommand result = typeCheck(root.resolve("tsconfig.json"));

        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("misused.js(2,").contains("'postt'")
                .contains("misused.js(4,").contains("misused.js(5,");
    }

    private static List<String> javaScriptFiles() throws IOException {
        try (Stream<Path> files = Files.walk(LOAD_TESTS)) {
            return files.filter(file -> file.toString().endsWith(".js"))
                    .map(file -> LOAD_TESTS.relativize(file).toString())
                    .filter(name -> !name.startsWith("node_modules") && !name.startsWith("results"))
                    .sorted().toList();
        }
    }

    @Test
    void everyScriptAndLibFileIsAModuleThatImportsOnlyK6AndLib() throws Exception {
        ExternalCommand result = check(LOAD_TESTS);

        assertThat(result.exitCode()).as(result.output()).isZero();
        List<String> checked = result.output().lines().filter(line -> line.startsWith("ok "))
                .map(line -> line.substring(3)).sorted().toList();
        assertThat(checked).as("every .js file under load-tests/ is checked").isEqualTo(javaScriptFiles());
        assertThat(checked).containsAll(SCENARIO_SCRIPTS);
        assertThat(checked).anyMatch(name -> name.startsWith("lib/"));
    }

    @Test
    void checkerRejectsForeignImportsUnknownK6ExportsSyntaxErrorsAndMissingThresholds(@TempDir Path root)
            throws Exception {
        String header = "// Question: a broken script\n// Run:  k6 run broken.js\n";
        Files.writeString(root.resolve("node-import.js"), header + "import fs from 'fs';\nexport default function () {}\n");
        Files.writeString(root.resolve("unknown-export.js"), header + "import { postt } from 'k6/http';\n");
        Files.writeString(root.resolve("syntax-error.js"), header + "export default function ( {\n");
        Files.writeString(root.resolve("no-question.js"), "import { sleep } from 'k6';\n");
        Files.writeString(root.resolve("no-thresholds.js"), header + "export const options = { scenarios: "
                + "{ a: { executor: 'constant-vus', exec: 'default' } } };\nexport default function () {}\n"
                + "export function setup() {}\nexport function handleSummary() {}\n");

        ExternalCommand result = check(root);

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.output())
                .contains("FAIL node-import.js: imports \"fs\": only k6, k6/http")
                .contains("FAIL unknown-export.js: The requested module 'k6/http' does not provide an export named 'postt'")
                .contains("FAIL syntax-error.js: Unexpected")
                .contains("FAIL no-question.js: does not open with \"// Question: ...\"")
                .contains("FAIL no-thresholds.js: ramping-arrival-rate: no threshold http_req_failed rate<0.001")
                .contains("checked 5 files, 5 failed");
    }

    @Test
    void readmeK6CommandsNameExistingScriptsAndVariablesTheScriptsRead() throws IOException {
        String sources = readSources();
        // load-tests/README.md runs k6 from load-tests/, the top README from the repository root.
        Map<String, Path> commands = new LinkedHashMap<>();
        for (Path readme : List.of(LOAD_TESTS.resolve("README.md"), LOAD_TESTS.resolveSibling("README.md"))) {
            Files.readAllLines(readme).stream().map(String::strip).filter(line -> line.startsWith("k6 run "))
                    .forEach(line -> commands.put(line, readme.getParent()));
        }
        assertThat(commands).as("the READMEs show k6 commands").hasSizeGreaterThanOrEqualTo(4);
        for (String command : commands.keySet()) {
            Matcher script = Pattern.compile("(\\S+)\\.js\\b").matcher(command);
            assertThat(script.find()).as("names a script: %s", command).isTrue();
            assertThat(commands.get(command).resolve(script.group(1) + ".js")).as(command).isRegularFile();
            Matcher variable = Pattern.compile("-e ([A-Z_0-9]+)=").matcher(command);
            while (variable.find()) {
                assertThat(sources).as("a script reads %s (%s)", variable.group(1), command)
                        .contains("'" + variable.group(1) + "'");
            }
        }
    }

    @Test
    void everyVariableInTheReadmeTableIsReadByTheScripts() throws IOException {
        String sources = readSources();
        Matcher row = Pattern.compile("(?m)^\\| (`[A-Z_0-9]+`(?:, `[A-Z_0-9]+`)*) \\|")
                .matcher(Files.readString(LOAD_TESTS.resolve("README.md")));
        List<String> variables = new ArrayList<>();
        while (row.find()) {
            Matcher name = Pattern.compile("`([A-Z_0-9]+)`").matcher(row.group(1));
            while (name.find()) {
                variables.add(name.group(1));
            }
        }
        assertThat(variables).contains("BASE_URL", "K", "M", "EXECUTOR", "RATE", "VUS", "ERASURES");
        for (String variable : variables) {
            assertThat(sources).as("a script reads %s", variable).contains("'" + variable + "'");
        }
    }

    private static String readSources() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String file : javaScriptFiles()) {
            all.append(Files.readString(LOAD_TESTS.resolve(file)));
        }
        return all.toString();
    }

    @Test
    void libHelpersPassTheirSelfTest() throws Exception {
        ExternalCommand result = check(LOAD_TESTS, "--selftest");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("pass parseMixed returns part bodies byte for byte")
                .contains("pass dataShards splits 10 bytes into 4 shards of 3, zero-padded")
                .contains("selftest passed");
    }
}
