package dev.erasure.codec.kernel;

import dev.erasure.codec.isal.IsalKernel;
import dev.erasure.codec.isal.IsalLibrary;

/** Finds out whether the optional kernels can run here, and why not. */
final class KernelProbe {

    /** A usable kernel with a description, or a null kernel with the reason it is unusable. */
    record Result(Kernel kernel, String detail) {
    }

    private KernelProbe() {
    }

    static Result isal() {
        if (!IsalLibrary.available()) {
            return new Result(null, IsalLibrary.unavailableReason());
        }
        Kernel fallback = vector().kernel() != null ? new VectorKernel() : new ScalarKernel();
        return new Result(new IsalKernel(fallback), "ISA-L kernel (" + IsalLibrary.LIBRARY + "; heap segments on "
                + fallback.name() + ")");
    }

    /**
     * Set by GraalVM in a native executable. There the Vector API is compiled to scalar fallbacks
     * (unless the image was built with Oracle GraalVM's -H:+VectorAPISupport) and runs many times
     * slower than the scalar kernel, so a native build must use ISA-L or scalar.
     */
    static final String NATIVE_IMAGE_PROPERTY = "org.graalvm.nativeimage.imagecode";

    static Result vector() {
        if (System.getProperty(NATIVE_IMAGE_PROPERTY) != null) {
            return new Result(null, "running as a native image (" + NATIVE_IMAGE_PROPERTY + "="
                    + System.getProperty(NATIVE_IMAGE_PROPERTY) + "), where the Vector API is slower than scalar code");
        }
        try {
            if (!VectorKernel.usable()) {
                return new Result(null, "Vector API usable but vectors are narrower than 128 bits ("
                        + VectorKernel.describe() + ")");
            }
            return new Result(new VectorKernel(), VectorKernel.describe());
        } catch (NoClassDefFoundError | ExceptionInInitializerError e) {
            return new Result(null, "Vector API not available (" + e
                    + "); run with --add-modules=jdk.incubator.vector");
        }
    }
}
