package dev.erasure.reliability;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A strict reader of the service's multipart/mixed responses, independent of the service's code. */
final class Multipart {

    record Part(int index, String crc32c, byte[] data) {
    }

    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");

    private Multipart() {
    }

    static List<Part> parse(String contentType, byte[] body) {
        Matcher boundary = BOUNDARY.matcher(contentType);
        if (!boundary.find()) {
            throw new AssertionError("no boundary in " + contentType);
        }
        byte[] delimiter = ("\r\n--" + boundary.group(1)).getBytes(StandardCharsets.ISO_8859_1);
        byte[] text = new byte[body.length + 2];
        text[0] = '\r';
        text[1] = '\n';
        System.arraycopy(body, 0, text, 2, body.length);
        List<Part> parts = new ArrayList<>();
        int at = indexOf(text, delimiter, 0);
        while (at >= 0 && !(text[at + delimiter.length] == '-' && text[at + delimiter.length + 1] == '-')) {
            int headersStart = at + delimiter.length + 2;
            int headersEnd = indexOf(text, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            int next = indexOf(text, delimiter, headersEnd + 4);
            String headers = new String(text, headersStart, headersEnd - headersStart, StandardCharsets.ISO_8859_1)
                    .toLowerCase(Locale.ROOT);
            parts.add(new Part(Integer.parseInt(header(headers, "shard-index")), header(headers, "shard-crc32c"),
                    Arrays.copyOfRange(text, headersEnd + 4, next)));
            at = next;
        }
        return parts;
    }

    private static String header(String headers, String name) {
        for (String line : headers.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new AssertionError("part without " + name + ": " + headers);
    }

    private static int indexOf(byte[] text, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= text.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (text[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
