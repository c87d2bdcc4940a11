package dev.erasure.codec.select;

import dev.erasure.codec.isal.IsalKernel;
import dev.erasure.codec.isal.IsalLibrary;
import dev.erasure.codec.kernel.Kernel;
import dev.erasure.codec.kernel.ScalarKernel;
import dev.erasure.codec.kernel.VectorKernel;

/**
 * Whether one optional kernel can run here: a usable kernel with a description, or a null kernel
 * with the reason it cannot be used. The probes never throw: any failure, Errors included, is a
 * reason, so {@code auto} can always fall back.
 */
public record KernelProbe(Kernel kernel, String detail) {

    /**
     * Set by GraalVM in a native executable. There the Vector API is compiled to scalar fallbacks
     * (unless the image was built with Oracle GraalVM's -H:+VectorAPISupport) and runs many times
     * slower than the scalar kernel, so a native build must use ISA-L or scalar.
     */
    static final String NATIVE_IMAGE_PROPERTY = "org.graalvm.nativeimage.imagecode";

    /** True if the probe found a usable kernel. */
    public boolean usable() {
        return kernel != null;
    }

    static KernelProbe unusable(String reason) {
        return new KernelProbe(null, reason);
    }

    /** The ISA-L kernel on {@code library}, with the Vector API (else scalar) kernel for heap segments. */
    static KernelProbe isal(IsalLibrary library) {
        try {
            if (!library.available()) {
                return unusable(library.unavailableReason());
            }
            KernelProbe vector = vector();
            Kernel fallback = vector.usable() ? vector.kernel() : new ScalarKernel();
            return new KernelProbe(new IsalKernel(library, fallback),
                    "ISA-L kernel (" + IsalLibrary.LIBRARY + "; heap segments on " + fallback.name() + ")");
        } catch (Throwable e) {
            return unusable("ISA-L kernel could not be created (" + e + ")");
        }
    }

    /** The Vector API kernel, unless running as a native image or the API is missing or too narrow. */
    static KernelProbe vector() {
        if (System.getProperty(NATIVE_IMAGE_PROPERTY) != null) {
            return unusable("running as a native image (" + NATIVE_IMAGE_PROPERTY + "="
                    + System.getProperty(NATIVE_IMAGE_PROPERTY) + "), where the Vector API is slower than scalar code");
        }
        try {
            if (!VectorKernel.usable()) {
                return unusable("Vector API usable but vectors are narrower than 128 bits ("
                        + VectorKernel.describe() + ")");
            }
            return new KernelProbe(new VectorKernel(), VectorKernel.describe());
        } catch (Throwable e) {
            return unusable("Vector API not available (" + e + "); run with --add-modules=jdk.incubator.vector");
        }
    }
}
