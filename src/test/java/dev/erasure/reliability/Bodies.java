package dev.erasure.reliability;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/** Request bodies, well-formed and hostile, built on the heap independently of the service's code. */
final class Bodies {

    static final String BOUNDARY = "hostile-boundary-1b2c";
    static final String MIXED = "multipart/mixed; boundary=" + BOUNDARY;

    private Bodies() {
    }

    /** One multipart part: its header lines (without the blank line) and its body. */
    record Part(String headers, byte[] data) {
        static Part shard(int index, byte[] data) {
            return new Part("Content-Type: application/octet-stream\r\nShard-Index: " + index, data);
        }

        static Part shardWithCrc(int index, byte[] data, String crc) {
            return new Part("Shard-Index: " + index + "\r\nShard-CRC32C: " + crc, data);
        }
    }

    /** A complete multipart body with the given boundary; {@code closed=false} leaves out the closing delimiter. */
    static byte[] multipart(String boundary, boolean closed, Part... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part part : parts) {
            out.writeBytes(ascii("--" + boundary + "\r\n" + part.headers() + "\r\n\r\n"));
            out.writeBytes(part.data());
            out.writeBytes(ascii("\r\n"));
        }
        if (closed) {
            out.writeBytes(ascii("--" + boundary + "--\r\n"));
        }
        return out.toByteArray();
    }

    static byte[] multipart(Part... parts) {
        return multipart(BOUNDARY, true, parts);
    }

    /** {@code count} one-byte parts with shard indexes 0, 1, ..., 255, 0, 1, ... */
    static byte[] tinyParts(int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(count * 40);
        for (int i = 0; i < count; i++) {
            out.writeBytes(ascii("--" + BOUNDARY + "\r\nShard-Index: " + (i % 256) + "\r\n\r\nx\r\n"));
        }
        out.writeBytes(ascii("--" + BOUNDARY + "--\r\n"));
        return out.toByteArray();
    }

    /** A JSON shard set of the given (index, data) pairs, each with its correct CRC-32C. */
    static byte[] json(byte[]... shards) {
        StringBuilder json = new StringBuilder("{\"shards\":[");
        for (int i = 0; i < shards.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"index\":").append(i).append(",\"crc32c\":\"")
                    .append(crc(shards[i])).append("\",\"data\":\"")
                    .append(Base64.getEncoder().encodeToString(shards[i])).append("\"}");
        }
        return ascii(json.append("]}").toString());
    }

    static String crc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] filled(int size, int value) {
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
