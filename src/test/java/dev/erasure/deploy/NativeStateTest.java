package dev.erasure.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No native state may end up in a native image's heap. Quarkus initializes classes at build time
 * unless told otherwise, and an object created by a static initializer then is frozen into the
 * image: a Cleaner (and its thread), a thread or executor, an arena or memory segment, a library
 * lookup or a downcall handle into it. A GraalVM build stops on some of them ("Detected a
 * java.lang.ref.Cleaner object in the image heap") and would carry the others into an executable
 * where they are invalid.
 *
 * <p>So every class of the service is initialized here, on the JVM, and the objects reachable from
 * its static fields are searched for native state: a class that holds any must be listed for
 * run-time initialization in the native profile, and every listed class must exist.
 */
class NativeStateTest {

    private static final Path CLASSES = Path.of("target/classes");
    private static final String RUN_TIME = "--initialize-at-run-time=";
    private static final List<Class<?>> NATIVE_TYPES = List.of(Cleaner.class, Thread.class, Executor.class,
            Arena.class, MemorySegment.class, SymbolLookup.class, MethodHandle.class);

    @Test
    void classesHoldingNativeStateAreInitializedAtRunTime() throws Exception {
        Set<String> runTime = runTimeInitialized();
        List<String> unlisted = new ArrayList<>();
        for (String name : serviceClasses()) {
            Class<?> type = Class.forName(name, true, getClass().getClassLoader());
            List<String> found = nativeStateOf(type);
            if (!found.isEmpty() && !runTime.contains(name)) {
                unlisted.add(name + " holds " + found);
            }
        }
        assertThat(unlisted).as("classes with native state in static fields that the native profile does not "
                + "list with " + RUN_TIME + " (pom.xml, profile native)").isEmpty();
    }

    @Test
    void theIsalKernelsCleanerIsFoundAndListed() throws Exception {
        String isalKernel = "dev.erasure.codec.isal.IsalKernel";

        assertThat(nativeStateOf(Class.forName(isalKernel))).anySatisfy(found -> assertThat(found).contains("Cleaner"));
        assertThat(runTimeInitialized()).contains(isalKernel, "dev.erasure.buffer.NativeMemoryPool",
                "dev.erasure.codec.kernel.VectorLoops");
    }

    @Test
    void everyListedClassExists() throws Exception {
        Set<String> classes = new TreeSet<>(serviceClasses());
        assertThat(runTimeInitialized()).isNotEmpty().allSatisfy(name -> assertThat(classes).contains(name));
    }

    /** The classes the native profile initializes at run time. */
    static Set<String> runTimeInitialized() throws Exception {
        String args = NativeProfileTest.nativeProfileProperties().get("quarkus.native.additional-build-args");
        Set<String> names = new TreeSet<>();
        for (String arg : args.split(",")) {
            if (arg.startsWith(RUN_TIME)) {
                names.add(arg.substring(RUN_TIME.length()));
            }
        }
        return names;
    }

    /** Every compiled class of src/main/java, by binary name. */
    private static List<String> serviceClasses() throws IOException {
        assertThat(CLASSES.resolve("dev/erasure")).isDirectory();
        try (Stream<Path> files = Files.walk(CLASSES.resolve("dev/erasure"))) {
            return files.map(CLASSES::relativize).map(Path::toString).filter(f -> f.endsWith(".class"))
                    .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.')).sorted().toList();
        }
    }

    /** Descriptions of the native objects reachable from the static fields of {@code type}. */
    private static List<String> nativeStateOf(Class<?> type) throws IllegalAccessException {
        List<String> found = new ArrayList<>();
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        for (Field field : type.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive()) {
                field.setAccessible(true);
                search(field.get(null), type.getSimpleName() + "." + field.getName(), found, seen, 0);
            }
        }
        return found;
    }

    /** Walks the service's own objects, arrays and collections; reports instances of the native types. */
    private static void search(Object value, String path, List<String> found, Map<Object, Boolean> seen, int depth)
            throws IllegalAccessException {
        if (value == null || depth > 4 || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        for (Class<?> nativeType : NATIVE_TYPES) {
            if (nativeType.isInstance(value)) {
                found.add(path + " (" + nativeType.getSimpleName() + ")");
                return;
            }
        }
        if (value instanceof Object[] array) {
            for (int i = 0; i < array.length; i++) {
                search(array[i], path + "[" + i + "]", found, seen, depth + 1);
            }
        } else if (value instanceof Collection<?> collection) {
            for (Object element : collection) {
                search(element, path + "[]", found, seen, depth + 1);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                search(entry.getValue(), path + "[" + entry.getKey() + "]", found, seen, depth + 1);
            }
        } else if (value.getClass().getName().startsWith("dev.erasure.")) {
            for (Class<?> c = value.getClass(); c != null && c.getName().startsWith("dev.erasure."); c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive()) {
                        field.setAccessible(true);
                        search(field.get(value), path + "." + field.getName(), found, seen, depth + 1);
                    }
                }
            }
        }
    }

    @Test
    void theSearchFindsNativeStateBehindTheServicesOwnObjects() throws Exception {
        List<String> found = nativeStateOf(Holder.class);

        assertThat(found).containsExactlyInAnyOrder("Holder.DIRECT (Cleaner)", "Holder.NESTED.segments[1] (MemorySegment)");
    }

    /** A fixture: one direct native object, one behind an object of this package, one harmless field. */
    static final class Holder {
        static final Cleaner DIRECT = Cleaner.create();
        static final Wrapper NESTED = new Wrapper(new MemorySegment[] {null, Arena.global().allocate(8)});
        static final String HARMLESS = "text";
    }

    record Wrapper(MemorySegment[] segments) {
    }
}
