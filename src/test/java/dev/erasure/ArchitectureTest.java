package dev.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of STYLE.md, checked by scanning the sources of {@code src/main/java}: every
 * import, and every fully qualified name written in code (comments and string literals are not
 * code). Plain JUnit, no extra dependency.
 *
 * <ul>
 *   <li>{@code codec} and {@code buffer} are plain Java: no {@code io.quarkus}, {@code jakarta},
 *       {@code io.vertx}, {@code io.smallrye}; {@code codec} may use only {@code codec.*} of the
 *       project and {@code buffer} only itself;</li>
 *   <li>{@code job} uses no {@code jakarta.ws.rs}, {@code io.vertx}, {@code api} or {@code ops};</li>
 *   <li>nothing outside {@code ops} uses {@code ops}.</li>
 * </ul>
 */
class ArchitectureTest {

    private static final List<String> FRAMEWORKS = List.of("io.quarkus", "jakarta", "io.vertx", "io.smallrye");

    /** A reference that breaks a rule. */
    record Violation(String file, String pkg, String reference, String rule) {
        @Override
        public String toString() {
            return file + " (package " + pkg + ") uses " + reference + ": " + rule;
        }
    }

    /**
     * One rule: sources in {@code scope} (a package and its subpackages) but not in {@code except}
     * may not use names under {@code banned} unless they are under {@code allowed}.
     */
    record Rule(String scope, String except, List<String> banned, List<String> allowed, String why) {
        boolean applies(String pkg) {
            return within(pkg, scope) && (except.isEmpty() || !within(pkg, except));
        }

        boolean breaks(String reference) {
            return banned.stream().anyMatch(prefix -> within(reference, prefix))
                    && allowed.stream().noneMatch(prefix -> within(reference, prefix));
        }
    }

