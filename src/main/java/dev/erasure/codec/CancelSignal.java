package dev.erasure.codec;

/**
 * Asked by long codec operations between column chunks. When it answers true, the operation stops
 * and throws {@link CodingCancelledException}; the output segments then hold partial results.
 * Implementations must be cheap and thread-safe (typically a volatile read).
 */
@FunctionalInterface
public interface CancelSignal {

    /** A signal that is never raised. */
    CancelSignal NEVER = () -> false;

    boolean isCancelled();
}
