package dev.erasure.api;

import dev.erasure.codec.CodecKind;
import dev.erasure.codec.StripeShape;
import io.vertx.core.MultiMap;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The query parameters of the coding endpoints, each parsed and checked before any byte of the
 * body is read: {@code k}, {@code m} and {@code codec} (default {@code rs-vandermonde}) become the
 * request's {@link StripeShape}, whose code judges k and m; {@code size} and {@code want} are the
 * decode and reconstruct parameters. Every refusal is a 400 naming the parameter, the rule and the
 * value received.
 */
public final class QueryParams {

    /** The codec of a request without a {@code codec} parameter. */
    static final CodecKind DEFAULT_CODEC = CodecKind.RS_VANDERMONDE;

    private QueryParams() {
    }

    /**
     * The stripe shape of {@code k}, {@code m} and {@code codec}. Called first by every coding
     * endpoint, it also refuses a query that repeats any parameter ({@code k=4&k=5}): which one
     * was meant is unknowable.
     *
     * @throws ApiException (400) for a repeated parameter, a missing or non-numeric k or m, or an unknown codec
     * @throws dev.erasure.codec.InvalidShapeException (400) for a shape the code refuses
     */
    public static StripeShape shape(MultiMap query) {
        requireSingle(query);
        long dataShards = requiredLong(query, "k", "data shards");
        long parityShards = requiredLong(query, "m", "parity shards");
        return StripeShape.of(codec(query.get("codec")), dataShards, parityShards);
    }

    private static void requireSingle(MultiMap query) {
        if (distinctNames(query)) {
            return;
        }
        for (String name : query.names()) {
            List<String> values = query.getAll(name);
            if (values.size() > 1) {
                throw ApiException.invalidParameter("query parameter " + name + " is given " + values.size()
                        + " times (" + values.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", "))
                        + "); give it once");
            }
        }
    }

    /**
     * True when no parameter name occurs twice: a pairwise check of the few names a request has,
     * without building the sorted name set. False for a possible repeat (names equal ignoring case)
     * or more than 16 entries: the caller's full check over the map's own names then decides.
     */
    private static boolean distinctNames(MultiMap query) {
        String[] seen = new String[16];
        int count = 0;
        for (Map.Entry<String, String> entry : query) {
            if (count == seen.length) {
                return false;
            }
            String name = entry.getKey();
            for (int i = 0; i < count; i++) {
                if (seen[i].equalsIgnoreCase(name)) {
                    return false;
                }
            }
            seen[count++] = name;
        }
        return true;
    }

    private static CodecKind codec(String value) {
        if (value == null) {
            return DEFAULT_CODEC;
        }
        try {
            return CodecKind.fromWireName(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter(e.getMessage());
        }
    }

    /**
     * The decode and reconstruct parameter {@code correct}: {@code true} locates and corrects
     * corrupted shards, {@code false} or absent does not.
     */
    public static boolean correct(MultiMap query) {
        String value = query.get("correct");
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw ApiException.invalidParameter("correct must be true or false (got '" + value + "')");
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
    public static int[] wanted(MultiMap query, StripeShape shape) {
        String value = query.get("want");
        if (value == null) {
            return null;
        }
        int total = shape.totalShards();
        String[] items = value.split(",", -1);
        int[] wanted = new int[items.length];
        boolean[] seen = new boolean[total];
        for (int i = 0; i < items.length; i++) {
            if (items[i].isBlank()) {
                throw ApiException.invalidParameter("want has an empty item (got '" + value
                        + "'); list shard indexes separated by single commas");
            }
            long index = parseLong("want", items[i].trim());
            if (index < 0 || index >= total) {
                throw ApiException.invalidParameter("want index " + index + " is out of range 0.." + (total - 1)
                        + " (k + m = " + total + ")");
            }
            if (seen[(int) index]) {
                throw ApiException.invalidParameter("want lists index " + index + " twice (got '" + value + "')");
            }
            seen[(int) index] = true;
            wanted[i] = (int) index;
        }
        Arrays.sort(wanted);
        return wanted;
    }

    private static long requiredLong(MultiMap query, String name, String meaning) {
        String value = query.get(name);
        if (value == null || value.isBlank()) {
            throw ApiException.invalidParameter("query parameter " + name + " is required (" + meaning + ", >= 1)");
        }
        return parseLong(name, value);
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalidParameter(name + " must be an integer (got '" + value + "')");
        }
    }
}
