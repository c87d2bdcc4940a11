package dev.erasure.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.buffer.NativeMemoryPool;
import dev.erasure.job.JobService;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Slow and stalled clients (slowloris) are cut off by {@code quarkus.http.idle-timeout} (1 s in
 * {@link SlowClientProfile}) and hold neither a worker nor native memory afterwards. The sockets
 * wait for the server's close with a generous 30 s bound; nothing about timing is asserted.
 */
@QuarkusTest
@TestProfile(SlowClientProfile.class)
class SlowClientTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    NativeMemoryPool pool;

    @Inject
    JobService jobs;

    @Test
    void clientStallingMidBody_isCutOff_andHoldsNothing() throws Exception {
        byte[] partialBody = new byte[64 * 1024];
        new Random(7).nextBytes(partialBody);
        try (Socket socket = connect()) {
            socket.getOutputStream().write(("POST /v1/encode?k=4&m=2 HTTP/1.1\r\nHost: t\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: 1048576\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(partialBody);
            socket.getOutputStream().flush();
            assertClosedByServer(socket);
        }
        assertNothingHeld();
    }

    @Test
    void clientStallingInHeaders_isCutOff() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("POST /v1/encode?k=4&m=2 HTTP/1.1\r\nHost: t\r\nX-Slow: "
                    .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            assertClosedByServer(socket);
        }
        assertNothingHeld();
    }

    @Test
    void clientStallingMidMultipart_isCutOff_andHoldsNothing() throws Exception {
        byte[] head = Bodies.multipart(Bodies.Part.shard(0, Bodies.filled(100_000, 3)));
        try (Socket socket = connect()) {
            socket.getOutputStream().write(("POST /v1/parity?k=2&m=1 HTTP/1.1\r\nHost: t\r\nContent-Type: "
                    + Bodies.MIXED + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(head.length - 20)
                    + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(head, 0, head.length - 20);
            socket.getOutputStream().write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            assertClosedByServer(socket);
        }
        assertNothingHeld();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** Reads until the server closes the connection (EOF or reset); any answer before that is ignored. */
    private static void assertClosedByServer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // drain whatever the server says before closing
            }
        } catch (SocketException reset) {
            // a reset is a close too
        }
    }

    private void assertNothingHeld() throws InterruptedException {
        Memory.awaitIdle(pool);
        assertThat(jobs.busyWorkers()).as("busy workers").isZero();
        assertThat(jobs.queueDepth()).as("queued jobs").isZero();
    }
}
