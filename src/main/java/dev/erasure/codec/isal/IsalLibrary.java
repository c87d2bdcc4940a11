package dev.erasure.codec.isal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The binding to Intel ISA-L's erasure code functions in {@code libisal.so.2} (Debian package
 * {@code libisal2}), loaded lazily on first use and never unloaded. Where the library or native
 * access is missing, {@link #available()} is false and {@link #unavailableReason()} says why;
 * nothing else fails, so the service runs without it.
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

    private IsalLibrary() {
    }

    /** True if {@code libisal.so.2} loaded and both functions were found. Thread-safe, cheap after the first call. */
    public static boolean available() {
        return Holder.FAILURE == null;
    }

    /** Why the library cannot be used, or null when it can. */
    public static String unavailableReason() {
        return Holder.FAILURE;
    }

    static MethodHandle initTables() {
        check();
        return Holder.INIT_TABLES;
    }

    static MethodHandle encodeData() {
        check();
        return Holder.ENCODE_DATA;
    }

    private static void check() {
        if (Holder.FAILURE != null) {
            throw new IllegalStateException("ISA-L is not available: " + Holder.FAILURE);
        }
    }

    /** Initialization-on-demand: the library is looked up when first needed. */
    private static final class Holder {
        static final MethodHandle INIT_TABLES;
        static final MethodHandle ENCODE_DATA;
        static final String FAILURE;

        static {
            MethodHandle init = null;
            MethodHandle encode = null;
            String failure = null;
            try {
                SymbolLookup lookup = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
                Linker linker = Linker.nativeLinker();
                Linker.Option critical = Linker.Option.critical(false);
                init = linker.downcallHandle(find(lookup, "ec_init_tables"), FunctionDescriptor.ofVoid(
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS), critical);
                encode = linker.downcallHandle(find(lookup, "ec_encode_data"), FunctionDescriptor.ofVoid(
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS, ValueLayout.ADDRESS), critical);
            } catch (IllegalArgumentException | IllegalCallerException | UnsupportedOperationException e) {
                failure = LIBRARY + " could not be loaded (" + e.getMessage()
                        + "); install Debian package libisal2 and run with --enable-native-access=ALL-UNNAMED";
            }
            INIT_TABLES = init;
            ENCODE_DATA = encode;
            FAILURE = failure;
        }

        private static MemorySegment find(SymbolLookup lookup, String name) {
            return lookup.find(name).orElseThrow(
                    () -> new IllegalArgumentException("symbol " + name + " not found in " + LIBRARY));
        }
    }
}
