package dev.erasure.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.buffer.NativeMemoryPool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Limits enforced before any route runs, checked over a raw socket so the request can be exactly as
 * hostile as wanted: an overlong request line (414) or header block (431) answered with problem+json
 * ({@code erasure.api.max-request-line}, {@code max-header-size}), absurd ones beyond the HTTP
 * codec's own limits answered by the codec, a declared
 * Content-Length beyond the body limit (413 problem before a byte is read) and an unparsable one.
 */
@QuarkusTest
class TransportLimitsTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    NativeMemoryPool pool;

    @Inject
    MeterRegistry registry;

    /** erasure.requests.refused{status, reason}: 0 before the first such answer. */
    private double refused(int status, String reason) {
        Counter counter = registry.find("erasure.requests.refused").tags("status", Integer.toString(status), "reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @AfterEach
    void memoryBackToIdle() throws InterruptedException {
        Memory.awaitIdle(pool);
    }

    @Test
    void overlongQuery_is414Problem_beforeAnyRoute() throws IOException {
        double before = refused(414, "request-line-too-long");
        String response = exchange("POST /v1/encode?k=2&m=1&pad=" + "x".repeat(5000) + " HTTP/1.1\r\nHost: t\r\n"
                + "Content-Length: 3\r\n\r\n");
        assertThat(statusLine(response)).contains(" 414 ");
        assertThat(response).contains("application/problem+json", "/problems/request-line-too-long",
                "the request line has 5037 bytes, more than the limit of 4096 bytes (erasure.api.max-request-line)",
                "Connection: close");
        assertThat(refused(414, "request-line-too-long")).as("counted").isEqualTo(before + 1);
    }

    @Test
    void requestLineAtTheLimit_reachesTheRoute() throws IOException {
        String target = "/v1/encode?k=2&m=1&pad=";
        String line = "POST " + target + "x".repeat(4096 - 14 - target.length()) + " HTTP/1.1";
        assertThat(line).hasSize(4096);
        String response = exchange(line + "\r\nHost: t\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(statusLine(response)).doesNotContain(" 414 ");
        assertThat(response).contains("application/problem+json").doesNotContain("request-line-too-long");
    }

    @Test
    void overlongHeaders_are431Problem_beforeAnyRoute() throws IOException {
        double before = refused(431, "headers-too-large");
        String response = exchange("POST /v1/encode?k=2&m=1 HTTP/1.1\r\nHost: t\r\nX-Pad: " + "y".repeat(21_000)
                + "\r\nContent-Length: 0\r\n\r\n");
        assertThat(statusLine(response)).contains(" 431 ");
        assertThat(response).contains("application/problem+json", "/problems/headers-too-large",
                "more than the limit of 20480 bytes (erasure.api.max-header-size)");
        assertThat(refused(431, "headers-too-large")).as("counted").isEqualTo(before + 1);
    }

    /** Beyond the codec's own limits (64 KiB) the HTTP codec answers first, with an empty body. */
    @Test
    void absurdHeads_getTheCodecsBareAnswers() throws IOException {
        String line = exchange("GET /v1/codecs?pad=" + "x".repeat(70_000) + " HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(statusLine(line)).contains(" 414 ");
        assertThat(line).doesNotContain("problem+json", "Exception");
        String headers = exchange("GET /v1/codecs HTTP/1.1\r\nHost: t\r\nX-Pad: " + "y".repeat(70_000) + "\r\n\r\n");
        assertThat(statusLine(headers)).contains(" 431 ");
        assertThat(headers).doesNotContain("problem+json", "Exception");
    }

    @Test
    void hugeDeclaredLength_is413Problem_withoutReadingTheBody() throws IOException {
        String response = declaring("10000000000");
        assertThat(statusLine(response)).contains(" 413 ");
        assertThat(response).contains("application/problem+json", "/problems/body-too-large",
                "request body has 10000000000 bytes, more than the limit of 67108864 bytes");
    }

    /** A terabyte declared: still below Quarkus' own limit, so the route answers with its problem. */
    @Test
    void terabyteDeclaredLength_is413_problemFromTheRoute() throws IOException {
        String response = declaring("1000000000000");
        assertThat(statusLine(response)).contains(" 413 ");
        assertThat(response).contains("application/problem+json", "/problems/body-too-large").doesNotContain("Exception");
    }

    /** Beyond quarkus.http.limits.max-body-size (1P) Quarkus itself answers, with an empty 413. */
    @Test
    void absurdDeclaredLength_is413_fromQuarkusItself() throws IOException {
        String response = declaring("2000000000000000");
        assertThat(statusLine(response)).contains(" 413 ");
        assertThat(response).doesNotContain("Exception", "problem+json");
    }

    @Test
    void unparsableDeclaredLength_isRefusedWithoutAStack() throws IOException {
        String response = declaring("-5");
        assertThat(statusLine(response)).contains(" 400 ");
        assertThat(response).doesNotContain("Exception", "\tat ");
    }

    /** Sends the head of an encode that declares {@code contentLength} bytes, and no body. */
    private String declaring(String contentLength) throws IOException {
        return exchange("POST /v1/encode?k=2&m=1 HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: " + contentLength + "\r\n\r\n");
    }

    /** Sends {@code request} verbatim and reads the answer until the server closes or 64 KiB arrived. */
    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[65536];
            int total = 0;
            try {
                for (int n; total < buffer.length && (n = in.read(buffer, total, buffer.length - total)) > 0; ) {
                    total += n;
                    if (complete(new String(buffer, 0, total, StandardCharsets.ISO_8859_1))) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // the answer so far is what the assertions see
            }
            return new String(buffer, 0, total, StandardCharsets.ISO_8859_1);
        }
    }

    /** True once the headers and a Content-Length worth of body have arrived. */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
                .matcher(text.substring(0, end));
        return !length.find() || text.length() - end - 4 >= Integer.parseInt(length.group(1));
    }

    private static String statusLine(String response) {
        int eol = response.indexOf("\r\n");
        return eol < 0 ? response : response.substring(0, eol);
    }
}
