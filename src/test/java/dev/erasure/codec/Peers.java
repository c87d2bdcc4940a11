package dev.erasure.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real peers of the interop tests, built on first use into {@code target/peers} from
 * {@code src/test/peers}: a C program on ISA-L and a Go program on klauspost/reedsolomon (built
 * offline from Debian's GOPATH). A peer that cannot be built says what is missing.
 */
final class Peers {

    /** A built peer binary, or the reason it is unavailable (then binary is null). */
    record Peer(Path binary, String missing) {
        boolean available() {
            return binary != null;
        }

        /** Runs the peer with stdin, returns stdout; fails the test on a non-zero exit. */
        byte[] run(byte[] stdin, String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(binary.toString()));
            command.addAll(List.of(args));
            return Peers.run(command, Map.of(), stdin);
        }
    }

    private static final Path DIR = Path.of("target", "peers");
    private static Peer isal;
    private static Peer klauspost;

    private Peers() {
    }

    static synchronized Peer isal() {
        if (isal == null) {
            isal = build("rspeer-isal", Path.of("src/test/peers/isal/rspeer.c"), "/usr/include/isa-l/erasure_code.h",
                    "gcc and libisal-dev (bin/setup-peers installs them)", Map.of(),
                    "gcc", "-O2", "-o", DIR.resolve("rspeer-isal").toString(), "src/test/peers/isal/rspeer.c", "-lisal");
        }
        return isal;
    }

    static synchronized Peer klauspost() {
        if (klauspost == null) {
            Map<String, String> env = Map.of("GO111MODULE", "off", "GOPATH", "/usr/share/gocode", "GOFLAGS", "",
                    "GOCACHE", DIR.resolve("gocache").toAbsolutePath().toString());
            klauspost = build("rspeer-go", Path.of("src/test/peers/klauspost/rspeer.go"),
                    "/usr/share/gocode/src/github.com/klauspost/reedsolomon/reedsolomon.go",
                    "go and golang-github-klauspost-reedsolomon-dev (bin/setup-peers installs them)", env,
                    "go", "build", "-o", DIR.resolve("rspeer-go").toString(), "src/test/peers/klauspost/rspeer.go");
        }
        return klauspost;
    }

    private static Peer build(String name, Path source, String requiredFile, String needs, Map<String, String> env,
            String... command) {
        Path binary = DIR.resolve(name);
        if (!Files.exists(Path.of(requiredFile))) {
            return new Peer(null, "peer " + name + " not built: " + requiredFile + " is missing; needs " + needs);
        }
        try {
            Files.createDirectories(DIR);
            if (!Files.exists(binary)
                    || Files.getLastModifiedTime(binary).compareTo(Files.getLastModifiedTime(source)) < 0) {
                run(List.of(command), env, new byte[0]);
            }
            return new Peer(binary, null);
        } catch (IOException | RuntimeException e) {
            return new Peer(null, "peer " + name + " not built (" + e.getMessage() + "); needs " + needs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Peer(null, "interrupted while building " + name);
        }
    }

    private static byte[] run(List<String> command, Map<String, String> env, byte[] stdin)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Process process = builder.start();
        CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " timed out");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(command + " exited with " + process.exitValue() + ": "
                    + new String(stderr.join(), StandardCharsets.UTF_8).trim());
        }
        return stdout.join();
    }

    private static byte[] readAll(InputStream in) {
        try (in; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
