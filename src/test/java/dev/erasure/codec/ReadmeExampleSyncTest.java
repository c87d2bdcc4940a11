package dev.erasure.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The Java example in README.md (section codec) and docs/codec.md is the code of {@link ReadmeExampleTest}. */
class ReadmeExampleSyncTest {

    @Test
    void readmeAndDocs_containTheTestedExampleVerbatim() throws IOException {
        String test = Files.readString(Path.of("src/test/java/dev/erasure/codec/ReadmeExampleTest.java"));
        String body = test.substring(test.indexOf("// EXAMPLE-START") + "// EXAMPLE-START".length(),
                test.indexOf("// EXAMPLE-END"));
        String example = body.lines().filter(l -> !l.isBlank()).map(l -> l.substring(Math.min(8, l.length())))
                .reduce((a, b) -> a + "\n" + b).orElseThrow();
        for (String doc : new String[] {"README.md", "docs/codec.md"}) {
            String text = Files.readString(Path.of(doc)).lines().filter(l -> !l.isBlank())
                    .reduce((a, b) -> a + "\n" + b).orElseThrow();
            assertThat(text).as(doc).contains(example);
        }
    }
}
