package dev.erasure.codec;

/** Base of the codec's typed exceptions; each subclass carries the offending values. */
public abstract class CodecException extends RuntimeException {
    protected CodecException(String message) {
        super(message);
    }
}
