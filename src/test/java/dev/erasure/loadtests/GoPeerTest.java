package dev.erasure.loadtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The load runner's Go peer ({@code load-tests/go-peer}, net/http + klauspost/reedsolomon) is a fair
 * reference only if it does the same work: built here through the runner's own build function
 * ({@code load-tests/runner/peer.py}, offline from Debian's Go packages), it must answer the same
 * objects with the same shards, Shard-CRC32C values and shard headers as the service, and echo a
 * body unchanged. Skipped, with the reason, when python3, Go or klauspost is not installed.
 */
@QuarkusTest
class GoPeerTest {

    private static final Path REPO = Path.of("").toAbsolutePath();
    // Content-Length is not compared: both servers pick a random boundary, and the service's has no
    // fixed length, so the framing may differ by a byte per delimiter while the shards are the same.
    private static final List<String> SHARD_HEADERS = List.of("Codec", "Data-Shards", "Parity-Shards", "Shard-Size",
            "Object-Size");
    private static Process peer;
    private static String peerUrl;
    private static String unavailable;
    private static Path peerLog;

    @TestHTTPResource("/")
    URL base;

    private final HttpClient http = HttpClient.newHttpClient();

    record Part(String index, String crc32c, byte[] data) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Part p && p.index.equals(index) && p.crc32c.equals(crc32c) && Arrays.equals(p.data, data);
        }

        @Override
        public int hashCode() {
            return index.hashCode() * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "part " + index + " (" + crc32c + ", " + data.length + " bytes)";
        }
    }

    @BeforeAll
    static void buildAndStartThePeer() throws Exception {
        ExternalCommand.assumeInstalled("python3", "building the Go peer through the load runner");
        ExternalCommand built = ExternalCommand.run(REPO, List.of("python3", "-B", "-c",
                "import sys; sys.path.insert(0, 'load-tests/runner'); import peer\n"
                        + "try:\n    print('BINARY ' + peer.build('.', 'target/go-peer'))\n"
                        + "except peer.PeerUnavailable as reason:\n    print('UNAVAILABLE ' + str(reason))"));
        assertThat(built.exitCode()).as(built.output()).isZero();
        Matcher unavailableLine = Pattern.compile("(?m)^UNAVAILABLE (.*)$").matcher(built.output());
        if (unavailableLine.find() && !unavailableLine.group(1).startsWith("go build of the peer failed")) {
            unavailable = unavailableLine.group(1); // a missing tool or package, not a broken peer
            return;
        }
        Matcher binary = Pattern.compile("(?m)^BINARY (.*)$").matcher(built.output());
        assertThat(binary.find()).as("the peer builds where Go and klauspost are installed:%n%s", built.output()).isTrue();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        peerUrl = "http://127.0.0.1:" + port;
        peerLog = Files.createTempFile("erasurepeer", ".log");
        peer = new ProcessBuilder(binary.group(1), "-addr", "127.0.0.1:" + port).redirectErrorStream(true)
                .redirectOutput(peerLog.toFile()).start();
        HttpClient client = HttpClient.newHttpClient();
        for (int attempt = 0; attempt < 300; attempt++) { // bounded wait for the listener, not a timing assertion
            try {
                if (client.send(HttpRequest.newBuilder(URI.create(peerUrl + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the Go peer did not answer; its log: " + Files.readString(peerLog));
    }

    @AfterAll
    static void stopThePeer() throws InterruptedException, IOException {
        if (peer != null) {
            peer.destroy();
            peer.waitFor();
        }
        if (peerLog != null) {
            Files.deleteIfExists(peerLog);
        }
    }

    @ParameterizedTest(name = "{0} bytes, k={1} m={2} {3}")
    @CsvSource({
        "1048576, 10, 4, rs-vandermonde",
        "100003,  10, 4, rs-vandermonde",
        "4096,    6,  3, rs-cauchy",
        "1,       3,  2, rs-vandermonde",
    })
    void peerAnswersTheSameShardsAsTheService(int size, int k, int m, String codec) throws Exception {
        assumeTrue(unavailable == null, unavailable);
        byte[] object = new byte[size];
        new Random(size).nextBytes(object);
        String query = "/v1/encode?k=" + k + "&m=" + m + "&codec=" + codec;

        HttpResponse<byte[]> ours = post(serviceUrl() + query, object);
        HttpResponse<byte[]> theirs = post(peerUrl + query, object);

        assertThat(ours.statusCode()).isEqualTo(200);
        assertThat(theirs.statusCode()).as(new String(theirs.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        for (String header : SHARD_HEADERS) {
            assertThat(theirs.headers().firstValue(header)).as(header).isEqualTo(ours.headers().firstValue(header));
        }
        List<Part> ourParts = parts(ours);
        assertThat(ourParts).hasSize(k + m);
        assertThat(parts(theirs)).containsExactlyElementsOf(ourParts);
    }

    @ParameterizedTest(name = "{0} bytes")
    @CsvSource({"1048576", "7"})
    void peerEchoesTheBody(int size) throws Exception {
        assumeTrue(unavailable == null, unavailable);
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);

        HttpResponse<byte[]> echoed = post(peerUrl + "/v1/echo", body);

        assertThat(echoed.statusCode()).isEqualTo(200);
        assertThat(echoed.body()).isEqualTo(body);
    }

    private String serviceUrl() {
        return base.toString().replaceAll("/+$", "");
    }

    private HttpResponse<byte[]> post(String url, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The parts of a multipart/mixed answer, read strictly (independent of both servers' code). */
    private static List<Part> parts(HttpResponse<byte[]> response) {
        String contentType = response.headers().firstValue("Content-Type").orElseThrow();
        Matcher boundary = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType);
        assertThat(boundary.find()).as(contentType).isTrue();
        String body = "\r\n" + new String(response.body(), StandardCharsets.ISO_8859_1);
        String delimiter = "\r\n--" + boundary.group(1);
        List<Part> parts = new ArrayList<>();
        int at = body.indexOf(delimiter);
        assertThat(at).as("first delimiter").isZero();
        while (!body.startsWith("--", at + delimiter.length())) {
            int headersEnd = body.indexOf("\r\n\r\n", at);
            int next = body.indexOf(delimiter, headersEnd + 4);
            assertThat(next).as("a part is closed by a delimiter").isPositive();
            String index = null;
            String crc = null;
            for (String line : body.substring(at + delimiter.length() + 2, headersEnd).split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("shard-index:")) {
                    index = line.substring(12).trim();
                } else if (lower.startsWith("shard-crc32c:")) {
                    crc = line.substring(13).trim();
                }
            }
            parts.add(new Part(index, crc, body.substring(headersEnd + 4, next).getBytes(StandardCharsets.ISO_8859_1)));
            at = next;
        }
        assertThat(body.substring(at + delimiter.length())).isEqualTo("--\r\n");
        return parts;
    }
}
