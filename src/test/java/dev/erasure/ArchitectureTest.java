package dev.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md as one table: for every package of {@code src/main/java}
 * (sub-packages included, each its own row), the packages its sources may use. Checked on every
 * import and every fully qualified name written in code (comments and string literals are not
 * code). A package may always use itself; an entry ending in {@code .**} allows a package and
 * everything below it, any other entry exactly that package. Plain JUnit, no extra dependency.
 */
class ArchitectureTest {

    private static final String JDK = "java.**";

    /** Package -> what it may use. Only ops uses ops; the codec packages form a one-way ladder. */
    static final Map<String, List<String>> ALLOWED = table(
            row("dev.erasure.codec.gf", JDK),
            row("dev.erasure.codec.kernel", JDK, "jdk.incubator.vector", "dev.erasure.codec.gf"),
            row("dev.erasure.codec.isal", JDK, "dev.erasure.codec.kernel"),
            row("dev.erasure.codec.leopard", JDK, "jdk.incubator.vector", "dev.erasure.codec"),
            row("dev.erasure.codec", JDK, "dev.erasure.codec.gf", "dev.erasure.codec.kernel",
                    "dev.erasure.codec.leopard"),
            row("dev.erasure.codec.select", JDK, "dev.erasure.codec.kernel", "dev.erasure.codec.isal"),
            row("dev.erasure.buffer", JDK),
            row("dev.erasure.job", JDK, "dev.erasure.codec", "dev.erasure.buffer", "io.smallrye.mutiny.**"),
            row("dev.erasure.api", JDK, "dev.erasure.codec", "dev.erasure.buffer", "dev.erasure.job",
                    "io.vertx.**", "io.netty.**", "io.smallrye.**", "io.micrometer.**", "io.quarkus.**", "jakarta.**",
                    "org.jboss.logging", "com.fasterxml.jackson.core.**"),
            row("dev.erasure.api.stream", JDK, "dev.erasure.api", "dev.erasure.codec", "dev.erasure.buffer",
                    "dev.erasure.job", "io.vertx.**", "io.netty.**", "io.smallrye.**", "io.quarkus.**", "jakarta.**",
                    "org.eclipse.microprofile.**", "org.jboss.logging"),
            row("dev.erasure.api.security", JDK, "dev.erasure.api", "io.vertx.**", "io.smallrye.**",
                    "io.micrometer.**", "io.quarkus.**", "jakarta.**", "org.jboss.logging"),
            row("dev.erasure.ops", JDK, "dev.erasure.**", "io.quarkus.**", "io.smallrye.**", "io.micrometer.**",
                    "jakarta.**", "org.eclipse.microprofile.**", "org.jboss.logging"));