    static final List<Rule> RULES = List.of(
            new Rule("dev.erasure.codec", "", concat(FRAMEWORKS, "dev.erasure"), List.of("dev.erasure.codec"),
                    "codec is plain Java (no framework) and uses only codec.* of the project"),
            new Rule("dev.erasure.buffer", "", concat(FRAMEWORKS, "dev.erasure"), List.of("dev.erasure.buffer"),
                    "buffer is plain Java (no framework) and uses no other project package"),
            new Rule("dev.erasure.job", "",
                    List.of("jakarta.ws.rs", "io.vertx", "dev.erasure.api", "dev.erasure.ops"), List.of(),
                    "job knows no HTTP, no api and no ops"),
            new Rule("dev.erasure", "dev.erasure.ops", List.of("dev.erasure.ops"), List.of(),
                    "only ops may use ops"));

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;",
            Pattern.MULTILINE);
    /** A qualified name that starts with a lower-case segment and goes on with at least one more segment. */
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])((?:dev|io|jakarta)\\.[a-z]\\w*(?:\\.\\w+)+)");
    private static final Pattern COMMENTS_AND_STRINGS = Pattern.compile(
            "/\\*.*?\\*/|//[^\\n]*|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'", Pattern.DOTALL);

    @Test
    void mainSources_followThePackageRules() {
        Map<String, String> sources = read(Path.of("src/main/java"));

        assertThat(sources).as("sources scanned").isNotEmpty().containsKey("dev/erasure/ops/Producers.java");
        assertThat(check(sources)).as("package rule violations").isEmpty();
    }

    @Test
    void scanner_findsAFrameworkImportInCodec() {
        Map<String, String> sources = Map.of("Bad.java", """
                package dev.erasure.codec.kernel;
                import io.quarkus.runtime.Startup;
                import java.util.List;
                class Bad {}
                """);

        assertThat(check(sources)).extracting(Violation::reference).containsExactly("io.quarkus.runtime.Startup");
    }

    @Test
    void scanner_findsAnotherProjectPackageInBufferAndAllowsItsOwn() {
        Map<String, String> sources = Map.of("Bad.java", """
                package dev.erasure.buffer;
                import dev.erasure.buffer.JobArena;
                import static dev.erasure.job.Operation.ENCODE;
                class Bad {}
                """);

        assertThat(check(sources)).extracting(Violation::reference).containsExactly("dev.erasure.job.Operation.ENCODE");
    }

    @Test
    void scanner_findsQualifiedNamesInCodeButNotInCommentsOrStrings() {
        Map<String, String> sources = Map.of("Job.java", """
                package dev.erasure.job;
                /** Mentions {@link dev.erasure.ops.Producers} in a comment only. */
                class Job {
                    String s = "io.vertx.core.Vertx";
                    // dev.erasure.api.Resource
                    Object o = new dev.erasure.api.ShardSetReader();
                    jakarta.ws.rs.core.Response r;
                }
                """);

        assertThat(check(sources)).extracting(Violation::reference)
                .containsExactly("dev.erasure.api.ShardSetReader", "jakarta.ws.rs.core.Response");
    }

    @Test
    void scanner_findsOpsUsedOutsideOpsButNotInsideIt() {
        Map<String, String> sources = Map.of(
                "Api.java", "package dev.erasure.api;\nimport dev.erasure.ops.ErasureConfig;\nclass Api {}\n",
                "Ops.java", "package dev.erasure.ops;\nimport dev.erasure.ops.Settings;\nimport io.quarkus.runtime.StartupEvent;\nclass Ops {}\n");

        List<Violation> violations = check(sources);

        assertThat(violations).extracting(Violation::file).containsExactly("Api.java");
        assertThat(violations.getFirst().rule()).isEqualTo("only ops may use ops");
    }

    @Test
    void scanner_acceptsTheAllowedDirections() {
        Map<String, String> sources = Map.of(
                "Job.java", "package dev.erasure.job;\nimport dev.erasure.codec.Codecs;\nimport io.smallrye.mutiny.Uni;\nclass Job {}\n",
                "Gf.java", "package dev.erasure.codec.gf;\nimport dev.erasure.codec.kernel.Kernel;\nimport java.lang.foreign.MemorySegment;\nclass Gf {}\n",
                "Api.java", "package dev.erasure.api;\nimport io.vertx.core.Vertx;\nimport dev.erasure.job.JobService;\nclass Api {}\n");

        assertThat(check(sources)).isEmpty();
    }

    /** Every violation in the given sources (file name to text). */
    static List<Violation> check(Map<String, String> sources) {
        List<Violation> violations = new ArrayList<>();
        new TreeMap<>(sources).forEach((file, text) -> {
            String code = COMMENTS_AND_STRINGS.matcher(text).replaceAll(" ");
            Matcher pkgMatch = PACKAGE.matcher(code);
            String pkg = pkgMatch.find() ? pkgMatch.group(1) : "";
            for (String reference : references(code)) {
                for (Rule rule : RULES) {
                    if (rule.applies(pkg) && rule.breaks(reference)) {
                        violations.add(new Violation(file, pkg, reference, rule.why()));
                    }
                }
            }
        });
        return violations;
    }

    private static List<String> references(String code) {
        List<String> references = new ArrayList<>();
        Matcher imports = IMPORT.matcher(code);
        while (imports.find()) {
            references.add(imports.group(1));
        }
        String body = IMPORT.matcher(PACKAGE.matcher(code).replaceAll(" ")).replaceAll(" ");
        Matcher qualified = QUALIFIED.matcher(body);
        while (qualified.find()) {
            references.add(qualified.group(1));
        }
        return references;
    }

    private static Map<String, String> read(Path root) {
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sources.put(root.relativize(file).toString().replace('\\', '/'), Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sources;
    }

    private static boolean within(String name, String prefix) {
        return name.equals(prefix) || name.startsWith(prefix + ".");
    }

    private static List<String> concat(List<String> list, String more) {
        List<String> all = new ArrayList<>(list);
        all.add(more);
        return List.copyOf(all);
    }
}
