package dev.erasure.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.buffer.NativeMemoryPool;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Slow uploads cannot hold the native budget (issue 18): memory is taken as the body arrives, a body
 * slower than {@code erasure.api.min-body-rate} or longer than {@code erasure.api.max-body-time} is
 * cut off with 408 problem+json and {@code Connection: close}, and every early answer on a body still
 * arriving closes the connection. Limits of {@link SlowUploadProfile}; waits are bounded (30 s
 * socket timeouts), nothing about timing is asserted.
 */
@QuarkusTest
@TestProfile(SlowUploadProfile.class)
class SlowUploadTest {

    private static final byte[] KIB = new byte[1024];

    @TestHTTPResource("/")
    URI base;

    @Inject
    NativeMemoryPool pool;

    @Inject
    MeterRegistry registry;

    @Test
    void slowClientsDeclaringLargeBodies_holdWhatTheySent_normalEncodesSucceed_thenTheyGet408() throws Exception {
        double refusedBefore = refused("408", "body-too-slow");
        // Three clients declare 2 MiB objects (k=4, m=2) and trickle. Reserved at acceptance, each
        // stripe (3 MiB, a 4 MiB block) would have taken half of the 8 MiB budget.
        List<Socket> slow = new ArrayList<>();
        AtomicBoolean trickling = new AtomicBoolean(true);
        List<Thread> tricklers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket socket = connect();
                send(socket, "POST /v1/encode?k=4&m=2 HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\n"
                        + "Content-Length: 2097152\r\n\r\n");
                socket.getOutputStream().write(KIB);
                slow.add(socket);
                Thread trickler = Thread.ofVirtual().start(() -> trickle(socket, trickling));
                tricklers.add(trickler);
            }
            for (int i = 0; i < 100 && pool.bytesInUse() == 0; i++) {
                Thread.sleep(10);
            }
            assertThat(pool.bytesInUse()).as("native bytes held by 3 slow uploads (one 512 KiB shard each)")
                    .isPositive().isLessThanOrEqualTo(3L * 1024 * 1024);

