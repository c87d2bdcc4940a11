package dev.erasure.codec.leopard;

/**
 * Picks the Leopard kernel. ISA-L has no Leopard-RS, so the choice is between the Vector API
 * kernel (when the Vector API is usable) and the scalar reference.
 */
public final class LeopardKernels {

    /** Set by GraalVM in a native executable, where the Vector API runs as slow fallbacks. */
    private static final String NATIVE_IMAGE_PROPERTY = "org.graalvm.nativeimage.imagecode";

    private LeopardKernels() {
    }

    /** The vector kernel when {@code vectorUsable}, else the scalar one. */
    public static LeopardKernel select(boolean vectorUsable) {
        return vectorUsable ? new VectorLeopardKernel() : new ScalarLeopardKernel();
    }

    /** Whether the Vector API is present, compiled (not a native image) and at least 128 bits wide. */
    public static boolean vectorUsable() {
        if (System.getProperty(NATIVE_IMAGE_PROPERTY) != null) {
            return false;
        }
        try {
            return VectorLeopardKernel.usable();
        } catch (NoClassDefFoundError | ExceptionInInitializerError e) {
            return false;
        }
    }
}
