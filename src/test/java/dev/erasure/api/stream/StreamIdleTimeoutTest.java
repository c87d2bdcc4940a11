package dev.erasure.api.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.buffer.NativeMemoryPool;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A client that stalls completely (sends, but never reads the response) is cut off by the idle
 * timeout (1 s in {@link StreamIdleProfile}) and every native byte of its stream returns, without
 * the client ever closing its socket.
 */
@QuarkusTest
@TestProfile(StreamIdleProfile.class)
class StreamIdleTimeoutTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    NativeMemoryPool pool;

    @Test
    void stalledClient_isCutOffByTheIdleTimeout_andEveryNativeByteReturns() throws Exception {
        long size = 1L << 30;
        AtomicLong sent = new AtomicLong();
        try (StreamClient client = new StreamClient(base.getPort())) {
            client.send("POST /v1/stripes/encode?k=10&m=4&cell=65536 HTTP/1.1\r\nHost: test\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + size + "\r\n\r\n");
            CompletableFuture<IOException> cutOff = StripeStreamTest.sendUntilCut(client, new ObjectBytes(4), size, sent);
            // The service stops reading once its pipeline is full, so the writer blocks until the
            // idle timeout closes the connection; then its write fails.
            assertThat(cutOff.get(120, TimeUnit.SECONDS)).as("the write failed: the service closed the connection")
                    .isNotNull();
            assertThat(sent.get()).as("bytes sent before the cut").isLessThan(64L << 20);
            StreamQueueFullTest.awaitTrue(() -> pool.bytesInUse() == 0 && pool.openArenas() == 0,
                    "every native byte returned while the client's socket is still open");
            assertThat(client.socket.isClosed()).isFalse();
        }
    }
}
