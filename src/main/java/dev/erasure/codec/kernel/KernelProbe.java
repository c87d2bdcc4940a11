package dev.erasure.codec.kernel;

/** Finds out whether the optional kernels can run here, and why not. */
final class KernelProbe {

    /** A usable kernel with a description, or a null kernel with the reason it is unusable. */
    record Result(Kernel kernel, String detail) {
    }

    private KernelProbe() {
    }

    static Result isal() {
        return new Result(null, "ISA-L kernel not built yet");
    }

    static Result vector() {
        return new Result(null, "Vector API kernel not built yet");
    }
}
