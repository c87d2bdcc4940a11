package dev.erasure.api.stream;

import dev.erasure.api.ApiException;
import dev.erasure.api.QueryParams;
import dev.erasure.codec.StripeShape;
import io.vertx.core.MultiMap;

/**
 * The query parameters every streamed endpoint shares: the stripe's shape ({@code k}, {@code m},
 * {@code codec}, parsed by {@link QueryParams}) and {@code cell}, the bytes of every cell
 * (default 1 MiB, at most {@code erasure.stream.max-cell-size}, a multiple of the codec's shard-size
 * multiple). Checked before any byte of the body is read.
 */
record StreamParams(StripeShape shape, int cell) {

    /**
     * @param budgetBytes the native budget: one stripe of k + m cells must fit in it
     * @throws ApiException (400) naming the parameter, the rule and the value received
     */
    static StreamParams parse(MultiMap query, StreamSettings settings, long budgetBytes) {
        StripeShape shape = QueryParams.shape(query);
        long cell = StreamSettings.DEFAULT_CELL;
        String value = query.get("cell");
        if (value != null) {
            cell = parseLong("cell", value);
        }
        if (cell < 1 || cell > settings.maxCellBytes()) {
            throw ApiException.invalidParameter("cell must be between 1 and " + settings.maxCellBytes()
                    + " bytes (erasure.stream.max-cell-size; got " + cell + ")");
        }
        int multiple = shape.kind().shardSizeMultiple();
        if (cell % multiple != 0) {
            throw ApiException.invalidParameter("cell must be a multiple of " + multiple + " bytes for codec "
                    + shape.kind().wireName() + " (got " + cell + ")");
        }
        long stripeBytes = cell * shape.totalShards();
        if (stripeBytes > budgetBytes) {
            throw ApiException.invalidParameter("a stripe of k + m = " + shape.totalShards() + " cells of " + cell
                    + " bytes (" + stripeBytes + " bytes) does not fit in the native memory budget of " + budgetBytes
                    + " bytes; use a smaller cell");
        }
        return new StreamParams(shape, (int) cell);
    }

    /** Bytes of object per stripe: k cells. */
    long stripeBytes() {
        return (long) cell * shape.dataShards();
    }

    /** The most stripes an object of at most {@code maxObjectBytes} can have with this shape and cell. */
    long maxStripes(long maxObjectBytes) {
        return (maxObjectBytes + stripeBytes() - 1) / stripeBytes();
    }

    static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalidParameter(name + " must be an integer (got '" + value + "')");
        }
    }
}
