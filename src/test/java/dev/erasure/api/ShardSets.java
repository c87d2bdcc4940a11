package dev.erasure.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * Test helpers: random objects, shard sets on the heap, and the contract's wire formats built and
 * parsed independently of the service's code. Public for the tests of other packages: the one
 * strict reader of multipart/mixed responses in the tests.
 */
public final class ShardSets {

    static final String BOUNDARY = "test-boundary-7f3a";

    /** One shard as the client sees it. */
    public record Part(int index, String crc32c, byte[] data) {
        Part(int index, byte[] data) {
            this(index, crc(data), data);
        }

        Part corrupted() {
            byte[] copy = data.clone();
            copy[copy.length / 2] ^= 0x5a;
            return new Part(index, crc32c, copy);
        }
    }

    private ShardSets() {
    }

    static byte[] randomBytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    public static String crc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }

    /** A multipart/mixed body; {@code withCrc} adds the Shard-CRC32C header to each part. */
    static byte[] multipartMixed(List<Part> parts, boolean withCrc) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part part : parts) {
            String head = "--" + BOUNDARY + "\r\nContent-Type: application/octet-stream\r\nShard-Index: " + part.index()
                    + "\r\n" + (withCrc ? "Shard-CRC32C: " + part.crc32c() + "\r\n" : "") + "\r\n";
            out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(part.data());
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    static String mixedContentType() {
        return "multipart/mixed; boundary=" + BOUNDARY;
    }

    /** The contract's JSON shard set. */
    static String json(List<Part> parts) {
        StringBuilder json = new StringBuilder("{\"shards\":[");
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            json.append(i == 0 ? "" : ",").append("{\"index\":").append(p.index()).append(",\"crc32c\":\"")
                    .append(p.crc32c()).append("\",\"data\":\"").append(Base64.getEncoder().encodeToString(p.data()))
                    .append("\"}");
        }
        return json.append("]}").toString();
    }

    /**
     * Parses a multipart/mixed response strictly: the body ends with the close delimiter, and every
     * part has Content-Type application/octet-stream, Shard-Index and a Shard-CRC32C of 8 lower-case
     * hex digits that matches its body.
     */
    public static List<Part> parseMixed(String contentType, byte[] body) {
        if (!contentType.startsWith("multipart/mixed; boundary=")) {
            throw new AssertionError("not multipart/mixed: " + contentType);
        }
        String boundary = contentType.substring("multipart/mixed; boundary=".length());
        String text = new String(body, StandardCharsets.ISO_8859_1);
        List<Part> parts = new ArrayList<>();
        String delimiter = "--" + boundary;
        if (!text.endsWith(delimiter + "--\r\n")) {
            throw new AssertionError("multipart body does not end with its close delimiter " + delimiter + "--");
        }
        int at = text.indexOf(delimiter);
        while (!text.startsWith(delimiter + "--", at)) {
            int headersEnd = text.indexOf("\r\n\r\n", at);
            String headers = text.substring(at + delimiter.length() + 2, headersEnd);
            int next = text.indexOf("\r\n" + delimiter, headersEnd + 4);
            byte[] data = text.substring(headersEnd + 4, next).getBytes(StandardCharsets.ISO_8859_1);
            parts.add(checkedPart(headers, data));
            at = next + 2;
        }
        return parts;
    }

    private static Part checkedPart(String headers, byte[] data) {
        int index = -1;
        String crc = null;
        boolean octets = false;
        for (String line : headers.split("\r\n")) {
            String[] kv = line.split(": ", 2);
            switch (kv[0]) {
                case "Shard-Index" -> index = Integer.parseInt(kv[1]);
                case "Shard-CRC32C" -> crc = kv[1];
                case "Content-Type" -> octets = kv[1].equals("application/octet-stream");
                default -> throw new AssertionError("unexpected part header " + line);
            }
        }
        if (index < 0 || crc == null || !octets || !crc.matches("[0-9a-f]{8}") || !crc.equals(crc(data))) {
            throw new AssertionError("bad part headers " + headers + " for body crc " + crc(data));
        }
        return new Part(index, crc, data);
    }
}