    /** A reference that breaks the table. */
    record Violation(String file, String pkg, String reference) {
        @Override
        public String toString() {
            return file + " (package " + pkg + ") uses " + reference + ", allowed: " + ALLOWED.get(pkg);
        }
    }

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;",
            Pattern.MULTILINE);
    /** A qualified name that starts with a lower-case segment and goes on with at least one more segment. */
    private static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.])((?:dev|io|jakarta|jdk|org|com)\\.[a-z]\\w*(?:\\.\\w+)+)");
    private static final Pattern COMMENTS_AND_STRINGS = Pattern.compile(
            "/\\*.*?\\*/|//[^\\n]*|\"\"\".*?\"\"\"|\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'", Pattern.DOTALL);

    @Test
    void mainSources_useOnlyWhatTheirPackageRowAllows() {
        Map<String, String> sources = read(Path.of("src/main/java"));

        assertThat(sources).as("sources scanned").isNotEmpty().containsKey("dev/erasure/ops/Producers.java");
        assertThat(check(sources)).as("package rule violations").isEmpty();
    }

    @Test
    void everyMainPackageHasARow_andEveryRowAPackage() {
        Set<String> packages = new TreeSet<>();
        read(Path.of("src/main/java")).values().forEach(text -> packages.add(packageOf(text)));

        assertThat(packages).as("packages of src/main/java").containsExactlyInAnyOrderElementsOf(ALLOWED.keySet());
    }

    @Test
    void scanner_findsAFrameworkImportInASubPackageOfCodec() {
        Map<String, String> sources = Map.of("Bad.java", """
                package dev.erasure.codec.kernel;
                import io.quarkus.runtime.Startup;
                import java.util.List;
                class Bad {}
                """);

        assertThat(check(sources)).extracting(Violation::reference).containsExactly("io.quarkus.runtime.Startup");
    }

    @Test
    void scanner_findsTheKernelPackageReachingUpToTheSelection() {
        Map<String, String> sources = Map.of(
                "Kernel.java", "package dev.erasure.codec.kernel;\nimport dev.erasure.codec.isal.IsalKernel;\nclass K {}\n",
                "Isal.java", "package dev.erasure.codec.isal;\nimport dev.erasure.codec.select.KernelSelector;\nclass I {}\n",
                "Gf.java", "package dev.erasure.codec.gf;\nimport dev.erasure.codec.kernel.Kernel;\nclass G {}\n");

        assertThat(check(sources)).extracting(Violation::reference).containsExactly(
                "dev.erasure.codec.kernel.Kernel", "dev.erasure.codec.select.KernelSelector",
                "dev.erasure.codec.isal.IsalKernel");
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

        assertThat(check(sources)).extracting(Violation::file).containsExactly("Api.java");
    }

    @Test
    void scanner_flagsAPackageWithoutARow() {
        Map<String, String> sources = Map.of("New.java", "package dev.erasure.codec.fresh;\nimport java.util.List;\nclass N {}\n");

        assertThat(check(sources)).extracting(Violation::reference).containsExactly("java.util.List");
    }

    @Test
    void scanner_acceptsTheAllowedDirections() {
        Map<String, String> sources = Map.of(
                "Job.java", "package dev.erasure.job;\nimport dev.erasure.codec.CodeCache;\nimport io.smallrye.mutiny.Uni;\nclass Job {}\n",
                "Select.java", "package dev.erasure.codec.select;\nimport dev.erasure.codec.isal.IsalKernel;\n"
                        + "import dev.erasure.codec.kernel.Kernel;\nclass S {}\n",
                "Api.java", "package dev.erasure.api;\nimport io.vertx.core.Vertx;\nimport dev.erasure.job.JobService;\nclass Api {}\n");

        assertThat(check(sources)).isEmpty();
    }

    /** Every violation in the given sources (file name to text). */
    static List<Violation> check(Map<String, String> sources) {
        List<Violation> violations = new ArrayList<>();
        new TreeMap<>(sources).forEach((file, text) -> {
            String code = COMMENTS_AND_STRINGS.matcher(text).replaceAll(" ");
            String pkg = packageOf(code);
            List<String> allowed = ALLOWED.getOrDefault(pkg, List.of());
            for (String reference : references(code)) {
                String used = packageOfReference(reference);
                if (!used.equals(pkg) && allowed.stream().noneMatch(entry -> matches(entry, used))) {
                    violations.add(new Violation(file, pkg, reference));
                }
            }
        });
        return violations;
    }

    private static boolean matches(String entry, String pkg) {
        if (entry.endsWith(".**")) {
            String root = entry.substring(0, entry.length() - 3);
            return pkg.equals(root) || pkg.startsWith(root + ".");
        }
        return pkg.equals(entry);
    }

    /** The package part of a referenced name: its segments up to the first capitalized one (or a wildcard). */
    private static String packageOfReference(String reference) {
        List<String> segments = new ArrayList<>();
        for (String segment : reference.split("\\.")) {
            if (segment.equals("*") || Character.isUpperCase(segment.charAt(0))) {
                break;
            }
            segments.add(segment);
        }
        return String.join(".", segments);
    }

    private static String packageOf(String text) {
        Matcher matcher = PACKAGE.matcher(text);
        return matcher.find() ? matcher.group(1) : "";
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

    private static Map.Entry<String, List<String>> row(String pkg, String... allowed) {
        return Map.entry(pkg, List.of(allowed));
    }

    @SafeVarargs
    private static Map<String, List<String>> table(Map.Entry<String, List<String>>... rows) {
        Map<String, List<String>> table = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> row : rows) {
            table.put(row.getKey(), row.getValue());
        }
        return table;
    }
}
