package dev.erasure.api;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/** CRC-32C of shards in native memory (no heap copy) and its wire form: 8 lower-case hex digits. */
public final class Checksums {

    private Checksums() {
    }

    /** CRC-32C of the whole segment, read through a direct view of the native memory. */
    public static int crc32c(MemorySegment segment) {
        CRC32C crc = new CRC32C();
        crc.update(segment.asByteBuffer());
        return (int) crc.getValue();
    }

    public static String hex(int crc) {
        return HexFormat.of().toHexDigits(crc);
    }

    /**
     * Parses a {@code Shard-CRC32C} value.
     *
     * @throws ApiException (400) unless it is exactly 8 hex digits
     */
    public static int parse(String value, String where) {
        if (value.length() != 8 || !value.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw ApiException.malformed("Shard-CRC32C of " + where + " must be 8 hex digits (got '" + value + "')");
        }
        return (int) Long.parseLong(value, 16);
    }
}
