package dev.erasure.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.SmallRyeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table cannot rot: it lists every {@code erasure.*} key of
 * {@link ErasureConfig}, with the environment variable name the Helm chart uses and the default of
 * the mapping.
 */
class ConfigDocsTest {

    private static final Pattern ROW = Pattern.compile("^\\| `(erasure\\.[\\w.-]+)` \\| `(\\w+)` \\| `([^`]*)` \\|",
            Pattern.MULTILINE);

    /** key to {environment variable, default} from the README's config section. */
    private static Map<String, String[]> readmeRows() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("<!-- section:config -->");
        int end = readme.indexOf("<!-- /section:config -->");
        assertThat(start).as("README config section").isNotNegative().isLessThan(end);
        Map<String, String[]> rows = new TreeMap<>();
        Matcher row = ROW.matcher(readme.substring(start, end));
        while (row.find()) {
            rows.put(row.group(1), new String[] {row.group(2), row.group(3)});
        }
        return rows;
    }

    @Test
    void readmeTable_listsEveryKeyWithItsDefault() throws IOException {
        SmallRyeConfig config = SettingsTest.configSource(Map.of());
        TreeSet<String> mappedKeys = new TreeSet<>();
        StreamSupport.stream(config.getPropertyNames().spliterator(), false)
                .filter(name -> name.startsWith("erasure.")).forEach(mappedKeys::add);
        Map<String, String[]> rows = readmeRows();

        assertThat(mappedKeys).hasSize(25);
        assertThat(rows.keySet()).containsExactlyElementsOf(mappedKeys);
        rows.forEach((key, row) -> {
            assertThat(row[1]).as("default of " + key).isEqualTo(config.getConfigValue(key).getValue());
            assertThat(row[0]).as("environment name of " + key)
                    .isEqualTo(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
        });
    }
}
