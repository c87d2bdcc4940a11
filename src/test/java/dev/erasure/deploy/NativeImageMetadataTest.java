package dev.erasure.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The native-image metadata registers exactly the FFM downcall shapes of the two ISA-L functions the
 * kernel calls: checked against the prototypes in the installed C header, and proven usable by
 * calling ISA-L on this JVM through descriptors built from the metadata's own strings (which
 * native-image parses with the same canonical layout names).
 */
class NativeImageMetadataTest {

    static final Path METADATA = Path.of(
            "src/main/resources/META-INF/native-image/dev.erasure/erasure-service/reachability-metadata.json");
    static final Path HEADER = Path.of("/usr/include/isa-l/erasure_code.h");
    static final Path ISAL_LIBRARY = Path.of("src/main/java/dev/erasure/codec/isal/IsalLibrary.java");
    static final List<String> ISAL_FUNCTIONS = List.of("ec_init_tables", "ec_encode_data");

    private static final Map<String, MemoryLayout> CANONICAL = Linker.nativeLinker().canonicalLayouts();

    /** A registered downcall: its signature and its {@code critical} option (null when absent). */
    record Downcall(Shape shape, Boolean criticalAllowHeapAccess) {
        Linker.Option[] options() {
            return criticalAllowHeapAccess == null ? new Linker.Option[0]
                    : new Linker.Option[] {Linker.Option.critical(criticalAllowHeapAccess)};
        }
    }

    /** A C signature in native-image's layout names (void, int, void*). */
    record Shape(String returnType, List<String> parameterTypes) {
        FunctionDescriptor descriptor() {
            MemoryLayout[] parameters = parameterTypes.stream().map(NativeImageMetadataTest::layout).toArray(MemoryLayout[]::new);
            return returnType.equals("void") ? FunctionDescriptor.ofVoid(parameters)
                    : FunctionDescriptor.of(layout(returnType), parameters);
        }
    }

    @Test
    void registersOnlyKnownSectionsAndCanonicalLayouts() throws IOException {
        JsonNode metadata = new ObjectMapper().readTree(METADATA.toFile());
        List<String> sections = new ArrayList<>();
        metadata.fieldNames().forEachRemaining(sections::add);
        assertThat(sections).isSubsetOf("comment", "foreign", "reflection", "resources");
        for (Downcall downcall : downcalls()) {
            assertThat(downcall.shape().parameterTypes()).allSatisfy(type -> assertThat(CANONICAL).containsKey(type));
            assertThat(downcall.shape().descriptor()).isNotNull();
        }
    }

    @Test
    void downcallsMatchTheIsalPrototypes() throws IOException {
        assumeTrue(Files.isReadable(HEADER), "ISA-L headers are not installed (apt-get install libisal-dev; bin/setup-peers)");
        List<Shape> fromHeader = new ArrayList<>();
        for (String function : ISAL_FUNCTIONS) {
            fromHeader.add(prototype(Files.readString(HEADER), function));
        }
        assertThat(downcalls()).extracting(Downcall::shape).containsExactlyInAnyOrderElementsOf(fromHeader);
    }

    /**
     * Native image matches a downcall by descriptor and options, so what the ISA-L kernel builds must
     * be registered exactly. Reads the kernel's source (a scan of its FunctionDescriptor.ofVoid(...)
     * and Linker.Option.critical(...) calls).
     */
    @Test
    void matchesTheDescriptorsTheIsalKernelBuilds() throws IOException {
        String source = Files.readString(ISAL_LIBRARY);
        List<Shape> built = new ArrayList<>();
        Matcher descriptor = Pattern.compile("FunctionDescriptor\\.(of\\w*)\\(([^)]*)\\)").matcher(source);
        while (descriptor.find()) {
            assertThat(descriptor.group(1)).as("only void ISA-L functions are registered").isEqualTo("ofVoid");
            List<String> parameters = new ArrayList<>();
            for (String argument : descriptor.group(2).split(",")) {
                String layout = argument.strip().replaceFirst("^ValueLayout\\.", "");
                parameters.add(switch (layout) {
                    case "JAVA_INT" -> "int";
                    case "ADDRESS" -> "void*";
                    default -> throw new AssertionError("layout " + layout + " of IsalLibrary has no mapping in this test");
                });
            }
            built.add(new Shape("void", List.copyOf(parameters)));
        }
        assertThat(downcalls()).extracting(Downcall::shape).containsExactlyInAnyOrderElementsOf(built);
        Matcher critical = Pattern.compile("Linker\\.Option\\.critical\\((true|false)\\)").matcher(source);
        Boolean allowHeapAccess = critical.find() ? Boolean.valueOf(critical.group(1)) : null;
        assertThat(downcalls()).extracting(Downcall::criticalAllowHeapAccess).containsOnly(allowHeapAccess);
    }

