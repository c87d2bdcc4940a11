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
 * {@code src/test/peers}: C programs on ISA-L and on Jerasure, a Go program on klauspost/reedsolomon
 * (built offline from Debian's GOPATH) and a Python script on zfec (run by Debian's python3, which
 * has the python3-zfec module). A peer that cannot be built says what is missing.
 */
final class Peers {

    /** A built peer (the command that runs it), or the reason it is unavailable (then command is null). */
    record Peer(List<String> command, String missing) {
        boolean available() {
            return command != null;
        }

        /** Runs the peer with stdin, returns stdout; fails the test on a non-zero exit. */
        byte[] run(byte[] stdin, String... args) throws IOException, InterruptedException {
            List<String> all = new ArrayList<>(command);
            all.addAll(List.of(args));
            return Peers.run(all, Map.of(), stdin);
        }
    }

    private static final Path DIR = Path.of("target", "peers");
    private static Peer isal;
    private static Peer klauspost;
    private static Peer jerasure;
    private static Peer zfec;

    /** Debian's interpreter: python3-zfec installs the module for it, not for other Pythons on PATH. */
    private static final String DEBIAN_PYTHON = "/usr/bin/python3";

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

    static synchronized Peer jerasure() {
        if (jerasure == null) {
            jerasure = build("rspeer-jerasure", Path.of("src/test/peers/jerasure/rspeer.c"), "/usr/include/jerasure.h",
                    "gcc and libjerasure-dev (bin/setup-peers installs them)", Map.of(),
                    "gcc", "-O2", "-I/usr/include/jerasure", "-o", DIR.resolve("rspeer-jerasure").toString(),
                    "src/test/peers/jerasure/rspeer.c", "-lJerasure");
        }
        return jerasure;
    }

    /** Nothing to build: checks that Debian's python3 imports zfec and runs the script with it. */
    static synchronized Peer zfec() {
        if (zfec == null) {
            String needs = "python3-zfec (bin/setup-peers installs it)";
            if (!Files.isExecutable(Path.of(DEBIAN_PYTHON))) {
                zfec = new Peer(null, "peer zfec not usable: " + DEBIAN_PYTHON + " is missing; needs " + needs);
                return zfec;
            }
            try {
                run(List.of(DEBIAN_PYTHON, "-c", "import zfec"), Map.of(), new byte[0]);
                zfec = new Peer(List.of(DEBIAN_PYTHON, "src/test/peers/zfec/rspeer.py"), null);
            } catch (IOException | RuntimeException e) {
                zfec = new Peer(null, "peer zfec not usable (" + e.getMessage() + "); needs " + needs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                zfec = new Peer(null, "interrupted while checking zfec");
            }
        }
        return zfec;
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
            return new Peer(List.of(binary.toString()), null);
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
