package dev.erasure.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.reliability.Bodies.Part;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Logs never contain payload bytes: requests that succeed and requests that fail in every layer
 * (parameters, framing, shard set, JSON) carry a marker in their bodies, and the service's log file
 * ({@code target/quarkus-test.log}) must not contain it afterwards.
 */
@QuarkusTest
class PayloadNotLoggedTest {

    private static final String MARKER = "PAYLOAD-MARKER-5e1f0c";

    @TestHTTPResource("/")
    URI base;

    @Inject
    NativeMemoryPool pool;

    @Test
    void payloadBytes_neverReachTheLog() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        byte[] shard = Bodies.ascii(MARKER + MARKER);
        byte[] other = Bodies.ascii(MARKER + MARKER + "!");
        int[] statuses = {
            send(client, "/v1/encode?k=2&m=1", "application/octet-stream", shard),
            send(client, "/v1/encode?k=0&m=1", "application/octet-stream", shard),
            send(client, "/v1/parity?k=2&m=1", Bodies.MIXED, Bodies.multipart(Part.shard(0, shard), Part.shard(1, other))),
            send(client, "/v1/parity?k=2&m=1", Bodies.MIXED, Bodies.multipart(new Part(MARKER, shard))),
            send(client, "/v1/parity?k=2&m=1", Bodies.MIXED, Bodies.multipart(Bodies.BOUNDARY, false, Part.shard(0, shard))),
            send(client, "/v1/parity?k=2&m=1", "application/json", Bodies.ascii("{\"shards\":[\"" + MARKER + "\"]}")),
            send(client, "/v1/parity?k=2&m=1", "text/" + MARKER, shard),
        };
        assertThat(statuses).containsExactly(200, 400, 400, 400, 400, 400, 415);
        Memory.awaitIdle(pool);

        assertThat(Files.readString(Path.of("target/quarkus-test.log"))).doesNotContain(MARKER);
    }

    private int send(HttpClient client, String path, String contentType, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
