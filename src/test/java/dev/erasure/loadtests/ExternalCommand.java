package dev.erasure.loadtests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a tool the load-test checks need (node, python3) and captures its output.
 * A missing tool aborts the calling test through a JUnit assumption that names it; a tool that
 * hangs is killed after the timeout and reported as a failure, never as a pass.
 */
record ExternalCommand(int exitCode, String output) {

    private static final long TIMEOUT_SECONDS = 120;

    /** Aborts the test (as skipped, with the reason) unless {@code tool --version} runs. */
    static void assumeInstalled(String tool, String whatIsSkipped) {
        boolean installed;
        try {
            Process probe = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            installed = probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            installed = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            installed = false;
        }
        assumeTrue(installed, tool + " is not installed (not on PATH): " + whatIsSkipped + " skipped");
    }

    /** Runs {@code command} in {@code directory}, stdout and stderr merged. */
    static ExternalCommand run(Path directory, List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
        }
        return new ExternalCommand(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
