package dev.erasure.codec.isal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * A binding to Intel ISA-L's erasure code functions in {@code libisal.so.2} (Debian package
 * {@code libisal2}): both downcall handles, or the reason the library cannot be used. Binding never
 * throws; where the library, native access or the JDK's FFM support is missing, {@link #available()}
 * is false and {@link #unavailableReason()} says why, so the service runs without it.
 *
 * <p>{@link #system()} is the process-wide binding, made on first use from the system library path
 * and never unloaded. {@link #bind(Loader)} makes one with another loader (the seam the kernel
 * selection tests use to make loading fail).
 *
 * <p>Downcalls (C signatures from {@code isa-l/erasure_code.h}):
 * <pre>
 *   void ec_init_tables(int k, int rows, unsigned char *a, unsigned char *gftbls);
 *   void ec_encode_data(int len, int k, int rows, unsigned char *gftbls,
 *                       unsigned char **data, unsigned char **coding);
 * </pre>
 * Both are pure functions of their arguments and safe to call from many threads. They are bound
 * as {@linkplain Linker.Option#critical critical} calls: they never block or call back, and the
 * longest call (one column chunk) lasts microseconds.
 */
public final class IsalLibrary {

    /** The shared object looked up through the system loader path. */
    public static final String LIBRARY = "libisal.so.2";

    /** Opens a shared library by name; the default uses the system loader path and the global arena. */
    @FunctionalInterface
    public interface Loader {
        SymbolLookup load(String library);
    }

    /**
     * Bound when this class is initialized, which is on first use: at run time, also in a native
     * image, whose build lists this class for run-time initialization (docs/architecture.md).
     */
    private static final IsalLibrary SYSTEM = bind(library -> SymbolLookup.libraryLookup(library, Arena.global()));

    private final MethodHandle initTables;
    private final MethodHandle encodeData;
    private final String failure;

    private IsalLibrary(MethodHandle initTables, MethodHandle encodeData, String failure) {
        this.initTables = initTables;
        this.encodeData = encodeData;
        this.failure = failure;
    }

    /** The binding of this process, made on first call. Thread-safe. */
    public static IsalLibrary system() {
        return SYSTEM;
    }

    /**
     * Loads {@link #LIBRARY} with {@code loader} and binds both functions. Any failure, Errors
     * included (a JDK or native image without full FFM support throws {@code NoClassDefFoundError},
     * {@code UnsatisfiedLinkError} or {@code InternalError} from a library lookup), gives an
     * unavailable binding whose reason names the failure: ISA-L is optional, so nothing here may
     * stop the caller.
     */
    public static IsalLibrary bind(Loader loader) {
        Objects.requireNonNull(loader, "loader");
        try {
            SymbolLookup lookup = loader.load(LIBRARY);
            Linker linker = Linker.nativeLinker();
            Linker.Option critical = Linker.Option.critical(false);
            MethodHandle init = linker.downcallHandle(find(lookup, "ec_init_tables"), FunctionDescriptor.ofVoid(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), critical);
            MethodHandle encode = linker.downcallHandle(find(lookup, "ec_encode_data"), FunctionDescriptor.ofVoid(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS), critical);
            return new IsalLibrary(init, encode, null);
        } catch (Throwable e) {
            return new IsalLibrary(null, null, LIBRARY + " could not be loaded or bound (" + e
                    + "); install Debian package libisal2 and run with --enable-native-access=ALL-UNNAMED");
        }
    }

    /** True if the library loaded and both functions were found. */
    public boolean available() {
        return failure == null;
    }

    /** Why the library cannot be used, or null when it can. */
    public String unavailableReason() {
        return failure;
    }

    MethodHandle initTables() {
        check();
        return initTables;
    }

    MethodHandle encodeData() {
        check();
        return encodeData;
    }

    private void check() {
        if (failure != null) {
            throw new IllegalStateException("ISA-L is not available: " + failure);
        }
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(
                () -> new IllegalArgumentException("symbol " + name + " not found in " + LIBRARY));
    }

}
