package dev.erasure.codec.kernel;

import java.util.Locale;

/**
 * Picks the kernel once at start: {@code auto} = ISA-L if {@code libisal.so.2} loads, else the
 * Vector API kernel if it is usable, else scalar. A forced mode ({@code isal|vector|scalar}) that
 * cannot be honoured throws {@link IllegalStateException} with the reason.
 *
 * <p>The system property {@value #OVERRIDE_PROPERTY}, when set, replaces the configured mode
 * (the reason says so). It exists so the whole test suite can run on one kernel:
 * {@code bin/test -Derasure.codec.kernel=scalar}.
 */
public final class KernelSelector {

    /** System property that overrides the configured mode (for test matrices). */
    public static final String OVERRIDE_PROPERTY = "erasure.codec.kernel";

    /** The accepted modes, in the order auto tries the kernels. */
    public static final String ACCEPTED_MODES = "auto, isal, vector, scalar";

    /** The chosen kernel and a one-line human reason (logged at INFO by the service). */
    public record Choice(Kernel kernel, String reason) {
    }

    private KernelSelector() {
    }

    /**
     * Chooses a kernel. Thread-safe; each call returns a new kernel object (kernels are stateless,
     * so sharing one is fine).
     *
     * @param mode one of auto, isal, vector, scalar (case-insensitive, surrounding blanks ignored)
     * @throws IllegalArgumentException for an unknown or null mode (naming the accepted ones and the value)
     * @throws IllegalStateException when a forced kernel cannot be used, with the reason
     */
    public static Choice select(String mode) {
        String override = System.getProperty(OVERRIDE_PROPERTY);
        if (override != null && !override.isBlank()) {
            Choice choice;
            try {
                choice = selectMode(override);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("system property " + OVERRIDE_PROPERTY + ": " + e.getMessage(), e);
            }
            return new Choice(choice.kernel(), choice.reason() + " (system property " + OVERRIDE_PROPERTY + "="
                    + override.trim() + " overrides configured mode '" + mode + "')");
        }
        return selectMode(mode);
    }

    private static Choice selectMode(String mode) {
        String normalized = mode == null ? "" : mode.trim().toLowerCase(Locale.ROOT);
        return switch (normalized) {
            case "auto" -> auto();
            case "isal" -> forced(KernelProbe.isal(), "isal");
            case "vector" -> forced(KernelProbe.vector(), "vector");
            case "scalar" -> new Choice(new ScalarKernel(), "scalar kernel forced by configuration");
            default -> throw new IllegalArgumentException(
                    "codec kernel must be one of " + ACCEPTED_MODES + " (got '" + mode + "')");
        };
    }

    private static Choice auto() {
        KernelProbe.Result isal = KernelProbe.isal();
        if (isal.kernel() != null) {
            return new Choice(isal.kernel(), "auto: " + isal.detail());
        }
        KernelProbe.Result vector = KernelProbe.vector();
        if (vector.kernel() != null) {
            return new Choice(vector.kernel(), "auto: " + vector.detail() + "; ISA-L not used: " + isal.detail());
        }
        return new Choice(new ScalarKernel(), "auto: scalar kernel; ISA-L not used: " + isal.detail()
                + "; Vector API not used: " + vector.detail());
    }

    private static Choice forced(KernelProbe.Result result, String name) {
        if (result.kernel() == null) {
            throw new IllegalStateException("codec kernel '" + name + "' was forced but cannot be used: "
                    + result.detail());
        }
        return new Choice(result.kernel(), result.detail() + ", forced by configuration");
    }
}
