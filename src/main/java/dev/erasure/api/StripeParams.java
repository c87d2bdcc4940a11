package dev.erasure.api;

import dev.erasure.codec.CodecKind;
import dev.erasure.codec.InvalidShapeException;
import io.vertx.core.MultiMap;
import java.util.Arrays;

/**
 * The stripe shape of a coding request, parsed from the query parameters {@code k}, {@code m} and
 * {@code codec} (default {@code rs-vandermonde}). Every rule of the contract is checked here, before
 * any byte of the body is read: 1 <= k, 1 <= m, k + m <= 256, and the codec's own shape rule
 * ({@link CodecKind#checkShape}: isal-rs refuses the shapes where it is not MDS).
 */
public record StripeParams(CodecKind kind, int dataShards, int parityShards) {

    /** The codec of a request without a {@code codec} parameter. */
    public static final CodecKind DEFAULT_KIND = CodecKind.RS_VANDERMONDE;

    /** Most shards in one stripe (GF(2^8) has 256 elements). */
    public static final int MAX_TOTAL_SHARDS = 256;

    public int totalShards() {
        return dataShards + parityShards;
    }

    /** @throws ApiException (400) naming the parameter, the rule and the value received */
    public static StripeParams parse(MultiMap query) {
        int dataShards = requiredInt(query, "k");
        int parityShards = requiredInt(query, "m");
        if (dataShards < 1) {
            throw ApiException.invalidParameter("k must be >= 1 (got " + dataShards + ")");
        }
        if (parityShards < 1) {
            throw ApiException.invalidParameter("m must be >= 1 (got " + parityShards + ")");
        }
        if ((long) dataShards + parityShards > MAX_TOTAL_SHARDS) {
            throw ApiException.invalidParameter("k + m must be <= " + MAX_TOTAL_SHARDS + " (got "
                    + ((long) dataShards + parityShards) + ")");
        }
        CodecKind kind = codec(query.get("codec"));
        try {
            kind.checkShape(dataShards, parityShards);
        } catch (InvalidShapeException e) {
            throw ApiException.invalidParameter(e.getMessage());
        }
        return new StripeParams(kind, dataShards, parityShards);
    }

    private static CodecKind codec(String value) {
        if (value == null) {
            return DEFAULT_KIND;
        }
        try {
            return CodecKind.fromWireName(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter(e.getMessage());
        }
    }

    /** The decode parameter {@code size}: required, >= 1. */
    public static long objectSize(MultiMap query) {
        String value = query.get("size");
        if (value == null || value.isBlank()) {
            throw ApiException.invalidParameter("query parameter size is required (the object size in bytes, >= 1)");
        }
        long size = parseLong("size", value);
        if (size < 1) {
            throw ApiException.invalidParameter("size must be >= 1 (got " + size + ")");
        }
        return size;
    }

    /**
     * The reconstruct parameter {@code want}: comma-separated shard indexes, each in 0..k+m-1, no
     * duplicates. Returns null when absent (meaning "every missing shard").
     */
    public int[] wanted(MultiMap query) {
        String value = query.get("want");
        if (value == null) {
            return null;
        }
        String[] items = value.split(",", -1);
        int[] wanted = new int[items.length];
        boolean[] seen = new boolean[totalShards()];
        for (int i = 0; i < items.length; i++) {
            int index = (int) parseLong("want", items[i].trim());
            if (index < 0 || index >= totalShards()) {
                throw ApiException.invalidParameter("want index " + index + " is out of range 0.." + (totalShards() - 1)
                        + " (k + m = " + totalShards() + ")");
            }
            if (seen[index]) {
                throw ApiException.invalidParameter("want lists index " + index + " twice (got '" + value + "')");
            }
            seen[index] = true;
            wanted[i] = index;
        }
        Arrays.sort(wanted);
        return wanted;
    }

    private static int requiredInt(MultiMap query, String name) {
        String value = query.get(name);
        if (value == null || value.isBlank()) {
            throw ApiException.invalidParameter("query parameter " + name + " is required ("
                    + (name.equals("k") ? "data" : "parity") + " shards, k + m <= " + MAX_TOTAL_SHARDS + ")");
        }
        long parsed = parseLong(name, value);
        if (parsed > Integer.MAX_VALUE || parsed < Integer.MIN_VALUE) {
            throw ApiException.invalidParameter(name + " must be <= " + MAX_TOTAL_SHARDS + " (got " + value + ")");
        }
        return (int) parsed;
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalidParameter(name + " must be an integer (got '" + value + "')");
        }
    }
}
