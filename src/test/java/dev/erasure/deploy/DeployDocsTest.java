package dev.erasure.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every shell command in the README's deploy section and in docs/deploy.md is checked against what
 * it names: Docker commands are the ones in the Dockerfile headers, Maven commands use a profile and
 * tests that exist, and every {@code helm install/upgrade --set} names real values and renders.
 * A command of a kind this test does not know fails it, so no example goes unchecked.
 */
class DeployDocsTest {

    private static final Pattern SH_BLOCK = Pattern.compile("(?s)```sh\\n(.*?)```");
    private static final Pattern SET = Pattern.compile("--set ([\\w.\\[\\]]+)=(\\S+)");
    private static final Pattern SETTING_ROW = Pattern.compile("(?m)^\\| `(config\\.[\\w.]+)` \\| (.*?) \\| `([^`]*)`");
    private static final Pattern ENV_NAME = Pattern.compile("`([A-Z][A-Z0-9_]+)`");
    private static final Pattern TEST_NAMES = Pattern.compile("-D(?:it\\.)?test='([^']+)'");

    @Test
    void readmeDeploySectionCommandsAreReal() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("<!-- section:deploy -->");
        int end = readme.indexOf("<!-- /section:deploy -->");
        assertThat(start).isNotNegative();
        checkCommands(readme.substring(start, end), "README.md");
    }

    @Test
    void deployGuideCommandsAreReal() throws IOException {
        checkCommands(Files.readString(Path.of("docs/deploy.md")), "docs/deploy.md");
    }

    /** The guide's settings table names every variable of the chart's ConfigMap, with the values.yaml default. */
    @Test
    void deployGuideSettingsTableMatchesTheChart() throws IOException {
        String guide = Files.readString(Path.of("docs/deploy.md"));
        int start = guide.indexOf("### Settings");
        int end = guide.indexOf("\n### ", start + 1);
        assertThat(start).as("the Settings section of docs/deploy.md").isNotNegative().isLessThan(end);
        JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(RenderedChart.CHART.resolve("values.yaml").toFile());
        TreeSet<String> documented = new TreeSet<>();
        Matcher row = SETTING_ROW.matcher(guide.substring(start, end));
        while (row.find()) {
            JsonNode node = values;
            for (String part : row.group(1).split("\\.")) {
                node = node.path(part);
            }
            assertThat(node.isMissingNode()).as("value %s in values.yaml", row.group(1)).isFalse();
            assertThat(row.group(3)).as("default of %s", row.group(1)).isEqualTo(node.asText());
            Matcher env = ENV_NAME.matcher(row.group(2));
            while (env.find()) {
                documented.add(env.group(1));
            }
        }
        Map<String, String> configMap = RenderedChart.render(Map.of()).one(ConfigMap.class).getData();
        assertThat(documented).as("variables in the settings table of docs/deploy.md")
                .containsExactlyInAnyOrderElementsOf(configMap.keySet());
    }

    private static void checkCommands(String markdown, String file) throws IOException {
        List<String> commands = commands(markdown);
        assertThat(commands).as("shell commands in %s", file).isNotEmpty();
        for (String command : commands) {
            if (command.startsWith("docker ")) {
                assertThat(dockerfileHeaders()).as("Dockerfile headers with the command of %s", file).contains(command);
            } else if (command.matches("(\\. bin/jdk\\.sh && )?\\./mvnw .*")) {
                checkMaven(command);
            } else if (command.matches("helm (install|upgrade) erasure helm/erasure-service.*")) {
                checkHelmValues(command);
            } else if (command.equals("helm test erasure --logs")) {
                assertThat(RenderedChart.render(Map.of()).manifests())
                        .anySatisfy(m -> assertThat(m.source()).startsWith("templates/tests/"));
            } else {
                throw new AssertionError("command in " + file + " that no test checks: " + command);
            }
        }
    }

    private static void checkMaven(String command) throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        if (command.contains("-Pnative")) {
            assertThat(pom).contains("<id>native</id>", "<quarkus.native.builder-image>");
        }
        Matcher tests = TEST_NAMES.matcher(command);
        while (tests.find()) {
            for (String pattern : tests.group(1).split(",")) {
                String prefix = pattern.replace("*", "");
                try (var files = Files.list(Path.of("src/test/java/dev/erasure/deploy"))) {
                    assertThat(files.map(p -> p.getFileName().toString()))
                            .as("test classes matching %s", pattern).anyMatch(name -> name.startsWith(prefix));
                }
            }
        }
    }

    /** Every --set key exists in values.yaml (Helm would silently accept a typo) and the chart renders. */
    private static void checkHelmValues(String command) throws IOException {
        JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(Path.of(RenderedChart.CHART.toString(), "values.yaml").toFile());
        Map<String, Object> sets = new LinkedHashMap<>();
        Matcher set = SET.matcher(command);
        while (set.find()) {
            JsonNode node = values;
            for (String part : set.group(1).split("\\.")) {
                node = node.path(part);
            }
            assertThat(node.isMissingNode()).as("value %s of `%s` in values.yaml", set.group(1), command).isFalse();
            sets.put(set.group(1), set.group(2));
        }
        assertThat(RenderedChart.render(sets).manifests()).as("render of `%s`", command).isNotEmpty();
    }

    private static List<String> commands(String markdown) {
        List<String> commands = new ArrayList<>();
        Matcher block = SH_BLOCK.matcher(markdown);
        while (block.find()) {
            for (String line : block.group(1).split("\\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    commands.add(line.strip());
                }
            }
        }
        return commands;
    }

    private static List<String> dockerfileHeaders() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String dockerfile : List.of("Dockerfile.native", "Dockerfile.jvm")) {
            Files.readAllLines(Path.of(dockerfile)).stream().takeWhile(line -> line.startsWith("#"))
                    .map(line -> line.replaceFirst("^#\\s*", "")).forEach(lines::add);
        }
        return lines;
    }
}
