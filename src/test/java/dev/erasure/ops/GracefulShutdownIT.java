package dev.erasure.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.erasure.api.ShardSets;
import dev.erasure.codec.CancelSignal;
import dev.erasure.codec.CodecKind;
import dev.erasure.codec.CodeCache;
import dev.erasure.codec.ShardLayout;
import dev.erasure.codec.StripeShape;
import dev.erasure.codec.select.KernelSelector;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.URI;
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
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown of the packaged service under load: a SIGTERM that arrives while encode jobs
 * are queued and running turns readiness DOWN before anything is refused, every request sent
 * before the signal gets its full, correct shard set, a request sent during the stop is either
 * answered correctly or refused (503 problem+json {@code /problems/shutting-down} with Retry-After,
 * never Quarkus' bare 503; or the connection refused once the listener is closed) but never given a
 * wrong or cut-off 200, and the process exits cleanly with no native memory leaked.
 *
 * <p>One worker on the scalar kernel makes the jobs slow enough to queue up. Events seen by the
 * test threads are ordered by one counter, so "DOWN first" is an order, not a timing.
 */
class GracefulShutdownIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Path LOG = Path.of("target/graceful-shutdown-it.log");
    private static final int DATA_SHARDS = 10;
    /**
     * Many parity rows make each job slow on the scalar kernel (about 60 ms for 8 MiB), so jobs
     * queue up behind the worker faster than the 8 MiB uploads arrive; with 4 rows (about 15 ms) the
     * uploads sometimes trickled in slower than the worker ran and the queue never formed.
     */
    private static final int PARITY_SHARDS = 16;
    private static final int OBJECT_SIZE = 8 << 20;
    private static final int PROBE_SIZE = 10_000;
    private static final int REQUESTS = 12;
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://[^:/]+:(\\d+)");
    /**
     * Readiness DOWN because of the stop: the engine's check says shuttingDown, or Quarkus' own
     * "Graceful Shutdown" check, which goes DOWN in the same pre-shutdown phase and may be seen a
     * moment before the engine's observer of that phase has run.
     */
    private static final Pattern SHUTTING_DOWN = Pattern.compile(
            "\"shuttingDown\"\\s*:\\s*true|\"name\"\\s*:\\s*\"Graceful Shutdown\"\\s*,\\s*\"status\"\\s*:\\s*\"DOWN\"");
    private static final CodeCache CODECS = new CodeCache(KernelSelector.select("scalar").kernel(), 4);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicLong order = new AtomicLong();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final List<Long> refusals = new CopyOnWriteArrayList<>();
    private final List<String> refusalKinds = new CopyOnWriteArrayList<>();
    private volatile long readinessDownAt = Long.MAX_VALUE;
    private Process process;
    private URI base;

    @AfterEach
    void killLeftover() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        http.close();
    }

    @Test
    void sigtermWithJobsInFlight_readinessDownFirstAndEveryAcceptedRequestAnsweredInFull() throws Exception {
        start();
        Random random = new Random(20261122);
        List<byte[]> objects = new ArrayList<>();
        List<CompletableFuture<HttpResponse<byte[]>>> accepted = new ArrayList<>();
        AtomicLong lastAcceptedDoneAt = new AtomicLong();
        for (int i = 0; i < REQUESTS; i++) {
            objects.add(randomBytes(random, OBJECT_SIZE));
        }
        // All objects first, then all requests at once: generated one by one between the sends, the
        // 8 MiB objects spaced the requests out so that each job could end before the next arrived.
        for (byte[] object : objects) {
            accepted.add(http.sendAsync(encode(object), HttpResponse.BodyHandlers.ofByteArray())
                    .whenComplete((response, failure) -> lastAcceptedDoneAt.accumulateAndGet(order.incrementAndGet(), Math::max)));
        }
        awaitJobsQueuedUp();

        List<Thread> observers = List.of(Thread.ofPlatform().start(this::pollReadiness),
                Thread.ofPlatform().start(() -> sendProbes(random.nextLong())));
        process.destroy(); // SIGTERM on Linux

        for (int i = 0; i < REQUESTS; i++) {
            HttpResponse<byte[]> response = accepted.get(i).get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(response.statusCode()).as("accepted request %d: %s", i, text(response.body())).isEqualTo(200);
            assertFullAndCorrect(objects.get(i), response);
        }
        assertThat(process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).as("process exited after SIGTERM").isTrue();
        for (Thread observer : observers) {
            observer.join(BOUND.toMillis());
        }

        System.out.println("GracefulShutdownIT: readiness DOWN at event " + readinessDownAt + ", refusals at " + refusals
                + ": " + refusalKinds + ", exit code " + process.exitValue());
        assertThat(problems).as("wrong answers to requests sent during the stop").isEmpty();
        assertThat(readinessDownAt).as("readiness was seen DOWN because of the stop").isNotEqualTo(Long.MAX_VALUE);
        assertThat(refusals).as("refusals (503 or closed listener) all come after readiness went DOWN")
                .allSatisfy(at -> assertThat(at).isGreaterThan(readinessDownAt));
        assertThat(lastAcceptedDoneAt.get()).as("some accepted job was still in flight when readiness went DOWN")
                .isGreaterThan(readinessDownAt);
        assertCleanExit();
    }

    /** Starts the jar on a free port (read from its log) with one slow worker, waits until it is ready. */
    private void start() throws IOException, InterruptedException {
        assumeTrue(Files.exists(JAR), "the packaged jar " + JAR + " is missing: run mvn package first");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Dquarkus.http.port=0", "-Derasure.codec.kernel=scalar", "-Derasure.jobs.workers=1",
                "-Derasure.jobs.queue-capacity=64", "-Derasure.jobs.deadline=120s", "-Dquarkus.shutdown.delay=1s",
                "-Derasure.shutdown.timeout=60s", "-jar", JAR.toString());
        Files.deleteIfExists(LOG);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(LOG.toFile()).start();
        long until = System.nanoTime() + BOUND.toNanos();
        while (base == null) {
            assertThat(process.isAlive()).as("service died at start:%n%s", log()).isTrue();
            assertThat(System.nanoTime()).as("service did not start in %s:%n%s", BOUND, log()).isLessThan(until);
            Matcher port = LISTENING.matcher(log());
            if (port.find()) {
                base = URI.create("http://localhost:" + port.group(1));
            } else {
                Thread.sleep(100);
            }
        }
        assertThat(get("/q/health/ready").statusCode()).isEqualTo(200);
    }

    /** Waits until jobs wait behind the busy worker (the rest of the requests are still arriving or queued). */
    private void awaitJobsQueuedUp() throws IOException, InterruptedException {
        long until = System.nanoTime() + BOUND.toNanos();
        String metrics = "";
        while (System.nanoTime() < until) {
            metrics = get("/q/metrics").body();
            if (gauge(metrics, "erasure_busy_workers") >= 1 && gauge(metrics, "erasure_queue_depth") >= 1) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("jobs never queued up; last metrics:\n" + metrics);
    }

    /** Polls readiness until the service is gone; records when it first said DOWN because of shutdown. */
    private void pollReadiness() {
        while (process.isAlive()) {
            try {
                HttpResponse<String> ready = get("/q/health/ready");
                long at = order.incrementAndGet();
                if (ready.statusCode() == 503 && SHUTTING_DOWN.matcher(ready.body()).find()) {
                    readinessDownAt = Math.min(readinessDownAt, at);
                } else if (ready.statusCode() == 503) {
                    refusals.add(at); // Quarkus' HTTP shutdown answers a bare 503
                } else if (ready.statusCode() != 200) {
                    problems.add("readiness answered " + ready.statusCode());
                }
                Thread.sleep(50);
            } catch (IOException e) {
                refusals.add(order.incrementAndGet());
                return;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Sends a small encode every 100 ms, each on its own connection, until the service is gone. */
    private void sendProbes(long seed) {
        Random random = new Random(seed);
        List<Thread> probes = new ArrayList<>();
        while (process.isAlive()) {
            byte[] object = randomBytes(random, PROBE_SIZE);
            probes.add(Thread.startVirtualThread(() -> probe(object)));
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                break;
            }
        }
        for (Thread probe : probes) {
            try {
                probe.join(BOUND.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One request sent during the stop: a correct 200, a 503, or refused before any status; never a bad 200. */
    private void probe(byte[] object) {
        AtomicInteger status = new AtomicInteger();
        HttpResponse.BodyHandler<byte[]> handler = info -> {
            status.set(info.statusCode());
            return HttpResponse.BodySubscribers.ofByteArray();
        };
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<byte[]> response = client.send(encode(object), handler);
            if (response.statusCode() == 503) {
                refusals.add(order.incrementAndGet());
                String retryAfter = response.headers().firstValue("Retry-After").orElse("none");
                String type = response.headers().firstValue("Content-Type").orElse("none");
                refusalKinds.add("503 Retry-After=" + retryAfter);
                // every 503 of the stop is the contract's problem, never Quarkus' bare 503
                if (retryAfter.equals("none") || !type.startsWith("application/problem+json")
                        || !text(response.body()).contains("/problems/shutting-down")) {
                    problems.add("503 without the shutting-down problem and Retry-After (Content-Type " + type
                            + ", Retry-After " + retryAfter + "): " + text(response.body()));
                }
            } else {
                assertFullAndCorrect(object, response);
            }
        } catch (IOException e) {
            long at = order.incrementAndGet();
            if (status.get() != 0) {
                problems.add("response with status " + status.get() + " cut off: " + e);
            } else {
                refusals.add(at); // refused or closed before any response: the request was not taken
                refusalKinds.add(refusedToConnect(e) ? "connection refused" : "closed: " + e);
            }
        } catch (AssertionError e) {
            problems.add(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void assertCleanExit() throws IOException {
        String log = log();
        assertThat(process.exitValue()).as("exit code after SIGTERM:%n%s", log).isIn(0, 143);
        assertThat(log).contains("Shutdown started: readiness is DOWN", "Admission closed",
                "All admitted requests completed", "All jobs drained", "Native memory pool closed, nothing leaked");
        assertThat(log).doesNotContain("Native memory leak", "ERROR", "did not drain");
    }

    /** The encode response holds the k data shards of the object and the parity the in-test codec computes. */
    private static void assertFullAndCorrect(byte[] object, HttpResponse<byte[]> response) {
        assertThat(response.statusCode()).as(text(response.body())).isEqualTo(200);
        int shardSize = (int) ShardLayout.shardSize(object.length, DATA_SHARDS);
        assertThat(response.headers().firstValue("Object-Size")).hasValue(Integer.toString(object.length));
        assertThat(response.headers().firstValue("Shard-Size")).hasValue(Integer.toString(shardSize));
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        List<ShardSets.Part> shards = ShardSets.parseMixed(contentType, response.body());
        byte[][] expected = expectedShards(object, shardSize);
        assertThat(shards).as("shards in index order").extracting(ShardSets.Part::index)
                .containsExactlyElementsOf(IntStream.range(0, expected.length).boxed().toList());
        for (int i = 0; i < expected.length; i++) {
            assertThat(Arrays.equals(shards.get(i).data(), expected[i])).as("shard %d of %d bytes", i, object.length)
                    .isTrue();
        }
    }

    private static byte[][] expectedShards(byte[] object, int shardSize) {
        byte[][] shards = new byte[DATA_SHARDS + PARITY_SHARDS][shardSize];
        for (int i = 0; i < DATA_SHARDS; i++) {
            int from = Math.min(object.length, i * shardSize);
            System.arraycopy(object, from, shards[i], 0, Math.min(shardSize, object.length - from));
        }
        MemorySegment[] segments = Arrays.stream(shards).map(MemorySegment::ofArray).toArray(MemorySegment[]::new);
        CODECS.get(new StripeShape(CodecKind.RS_VANDERMONDE, DATA_SHARDS, PARITY_SHARDS)).encode(segments, CancelSignal.NEVER);
        return shards;
    }

    private HttpRequest encode(byte[] object) {
        return HttpRequest.newBuilder(base.resolve("/v1/encode?k=" + DATA_SHARDS + "&m=" + PARITY_SHARDS))
                .timeout(BOUND).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(object)).build();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static double gauge(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    private String log() throws IOException {
        return Files.exists(LOG) ? Files.readString(LOG, StandardCharsets.UTF_8) : "";
    }

    private static boolean refusedToConnect(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    private static byte[] randomBytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String text(byte[] body) {
        return new String(body, 0, Math.min(body.length, 500), StandardCharsets.UTF_8);
    }
}
