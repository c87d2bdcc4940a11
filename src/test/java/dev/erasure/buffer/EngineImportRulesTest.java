package dev.erasure.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of STYLE.md for the engine, by a simple import scan of the sources: {@code buffer}
 * imports only {@code java.*}; {@code job} may add {@code codec}, {@code buffer} and Mutiny, and
 * never HTTP, Vert.x, Quarkus or {@code api}/{@code ops}.
 */
class EngineImportRulesTest {

    static final Path MAIN = Path.of("src/main/java/dev/erasure");

    @Test
    void buffer_importsOnlyJavaBase() throws IOException {
        assertThat(importsOf("buffer")).allSatisfy(line -> assertThat(line).startsWith("import java."));
    }

    @Test
    void job_importsOnlyJavaCodecBufferAndMutiny() throws IOException {
        assertThat(importsOf("job")).allSatisfy(line -> assertThat(line).matches(
                "import (static )?(java\\.|dev\\.erasure\\.codec\\.|dev\\.erasure\\.buffer\\.|dev\\.erasure\\.job\\.|io\\.smallrye\\.mutiny\\.).*"));
    }

    private static List<String> importsOf(String pkg) throws IOException {
        Path dir = MAIN.resolve(pkg);
        assertThat(dir).isDirectory();
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).flatMap(EngineImportRulesTest::lines)
                    .filter(line -> line.startsWith("import ")).toList();
        }
    }

    private static Stream<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::strip);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
