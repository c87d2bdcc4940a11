package dev.erasure.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.SmallRyeConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table cannot rot: it lists every {@code erasure.*} key of
 * {@link ErasureConfig}, with the environment variable name the Helm chart uses, the default of
 * the mapping, and the range {@link Settings} accepts.
 */
class ConfigDocsTest {

    private static final Pattern ROW = Pattern.compile("^\\| `(erasure\\.[\\w.-]+)` \\| `(\\w+)` \\| `([^`]*)` \\|",
            Pattern.MULTILINE);
    private static final Pattern MEANING = Pattern.compile(
            "^\\| `(erasure\\.[\\w.-]+)` \\| `\\w+` \\| `([^`]*)` \\| (.*) \\|$", Pattern.MULTILINE);
    /** ">= 1", "> 0", ">= 100ms", ">= 1s", ">= 1 byte" at the end of the meaning. */
    private static final Pattern AT_LEAST = Pattern.compile("(>=|>) (\\d+)(ms|s)?(?: bytes?)?$");
    /** "0 to 1M", "2 to 16", "1 byte to 1G", "64 bytes to 2G - 1 byte". */
    private static final Pattern BETWEEN = Pattern.compile("(\\d+[KMG]?)(?: bytes?)? to (\\d+[KMG]?)( - 1 byte)?$");
    /** "256 bytes to `quarkus.http.limits.max-initial-line-length` (64K; ...)". */
    private static final Pattern UP_TO_CODEC = Pattern.compile(
            "(\\d+[KMG]?)(?: bytes?)? to `(quarkus\\.http\\.limits\\.[\\w-]+)` \\((\\d+[KMG]?);[^)]*\\)$");

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
    void readmeTable_givesEachKeyTheRangeTheStartAccepts() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Matcher row = MEANING.matcher(readme.substring(readme.indexOf("<!-- section:config -->"),
                readme.indexOf("<!-- /section:config -->")));
        Properties application = application();
        int checked = 0;
        while (row.find()) {
            String key = row.group(1);
            String defaultValue = row.group(2);
            String meaning = row.group(3);
            if (defaultValue.matches("true|false|auto")) {
                continue; // booleans and the kernel's enum: SmallRye checks them
            }
            Kind kind = defaultValue.matches("\\d+(ms|s|m)") ? Kind.DURATION
                    : defaultValue.matches("\\d+[KMGT]") ? Kind.SIZE : Kind.NUMBER;
            Matcher atLeast = AT_LEAST.matcher(meaning);
            Matcher between = BETWEEN.matcher(meaning);
            Matcher upToCodec = UP_TO_CODEC.matcher(meaning);
            long low;
            long high;
            if (atLeast.find()) {
                low = Long.parseLong(atLeast.group(2)) * ("s".equals(atLeast.group(3)) ? 1000 : 1)
                        + (atLeast.group(1).equals(">") ? 1 : 0);
                high = -1;
            } else if (between.find()) {
                low = bytes(between.group(1));
                high = bytes(between.group(2)) - (between.group(3) == null ? 0 : 1);
            } else if (upToCodec.find()) {
                low = bytes(upToCodec.group(1));
                high = bytes(upToCodec.group(3));
                assertThat(bytes(application.getProperty(upToCodec.group(2)))).as("%s in application.properties", upToCodec.group(2))
                        .isEqualTo(high);
            } else {
                throw new AssertionError("README row of " + key + " ends without a range: " + meaning);
            }
            assertThat(accepted(key, kind.value(low))).as("%s = %s (the README's lowest value)", key, kind.value(low)).isTrue();
            if (low > 0 || kind != Kind.SIZE) {
                assertThat(accepted(key, kind.value(low - 1))).as("%s = %s (below the README's range)", key, kind.value(low - 1))
                        .isFalse();
            }
            if (high >= 0) {
                assertThat(accepted(key, kind.value(high))).as("%s = %s (the README's highest value)", key, kind.value(high)).isTrue();
                assertThat(accepted(key, kind.value(high + 1))).as("%s = %s (above the README's range)", key, kind.value(high + 1))
                        .isFalse();
            }
            checked++;
        }
        assertThat(checked).as("rows with a range").isEqualTo(21);
    }

    /** How a number of the README's ranges is written as a value of the key. */
    private enum Kind {
        NUMBER, SIZE, DURATION;

        String value(long number) {
            return this == DURATION ? (number >= 0 ? number + "ms" : "PT" + number / 1000.0 + "S") : Long.toString(number);
        }
    }

    private static long bytes(String size) {
        return new MemorySizeConverter().convert(size).asLongValue();
    }

    private static Properties application() throws IOException {
        Properties application = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            application.load(in);
        }
        return application;
    }

    /** Whether the start-time checks pass with this one value (the HTTP codec's limits of application.properties). */
    private static boolean accepted(String key, String value) throws IOException {
        Properties application = application();
        long codecLine = bytes(application.getProperty("quarkus.http.limits.max-initial-line-length"));
        long codecHeader = bytes(application.getProperty("quarkus.http.limits.max-header-size"));
        try {
            ErasureConfig config = SettingsTest.config(Map.of(key, value));
            Settings.jobs(config.jobs());
            Settings.api(config.api());
            Settings.head(config.api(), codecLine, codecHeader);
            Settings.stream(config.stream());
            Settings.codecCacheSize(config.codec());
            Settings.bufferBudgetBytes(config.buffer());
            Settings.shutdownTimeout(config.shutdown());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
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