            HttpClient client = HttpClient.newHttpClient();
            byte[] object = new byte[256 * 1024];
            new Random(1).nextBytes(object);
            for (int i = 0; i < 10; i++) {
                HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(base.resolve("/v1/encode?k=4&m=2"))
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(object)).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(response.statusCode()).as("normal encode %d while slow clients trickle", i).isEqualTo(200);
            }

            for (Socket socket : slow) {
                Answer answer = Answer.read(socket);
                assertThat(answer.status).isEqualTo(408);
                assertThat(answer.headers).containsEntry("content-type", "application/problem+json")
                        .containsEntry("connection", "close");
                JsonObject problem = new JsonObject(answer.body);
                assertThat(problem.getString("type")).isEqualTo("/problems/body-too-slow");
                assertThat(problem.getString("detail")).contains("slower than the minimum of 16384 bytes/s");
                assertThat(answer.closedAfter).as("connection closed after the 408").isTrue();
            }
        } finally {
            trickling.set(false);
            for (Thread t : tricklers) {
                t.join();
            }
            for (Socket socket : slow) {
                socket.close();
            }
        }
        Memory.awaitIdle(pool);
        assertThat(refused("408", "body-too-slow") - refusedBefore).isEqualTo(3);
    }

    @Test
    void bodyLongerThanTheMaxBodyTime_gets408_evenAtAGoodRate() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4000000\r\n\r\n");
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread sender = Thread.ofVirtual().start(() -> {
                try {
                    // 32 KiB every 100 ms: twice the minimum rate, so only the body time can stop it
                    while (sending.get()) {
                        for (int i = 0; i < 32; i++) {
                            socket.getOutputStream().write(KIB);
                        }
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // the server closed the connection
                }
            });
            Answer answer = Answer.read(socket);
            sending.set(false);
            sender.join();
            assertThat(answer.status).isEqualTo(408);
            assertThat(answer.headers).containsEntry("connection", "close");
            assertThat(new JsonObject(answer.body).getString("detail")).contains("took longer than 3000 ms");
            assertThat(answer.closedAfter).isTrue();
        }
        Memory.awaitIdle(pool);
    }

    @Test
    void early413OnAChunkedBody_closesTheConnection_insteadOfReadingTheRest() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "POST /v1/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = new byte[64 * 1024];
            String size = Integer.toHexString(chunk.length) + "\r\n";
            try {
                for (int i = 0; i < 4 * 16 + 1; i++) {
                    send(socket, size);
                    socket.getOutputStream().write(chunk);
                    send(socket, "\r\n");
                }
            } catch (SocketException closedMeanwhile) {
                // the server may close before every chunk is written
            }
            // The client stops sending but keeps its side open: the server must close, not wait.
            Answer answer = Answer.read(socket);
            assertThat(answer.status).isEqualTo(413);
            assertThat(answer.headers).containsEntry("connection", "close");
            assertThat(answer.closedAfter).isTrue();
        }
        Memory.awaitIdle(pool);
    }

    @Test
    void chunkSizeOf2Pow31OrMore_gets413() throws Exception {
        for (String size : List.of("80000000", "FFFFFFFFFF")) {
            try (Socket socket = connect()) {
                send(socket, "POST /v1/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\nabc");
                Answer answer = Answer.read(socket);
                assertThat(answer.status).as("chunk size 0x%s", size).isEqualTo(413);
                assertThat(answer.headers).containsEntry("content-type", "application/problem+json")
                        .containsEntry("connection", "close");
                assertThat(new JsonObject(answer.body).getString("type")).isEqualTo("/problems/body-too-large");
            }
        }
        Memory.awaitIdle(pool);
    }

    @Test
    void brokenChunkFraming_gets400NotA413() throws Exception {
        // not hex, negative, empty, blank, and a chunk longer than its size: client mistakes, none "too large"
        for (String chunk : List.of("zz\r\nabc\r\n", "-1\r\nabc\r\n", "\r\nabc\r\n", " \r\nabc\r\n", "3\r\nabcXX")) {
            try (Socket socket = connect()) {
                send(socket, "POST /v1/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk);
                Answer answer = Answer.read(socket);
                assertThat(answer.status).as("chunk %s", chunk).isEqualTo(400);
                assertThat(answer.headers).containsEntry("content-type", "application/problem+json")
                        .containsEntry("connection", "close");
                JsonObject problem = new JsonObject(answer.body);
                assertThat(problem.getString("type")).isEqualTo("/problems/malformed-body");
                assertThat(problem.getString("detail")).startsWith("the chunked framing of the request body is broken");
            }
        }
        Memory.awaitIdle(pool);
    }

    @Test
    void memoryBudget503_isCountedAsARejectedJob() throws Exception {
        double rejections = count("erasure.rejections", "op", "encode", "reason", "memory_budget");
        double rejectedJobs = count("erasure.jobs", "op", "encode", "outcome", "rejected");
        byte[] object = new byte[3 * 1024 * 1024];
        // k=1, m=4: a 3 MiB data shard is read, then 12 MiB of parity do not fit the 8 MiB budget
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(base.resolve("/v1/encode?k=1&m=4")).header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(object)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(count("erasure.rejections", "op", "encode", "reason", "memory_budget") - rejections).isEqualTo(1);
        assertThat(count("erasure.jobs", "op", "encode", "outcome", "rejected") - rejectedJobs).isEqualTo(1);
        Memory.awaitIdle(pool);
    }

    @Test
    void uploadDroppedMidway_isCountedAsACancellation() throws Exception {
        double before = count("erasure.cancellations", "reason", "upload");
        try (Socket socket = connect()) {
            send(socket, "POST /v1/encode?k=2&m=1 HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n");
            socket.getOutputStream().write(KIB);
            socket.getOutputStream().flush();
            for (int i = 0; i < 100 && pool.bytesInUse() == 0; i++) {
                Thread.sleep(10);
            }
        }
        for (int i = 0; i < 1000 && count("erasure.cancellations", "reason", "upload") == before; i++) {
            Thread.sleep(10);
        }
        assertThat(count("erasure.cancellations", "reason", "upload") - before).isEqualTo(1);
        Memory.awaitIdle(pool);
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    private double refused(String status, String reason) {
        var counter = registry.find("erasure.requests.refused").tags("status", status, "reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void trickle(Socket socket, AtomicBoolean trickling) {
        try {
            OutputStream out = socket.getOutputStream();
            while (trickling.get()) {
                out.write(KIB, 0, 256);
                out.flush();
                Thread.sleep(250);
            }
        } catch (IOException | InterruptedException e) {
            // the server closed the connection
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** One HTTP/1.1 answer read from a raw socket, and whether the server closed the connection after it. */
    record Answer(int status, Map<String, String> headers, String body, boolean closedAfter) {

        static Answer read(Socket socket) throws IOException {
            InputStream in = socket.getInputStream();
            String statusLine = line(in);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0")));
            boolean closed;
            try {
                closed = in.read() < 0;
            } catch (SocketException reset) {
                closed = true;
            }
            return new Answer(Integer.parseInt(statusLine.split(" ")[1]), headers,
                    new String(body, StandardCharsets.UTF_8), closed);
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    line.write(b);
                }
            }
            if (b < 0 && line.size() == 0) {
                throw new IOException("connection closed before an answer");
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
