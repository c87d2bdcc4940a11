package dev.erasure.codec.select;

import dev.erasure.codec.isal.IsalLibrary;
import dev.erasure.codec.kernel.Kernel;
import dev.erasure.codec.kernel.ScalarKernel;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Picks the kernel once at start: {@code auto} = ISA-L if {@code libisal.so.2} loads and binds,
 * else the Vector API kernel if it is usable, else scalar. Any failure of an optional kernel under
 * {@code auto} (Errors included) only makes it unused, and the reason says why. A forced mode
 * ({@code isal|vector|scalar}) that cannot be honoured throws {@link IllegalStateException} with the
 * reason: only a forced kernel may stop the start.
 *
 * <p>This package sits above the kernel packages ({@code codec.kernel}, {@code codec.isal}), which
 * do not know each other's selection. A new kernel is one more probe here and one more mode.
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

    private final Supplier<KernelProbe> isal;
    private final Supplier<KernelProbe> vector;

    /**
     * A selector over the given probes; each is called only when its kernel is considered.
     * {@link #select(String)} uses the probes of this process.
     */
    KernelSelector(Supplier<KernelProbe> isal, Supplier<KernelProbe> vector) {
        this.isal = Objects.requireNonNull(isal, "isal");
        this.vector = Objects.requireNonNull(vector, "vector");
    }

    private static KernelSelector system() {
        return new KernelSelector(() -> KernelProbe.isal(IsalLibrary.system()), KernelProbe::vector);
    }

    /**
     * Chooses a kernel for this process. Thread-safe; each call returns a new kernel object
     * (kernels are stateless, so sharing one is fine).
     *
     * @param mode one of auto, isal, vector, scalar (case-insensitive, surrounding blanks ignored)
     * @throws IllegalArgumentException for an unknown or null mode (naming the accepted ones and the value)
     * @throws IllegalStateException when a forced kernel cannot be used, with the reason
     */
    public static Choice select(String mode) {
        KernelSelector selector = system();
        String override = System.getProperty(OVERRIDE_PROPERTY);
        if (override != null && !override.isBlank()) {
            Choice choice;
            try {
                choice = selector.choose(override);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("system property " + OVERRIDE_PROPERTY + ": " + e.getMessage(), e);
            }
            return new Choice(choice.kernel(), choice.reason() + " (system property " + OVERRIDE_PROPERTY + "="
                    + override.trim() + " overrides configured mode '" + mode + "')");
        }
        return selector.choose(mode);
    }

    /** Chooses by {@code mode} alone (no system property); the contract of {@link #select(String)}. */
    Choice choose(String mode) {
        String normalized = mode == null ? "" : mode.trim().toLowerCase(Locale.ROOT);
        return switch (normalized) {
            case "auto" -> auto();
            case "isal" -> forced(isal.get(), "isal");
            case "vector" -> forced(vector.get(), "vector");
            case "scalar" -> new Choice(new ScalarKernel(), "scalar kernel forced by configuration");
            default -> throw new IllegalArgumentException(
                    "codec kernel must be one of " + ACCEPTED_MODES + " (got '" + mode + "')");
        };
    }

    private Choice auto() {
        KernelProbe isalProbe = isal.get();
        if (isalProbe.usable()) {
            return new Choice(isalProbe.kernel(), "auto: " + isalProbe.detail());
        }
        KernelProbe vectorProbe = vector.get();
        if (vectorProbe.usable()) {
            return new Choice(vectorProbe.kernel(), "auto: " + vectorProbe.detail() + "; ISA-L not used: "
                    + isalProbe.detail());
        }
        return new Choice(new ScalarKernel(), "auto: scalar kernel; ISA-L not used: " + isalProbe.detail()
                + "; Vector API not used: " + vectorProbe.detail());
    }

    private static Choice forced(KernelProbe probe, String name) {
        if (!probe.usable()) {
            throw new IllegalStateException("codec kernel '" + name + "' was forced but cannot be used: "
                    + probe.detail());
        }
        return new Choice(probe.kernel(), probe.detail() + ", forced by configuration");
    }
}
