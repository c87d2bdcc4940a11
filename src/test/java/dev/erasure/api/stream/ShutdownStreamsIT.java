package dev.erasure.api.stream;

import static dev.erasure.api.stream.ShutdownStreams.readStripe;
import static dev.erasure.api.stream.ShutdownStreams.startStream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to the packaged service while two streams are in progress and a keep-alive client sends
 * small encodes back to back: the stream that can finish within the shutdown timeout ends whole, the
 * one that cannot ends at the drain deadline with the final problem part (503
 * {@code /problems/shutting-down}) and a cut-off body, and every answer the keep-alive client gets is a
 * correct 200 or the 503 problem with Retry-After (never Quarkus' bare 503), after which the server
 * closes its connection. Delay 1 s, timeout 3 s: the deadline is 4 s after the signal.
 */
class ShutdownStreamsIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Path LOG = Path.of("target/shutdown-streams-it.log");
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:/]+:(\\d+)");
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final int K = ShutdownStreams.K;
    private static final int CELL = ShutdownStreams.CELL;
    private static final int STRIPE = ShutdownStreams.STRIPE;

    private Process process;
    private int port;
    private final List<String> keepAliveAnswers = new CopyOnWriteArrayList<>();
    private final List<String> keepAliveProblems = new CopyOnWriteArrayList<>();

    @AfterEach
    void killLeftover() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void sigterm_aStreamThatCanFinishIsWhole_oneThatCannotEndsWithTheProblemPart_everyAnswerKeepsTheContract()
            throws Exception {
        start();
        byte[] object = new byte[2 * STRIPE + 100];
        new Random(18).nextBytes(object);
        try (StreamClient finishing = new StreamClient(port); StreamClient tooSlow = new StreamClient(port)) {
            StreamClient.Parts finishingParts = startStream(finishing, object);
            StreamClient.Parts tooSlowParts = startStream(tooSlow, object);
            Thread keepAlive = Thread.ofPlatform().start(this::sendKeepAlive);
            Thread.sleep(200);

            long signal = System.nanoTime();
            process.destroy(); // SIGTERM on Linux
            Thread.sleep(1500); // past the 1 s delay: admission is closed, the drain runs

            finishing.chunk(object, STRIPE, object.length - STRIPE);
            finishing.lastChunk();
            for (int stripe = 1; stripe < 3; stripe++) {
                readStripe(finishingParts, object, stripe);
            }
            assertThat(finishingParts.next()).containsEntry("content-type", "application/json");
            JsonObject summary = new JsonObject(finishingParts.text());
            assertThat(summary.getLong("objectSize")).isEqualTo(object.length);
            assertThat(finishingParts.next()).as("closing delimiter").isNull();
            assertThat(finishing.body().read()).as("the chunked body is ended").isEqualTo(-1);

            Map<String, String> problemPart = tooSlowParts.next();
            long abortedAfter = Duration.ofNanos(System.nanoTime() - signal).toMillis();
            assertThat(problemPart).containsEntry("content-type", "application/problem+json");
            JsonObject problem = new JsonObject(tooSlowParts.text());
            assertThat(problem.getInteger("status")).isEqualTo(503);
            assertThat(problem.getString("type")).endsWith("/problems/shutting-down");
            assertThat(tooSlowParts.next()).as("closing delimiter after the problem").isNull();
            assertThatThrownBy(() -> tooSlow.body().read()).as("the chunked body is never ended")
                    .isInstanceOf(EOFException.class);
            assertThat(abortedAfter).as("the too slow stream ends at the drain deadline, not before")
                    .isGreaterThanOrEqualTo(3500);

            assertThat(process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).as("process exited").isTrue();
            keepAlive.join(BOUND.toMillis());
        }
        System.out.println("ShutdownStreamsIT: keep-alive answers " + summarize(keepAliveAnswers));
        assertThat(keepAliveProblems).as("answers that break the contract").isEmpty();
        assertThat(keepAliveAnswers).as("the keep-alive client saw the 503 problem").anyMatch(a -> a.startsWith("503"));
        String log = Files.readString(LOG, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(log).isIn(0, 143);
        assertThat(log).contains("Admission closed", "1 requests were still in progress at the drain deadline",
                "Native memory pool closed, nothing leaked");
        assertThat(log).doesNotContain("Native memory leak", "ERROR");
    }

    /**
     * Sends 4-byte encodes on one keep-alive connection every 20 ms until the service is gone;
     * opens a new connection when the server closed the last one.
     */
    private void sendKeepAlive() {
        StreamClient client = null;
        long until = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < until) {
            try {
                if (client == null) {
                    client = new StreamClient(port);
                }
                client.send("POST /v1/encode?k=2&m=1 HTTP/1.1\r\nHost: test\r\nContent-Type: application/octet-stream\r\n"
                        + "Content-Length: 4\r\n\r\nabcd");
                client.out.flush();
                client.headers.clear();
                client.readHead();
                String body = client.bodyText();
                String connection = client.headers.getOrDefault("connection", "keep-alive");
                keepAliveAnswers.add(client.status + " " + connection);
                if (client.status == 503) {
                    if (!client.headers.getOrDefault("content-type", "").startsWith("application/problem+json")
                            || !client.headers.containsKey("retry-after") || !body.contains("/problems/shutting-down")) {
                        keepAliveProblems.add("503 without the problem and Retry-After: " + client.headers + " " + body);
                    }
                    if (!connection.equalsIgnoreCase("close")) {
                        keepAliveProblems.add("503 without Connection: close: " + client.headers);
                    }
                } else if (client.status != 200 || !body.contains("Shard-Index: 2")) {
                    keepAliveProblems.add("unexpected answer " + client.status + ": " + body);
                }
                if (connection.equalsIgnoreCase("close")) {
                    assertThat(client.in.read()).as("connection closed after Connection: close").isEqualTo(-1);
                    client.close();
                    client = null;
                }
                Thread.sleep(20);
            } catch (ConnectException refused) {
                keepAliveAnswers.add("refused");
                return;
            } catch (IOException e) {
                keepAliveAnswers.add("closed before an answer: " + e.getMessage());
                if (client != null) {
                    try {
                        client.close();
                    } catch (IOException ignored) {
                        // already gone
                    }
                }
                client = null;
            } catch (InterruptedException e) {
                return;
            } catch (AssertionError e) {
                keepAliveProblems.add(e.getMessage());
                return;
            }
        }
    }

    private static String summarize(List<String> answers) {
        List<String> runs = new ArrayList<>();
        String last = null;
        int count = 0;
        for (String answer : answers) {
            if (answer.equals(last)) {
                count++;
            } else {
                if (last != null) {
                    runs.add(count + " x " + last);
                }
                last = answer;
                count = 1;
            }
        }
        if (last != null) {
            runs.add(count + " x " + last);
        }
        return runs.toString();
    }

    private void start() throws IOException, InterruptedException {
        assumeTrue(Files.exists(JAR), "the packaged jar " + JAR + " is missing: run mvn package first");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dquarkus.http.port=0", "-Dquarkus.shutdown.delay=1s", "-Derasure.shutdown.timeout=3s",
                "-Derasure.api.min-body-rate=0", "-jar", JAR.toString());
        Files.deleteIfExists(LOG);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(LOG.toFile()).start();
        long until = System.nanoTime() + BOUND.toNanos();
        while (port == 0) {
            String log = Files.exists(LOG) ? Files.readString(LOG, StandardCharsets.UTF_8) : "";
            assertThat(process.isAlive()).as("service died at start:%n%s", log).isTrue();
            assertThat(System.nanoTime()).as("service did not start in %s:%n%s", BOUND, log).isLessThan(until);
            Matcher listening = LISTENING.matcher(log);
            if (listening.find()) {
                port = Integer.parseInt(listening.group(1));
            } else {
                Thread.sleep(100);
            }
        }
    }
}
