package dev.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The npm tools of the test suite ({@code tools/package.json} with its lock file: the Dockerfile
 * linter, TypeScript and the k6 type declarations). Tests call {@link #require} before they use
 * one: it skips the test (a JUnit assumption naming the reason) where node or npm is missing, and
 * runs {@code npm ci --prefix tools} once when a package of the lock file is not installed yet.
 */
public final class NodeTools {

    /** The tools directory; its {@code node_modules} is not committed. */
    public static final Path TOOLS = Path.of("tools").toAbsolutePath();

    private NodeTools() {
    }

    /**
     * Makes sure node and npm run and that {@code packages} are installed under tools/node_modules.
     *
     * @param why what the calling test checks, for the skip message
     */
    public static synchronized void require(String why, String... packages) throws Exception {
        assumeTrue(runs("node") && runs("npm"), "node and npm are not installed: " + why + " cannot run");
        boolean missing = false;
        for (String name : packages) {
            missing |= !Files.isDirectory(TOOLS.resolve("node_modules").resolve(name));
        }
        if (missing) {
            Process install = new ProcessBuilder("npm", "ci", "--prefix", TOOLS.toString(), "--no-audit", "--no-fund")
                    .redirectErrorStream(true).start();
            String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(install.waitFor(10, TimeUnit.MINUTES)).as("npm ci --prefix tools finished").isTrue();
            assertThat(install.exitValue()).as("npm ci --prefix tools:\n%s", output).isZero();
        }
        for (String name : packages) {
            assertThat(TOOLS.resolve("node_modules").resolve(name)).as("installed by npm ci --prefix tools").isDirectory();
        }
    }

    /** The path of an installed package's executable, {@code tools/node_modules/.bin/<name>}. */
    public static Path bin(String name) {
        return TOOLS.resolve("node_modules/.bin").resolve(name);
    }

    private static boolean runs(String program) {
        try {
            Process probe = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The packages {@code tools/package.json} pins, for tests that need all of them. */
    public static List<String> all() {
        return List.of("dockerfile-ast", "dockerfile-utils", "typescript", "@types/k6");
    }
}