    @Test
    void isalEncodesThroughTheRegisteredDescriptors() throws Throwable {
        assumeTrue(Files.isReadable(HEADER), "ISA-L headers are not installed (apt-get install libisal-dev; bin/setup-peers)");
        String header = Files.readString(HEADER);
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup isal;
            try {
                isal = SymbolLookup.libraryLookup("libisal.so.2", arena);
            } catch (IllegalArgumentException e) {
                assumeTrue(false, "libisal.so.2 does not load (apt-get install libisal2; bin/setup-peers): " + e.getMessage());
                return;
            }
            MethodHandle initTables = handle(isal, "ec_init_tables", prototype(header, "ec_init_tables"));
            MethodHandle encodeData = handle(isal, "ec_encode_data", prototype(header, "ec_encode_data"));
            // 2 data shards, 1 parity row of coefficients (1, 1): in GF(2^8) the parity is d0 XOR d1.
            int shardSize = 64;
            MemorySegment coefficients = arena.allocateFrom(ValueLayout.JAVA_BYTE, (byte) 1, (byte) 1);
            MemorySegment tables = arena.allocate(32L * 2 * 1);
            initTables.invokeExact(2, 1, coefficients, tables);
            MemorySegment d0 = arena.allocate(shardSize);
            MemorySegment d1 = arena.allocate(shardSize);
            MemorySegment parity = arena.allocate(shardSize);
            for (int i = 0; i < shardSize; i++) {
                d0.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7 + 1));
                d1.set(ValueLayout.JAVA_BYTE, i, (byte) (255 - i * 3));
            }
            MemorySegment data = arena.allocate(ValueLayout.ADDRESS, 2);
            data.setAtIndex(ValueLayout.ADDRESS, 0, d0);
            data.setAtIndex(ValueLayout.ADDRESS, 1, d1);
            MemorySegment coding = arena.allocate(ValueLayout.ADDRESS, 1);
            coding.setAtIndex(ValueLayout.ADDRESS, 0, parity);
            encodeData.invokeExact(shardSize, 2, 1, tables, data, coding);
            for (int i = 0; i < shardSize; i++) {
                byte expected = (byte) (d0.get(ValueLayout.JAVA_BYTE, i) ^ d1.get(ValueLayout.JAVA_BYTE, i));
                assertThat(parity.get(ValueLayout.JAVA_BYTE, i)).as("parity byte %d", i).isEqualTo(expected);
            }
        }
    }

    /** The registered downcall whose signature is the function's prototype, as a handle with its options. */
    private static MethodHandle handle(SymbolLookup library, String function, Shape prototype) throws IOException {
        Downcall registered = downcalls().stream().filter(d -> d.shape().equals(prototype)).findFirst()
                .orElseThrow(() -> new AssertionError("no registered downcall for " + function + " " + prototype));
        MemorySegment symbol = library.find(function).orElseThrow(() -> new AssertionError(function + " not in libisal.so.2"));
        return Linker.nativeLinker().downcallHandle(symbol, registered.shape().descriptor(), registered.options());
    }

    static List<Downcall> downcalls() throws IOException {
        JsonNode downcalls = new ObjectMapper().readTree(METADATA.toFile()).path("foreign").path("downcalls");
        List<Downcall> registered = new ArrayList<>();
        for (JsonNode call : downcalls) {
            Iterator<JsonNode> types = call.get("parameterTypes").elements();
            List<String> parameters = StreamSupport.stream(((Iterable<JsonNode>) () -> types).spliterator(), false)
                    .map(JsonNode::asText).toList();
            JsonNode critical = call.path("options").path("critical");
            Boolean allowHeapAccess = critical.isMissingNode() ? null : critical.path("allowHeapAccess").asBoolean(false);
            registered.add(new Downcall(new Shape(call.get("returnType").asText(), parameters), allowHeapAccess));
        }
        return registered;
    }

    /** The shape of {@code void name(...)} in the C header: pointers become void*, ints stay int. */
    static Shape prototype(String header, String function) {
        Matcher matcher = Pattern.compile("\\n\\s*(\\w+)\\s+" + function + "\\s*\\(([^)]*)\\)\\s*;").matcher(header);
        assertThat(matcher.find()).as("prototype of %s in %s", function, HEADER).isTrue();
        List<String> parameters = new ArrayList<>();
        for (String parameter : matcher.group(2).split(",")) {
            String type = parameter.strip().replaceAll("\\s+", " ");
            parameters.add(type.contains("*") ? "void*" : type.replaceAll(" \\w+$", ""));
        }
        return new Shape(matcher.group(1), List.copyOf(parameters));
    }

    private static MemoryLayout layout(String name) {
        MemoryLayout layout = CANONICAL.get(name);
        assertThat(layout).as("canonical layout %s (known: %s)", name, CANONICAL.keySet()).isNotNull();
        return layout;
    }
}
