package dev.erasure.api;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A streaming parser of a multipart body (RFC 2046) fed chunk by chunk as it arrives. Part bodies
 * are handed to a {@link PartHandler} as views of the incoming chunks (never collected on the heap);
 * only part headers (bounded by {@code maxPartHeaderBytes}) and at most one delimiter's worth of
 * bytes held back across a chunk border live on the heap.
 *
 * <p>Not thread-safe: one instance per request, fed on the request's event loop. Framing errors,
 * too many parts and oversized part headers throw {@link ApiException} (400) from {@link #feed} or
 * {@link #finish}.
 */
public final class MultipartParser {

    /** Receives the parts in order; a {@link ApiException} thrown here aborts the parse. */
    public interface PartHandler {
        /** A part begins; header names are lower case. */
        void partStarted(int partNumber, Map<String, String> headers);

        /** Bytes of the current part's body; the buffer is only valid during the call. */
        void partData(ByteBuffer bytes);

        /** The current part's body is complete. */
        void partEnded();
    }

    private enum State { PREAMBLE, AFTER_BOUNDARY, AFTER_DASH, AFTER_CR, HEADERS, BODY, EPILOGUE }

    /** Part headers the service reads (lower case); each may appear once per part. */
    private static final Set<String> SINGLE_HEADERS = Set.of("shard-index", "shard-crc32c", "content-disposition",
            "stripe-index");
    private static final int NEED_MORE = -1;
    private static final int CONTINUE = -2;
    private static final byte[] CRLF = {'\r', '\n'};

    private final byte[] delimiter;
    private final int maxParts;
    private final int maxPartHeaderBytes;
    private final PartHandler handler;
    private final byte[] headerBytes;
    private State state = State.PREAMBLE;
    /** Bytes of the delimiter matched at the end of the previous chunk (held back, equal to delimiter[0..matched)). */
    private int matched = 2;
    private int headerLength;
    private int parts;

    public MultipartParser(String boundary, int maxParts, int maxPartHeaderBytes, PartHandler handler) {
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.maxParts = maxParts;
        this.maxPartHeaderBytes = maxPartHeaderBytes;
        this.handler = handler;
        this.headerBytes = new byte[maxPartHeaderBytes + 4];
    }

    /** Parses the next chunk of the body (its reader index is not moved). */
    public void feed(ByteBuf chunk) {
        int pos = chunk.readerIndex();
        int end = chunk.writerIndex();
        while (pos < end) {
            pos = switch (state) {
                case PREAMBLE, BODY -> body(chunk, pos, end);
                case AFTER_BOUNDARY, AFTER_DASH, AFTER_CR -> afterBoundary(chunk.getByte(pos), pos);
                case HEADERS -> headers(chunk, pos, end);
                case EPILOGUE -> end;
            };
        }
    }

    /** The body ended; checks that the closing delimiter was seen. */
    public void finish() {
        if (state == State.PREAMBLE) {
            throw ApiException.malformed("multipart body has no boundary delimiter --"
                    + boundaryText() + " (is the boundary parameter right?)");
        }
        if (state != State.EPILOGUE) {
            throw ApiException.malformed("multipart body ended before the closing delimiter --" + boundaryText() + "--");
        }
    }

    int parts() {
        return parts;
    }

    private String boundaryText() {
        return new String(delimiter, 4, delimiter.length - 4, StandardCharsets.ISO_8859_1);
    }

    /** Scans body (or preamble) bytes for the delimiter; returns the position after what was consumed. */
    private int body(ByteBuf chunk, int pos, int end) {
        if (matched > 0) {
            int resumed = resumeMatch(chunk, pos, end);
            if (resumed == NEED_MORE) {
                return end;
            }
            if (resumed != CONTINUE) {
                return delimiterFound(resumed);
            }
        }
        int from = pos;
        while (from < end) {
            int cr = chunk.indexOf(from, end, (byte) '\r');
            if (cr < 0) {
                break;
            }
            int available = Math.min(delimiter.length, end - cr);
            if (matchesDelimiter(chunk, cr, available)) {
                emit(chunk, pos, cr - pos);
                if (available == delimiter.length) {
                    return delimiterFound(cr + available);
                }
                matched = available;
                return end;
            }
            from = cr + 1;
        }
        emit(chunk, pos, end - pos);
        return end;
    }

    /**
     * Continues a delimiter match held back from the previous chunk. The held bytes equal
     * delimiter[0..matched); a match may also start inside them, so all offsets are tried.
     */
    private int resumeMatch(ByteBuf chunk, int pos, int end) {
        int take = Math.min(delimiter.length, end - pos);
        byte[] joined = new byte[matched + take];
        System.arraycopy(delimiter, 0, joined, 0, matched);
        chunk.getBytes(pos, joined, matched, take);
        for (int offset = 0; offset < matched; offset++) {
            int available = Math.min(delimiter.length, joined.length - offset);
            if (java.util.Arrays.equals(joined, offset, offset + available, delimiter, 0, available)) {
                emitHeld(offset);
                int consumed = offset + available - matched;
                if (available == delimiter.length) {
                    matched = 0;
                    return pos + consumed;
                }
                matched = available;
                return NEED_MORE;
            }
        }
        emitHeld(matched);
        matched = 0;
        return CONTINUE;
    }

    private int delimiterFound(int after) {
        matched = 0;
        if (state == State.BODY) {
            handler.partEnded();
        }
        state = State.AFTER_BOUNDARY;
        return after;
    }

    /** After a delimiter: "--" closes the body, CRLF starts a part; spaces and tabs (padding) are skipped. */
    private int afterBoundary(byte b, int pos) {
        switch (state) {
            case AFTER_BOUNDARY -> {
                if (b == '-') {
                    state = State.AFTER_DASH;
                } else if (b == '\r') {
                    state = State.AFTER_CR;
                } else if (b != ' ' && b != '\t') {
                    throw ApiException.malformed("multipart delimiter must be followed by CRLF or '--' (got byte "
                            + (b & 0xff) + ")");
                }
            }
            case AFTER_DASH -> {
                if (b != '-') {
                    throw ApiException.malformed("multipart closing delimiter must end with '--'");
                }
                state = State.EPILOGUE;
            }
            default -> {
                if (b != '\n') {
                    throw ApiException.malformed("multipart delimiter line must end with CRLF");
                }
                startHeaders();
            }
        }
        return pos + 1;
    }

    private void startHeaders() {
        parts++;
        if (parts > maxParts) {
            throw ApiException.malformed("shard set has more than " + maxParts + " parts (limit " + maxParts + ")");
        }
        System.arraycopy(CRLF, 0, headerBytes, 0, 2);
        headerLength = 2;
        state = State.HEADERS;
    }

    /** Collects the header block up to the blank line, bounded by maxPartHeaderBytes. */
    private int headers(ByteBuf chunk, int pos, int end) {
        while (pos < end) {
            if (headerLength == headerBytes.length) {
                throw ApiException.malformed("header block of part " + parts + " exceeds " + maxPartHeaderBytes
                        + " bytes (limit " + maxPartHeaderBytes + ")");
            }
            headerBytes[headerLength++] = chunk.getByte(pos++);
            if (headerLength >= 4 && headerBytes[headerLength - 1] == '\n' && headerBytes[headerLength - 2] == '\r'
                    && headerBytes[headerLength - 3] == '\n' && headerBytes[headerLength - 4] == '\r') {
                handler.partStarted(parts, parseHeaders());
                state = State.BODY;
                return pos;
            }
        }
        return pos;
    }

    private Map<String, String> parseHeaders() {
        String block = new String(headerBytes, 2, headerLength - 4, StandardCharsets.ISO_8859_1);
        Map<String, String> headers = new HashMap<>();
        // Lines cut by hand: String.split with a two-character separator compiles a regex per part.
        for (int from = 0, to; from < block.length(); from = to + 2) {
            to = block.indexOf("\r\n", from);
            if (to < 0) {
                to = block.length();
            }
            String line = block.substring(from, to);
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw ApiException.malformed("part " + parts + " has a malformed header line '" + line + "'");
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (headers.put(name, line.substring(colon + 1).trim()) != null && SINGLE_HEADERS.contains(name)) {
                // two indexes or checksums for one part: which was meant is unknowable
                throw ApiException.malformed("part " + parts + " has the header " + line.substring(0, colon).trim()
                        + " twice");
            }
        }
        return headers;
    }

    private boolean matchesDelimiter(ByteBuf chunk, int at, int length) {
        for (int i = 1; i < length; i++) {
            if (chunk.getByte(at + i) != delimiter[i]) {
                return false;
            }
        }
        return true;
    }

    private void emit(ByteBuf chunk, int from, int length) {
        if (length > 0 && state == State.BODY) {
            handler.partData(chunk.nioBuffer(from, length));
        }
    }

    private void emitHeld(int length) {
        if (length > 0 && state == State.BODY) {
            handler.partData(ByteBuffer.wrap(delimiter, 0, length));
        }
    }
}
