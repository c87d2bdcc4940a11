package dev.erasure.codec;

/** Thrown when a {@link CancelSignal} was raised; output segments may hold partial results. */
public final class CodingCancelledException extends CodecException {
    public CodingCancelledException() {
        super("coding cancelled");
    }
}
