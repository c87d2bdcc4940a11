package dev.erasure.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The codec is plain Java: it imports only the JDK, the Vector API and its own packages. */
class CodecImportsTest {

    @Test
    void codecSources_importOnlyJdkVectorApiAndCodec() throws IOException {
        List<String> offending;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/erasure/codec"))) {
            offending = files.filter(p -> p.toString().endsWith(".java")).flatMap(CodecImportsTest::imports)
                    .filter(line -> !line.substring(line.indexOf(": ") + 2)
                            .matches("import (static )?(java\\.|jdk\\.incubator\\.vector\\.|dev\\.erasure\\.codec\\.).*"))
                    .toList();
        }
        assertThat(offending).as("imports outside java.*, jdk.incubator.vector and dev.erasure.codec").isEmpty();
    }

    private static Stream<String> imports(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith("import ")).map(l -> file + ": " + l);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
