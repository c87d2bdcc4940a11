package dev.erasure.codec.kernel;

/**
 * Picks the kernel once at start: {@code auto} = ISA-L if {@code libisal.so.2} loads, else the
 * Vector API kernel if it is usable, else scalar. A forced mode ({@code isal|vector|scalar}) that
 * cannot be honoured throws {@link IllegalStateException} with the reason.
 *
 * <p>STUB until the codec engine lands (issue 2).
 */
public final class KernelSelector {

    /** The chosen kernel and a one-line human reason (logged at INFO by the service). */
    public record Choice(Kernel kernel, String reason) {
    }

    private KernelSelector() {
    }

    /**
     * @param mode one of auto, isal, vector, scalar
     * @throws IllegalArgumentException for an unknown mode (naming the accepted ones and the value)
     * @throws IllegalStateException when a forced kernel cannot be used, with the reason
     */
    public static Choice select(String mode) {
        throw new UnsupportedOperationException("codec engine not implemented yet");
    }
}
