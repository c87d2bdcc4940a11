package dev.erasure.codec;

/**
 * The code cannot locate corrupted shards: it was not shown to be a generalized Reed-Solomon code
 * (see {@link ShardCorrector}), so no error locator applies to it.
 */
public final class CorrectionUnsupportedException extends CodecException {
    public CorrectionUnsupportedException(String message) {
        super(message);
    }
}
