package dev.erasure.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The chart rendered by Helm (helm-java, Helm as a library) and every manifest parsed strictly with
 * the fabric8 Kubernetes model: each document must map to a typed model class (not a generic
 * resource), no field may be unknown to the model (nothing lands in {@code additionalProperties}),
 * and scalars are not coerced (a quoted number where the API wants an integer fails).
 *
 * @param manifests the rendered resources in Helm's output order, with the template each came from
 */
record RenderedChart(List<Manifest> manifests) {

    static final Path CHART = Path.of("helm", "erasure-service");
    static final String RELEASE = "erasure";
    static final String HOOK_ANNOTATION = "rendered-by-test/helm.sh-hook";
    private static final Path HOOKS_AS_MANIFESTS = copyWithHooksAsManifests();

    /** One rendered resource and the template file ({@code templates/...}) that produced it. */
    record Manifest(String source, HasMetadata resource) {
    }

    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
    private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: erasure-service/(\\S+)\\s*$");
    private static final KubernetesSerialization SERIALIZATION = strictSerialization();

    /** Renders the chart with its default values plus the given {@code --set key=value} pairs. */
    static RenderedChart render(Map<String, Object> sets) {
        return parse(template(sets).call());
    }

    /**
     * The Helm template command for the given sets, for tests that expect the render to fail. It
     * renders a copy of the chart in which the {@code helm.sh/hook} annotation key is renamed to
     * {@link #HOOK_ANNOTATION}: Helm as a library leaves hooks out of its output, and the rename
     * makes the {@code helm test} pod render as a plain manifest that still shows its hook value.
     */
    static TemplateCommand template(Map<String, Object> sets) {
        TemplateCommand command = new Helm(HOOKS_AS_MANIFESTS).template().withName(RELEASE).withNamespace("coding");
        sets.forEach(command::set);
        return command;
    }

    static RenderedChart parse(String helmOutput) {
        List<Manifest> manifests = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(helmOutput)) {
            var source = SOURCE.matcher(document);
            if (!source.find()) {
                assertThat(document.strip()).as("a rendered document without a '# Source:' line").isEmpty();
                continue;
            }
            Object parsed = SERIALIZATION.unmarshal(document);
            assertThat(parsed)
                    .as("%s must map to a typed Kubernetes model class", source.group(1))
                    .isInstanceOf(HasMetadata.class)
                    .isNotInstanceOf(GenericKubernetesResource.class);
            assertNoUnknownFields(parsed, source.group(1));
            manifests.add(new Manifest(source.group(1), (HasMetadata) parsed));
        }
        return new RenderedChart(List.copyOf(manifests));
    }

    /** The only resource of the given type; fails when there is none or more than one. */
    <T extends HasMetadata> T one(Class<T> type) {
        List<T> found = all(type);
        assertThat(found).as("rendered %s resources", type.getSimpleName()).hasSize(1);
        return found.getFirst();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type) {
        List<T> found = all(type);
        assertThat(found).as("rendered %s resources", type.getSimpleName()).hasSizeLessThanOrEqualTo(1);
        return found.stream().findFirst();
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return manifests.stream().map(Manifest::resource).filter(type::isInstance).map(type::cast).toList();
    }

    private static Path copyWithHooksAsManifests() {
        try {
            Path copy = Files.createTempDirectory("erasure-chart-");
            // Used by every render of this JVM, so removed when the JVM ends.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(copy)));
            try (Stream<Path> files = Files.walk(CHART)) {
                for (Path file : files.toList()) {
                    Path target = copy.resolve(CHART.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(target);
                    } else {
                        Files.writeString(target, Files.readString(file).replace("\"helm.sh/hook\":", "\"" + HOOK_ANNOTATION + "\":"));
                    }
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the chart " + CHART.toAbsolutePath(), e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // A leftover temporary directory is not worth failing a test run for.
        }
    }

    private static KubernetesSerialization strictSerialization() {
        ObjectMapper mapper = JsonMapper.builder().disable(MapperFeature.ALLOW_COERCION_OF_SCALARS).build();
        return new KubernetesSerialization(mapper, true);
    }

    /**
     * Walks the parsed model and fails on any non-empty {@code additionalProperties}: the model keeps
     * fields it does not know there, so a typo such as {@code readinesProbe} would pass silently.
     */
    static void assertNoUnknownFields(Object node, String path) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                assertNoUnknownFields(item, path + "[" + i++ + "]");
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> assertNoUnknownFields(value, path + "." + key));
            return;
        }
        if (!node.getClass().getPackageName().startsWith("io.fabric8")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (!isModelGetter(getter)) {
                continue;
            }
            Object value = invoke(getter, node);
            if (getter.getName().equals("getAdditionalProperties")) {
                assertThat((Map<?, ?>) value).as("fields unknown to the Kubernetes model at %s", path).isNullOrEmpty();
            } else {
                assertNoUnknownFields(value, path + "." + propertyName(getter));
            }
        }
    }

    private static boolean isModelGetter(Method method) {
        return method.getName().startsWith("get") && method.getParameterCount() == 0
                && !Modifier.isStatic(method.getModifiers()) && method.getDeclaringClass() != Object.class
                && method.getDeclaringClass().getPackageName().startsWith("io.fabric8")
                && !method.getReturnType().isPrimitive() && !method.getName().equals("getClass");
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new AssertionError("cannot read " + getter + " of " + target.getClass().getName(), e);
        }
    }

    private static String propertyName(Method getter) {
        String name = getter.getName().substring(3);
        return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
