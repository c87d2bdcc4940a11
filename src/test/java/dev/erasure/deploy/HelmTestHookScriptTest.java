package dev.erasure.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shell script of the chart's {@code helm test} pod, exactly as rendered, against a fake
 * service that speaks the JSON shard-set format of the API contract. Pins the script's plumbing:
 * that it strips whitespace, drops exactly the shards 0..m-1 whatever the key order, posts the
 * survivors as {@code application/json} to {@code /v1/decode} with k, m and size, and fails when the
 * decoded bytes differ, and that it leaves no work files behind (one holds the API key). The real
 * round trip against the service runs in {@code HelmTestHookIT}.
 */
class HelmTestHookScriptTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<Integer> decodedIndexes = new ArrayList<>();
    private final List<String> decodeQueries = new ArrayList<>();
    private final List<String> apiKeys = new ArrayList<>();
    private boolean corruptDecode;

    /** The script's {@code TMPDIR}: its {@code mktemp -d} lands here, and must be gone after the run. */
    @TempDir
    Path scriptTmp;

    @BeforeEach
    void startFakeService() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/encode", this::encode);
        server.createContext("/v1/decode", this::decode);
        server.start();
    }

    @AfterEach
    void stopFakeService() {
        server.stop(0);
    }

    @Test
    void dropsTheFirstParityShardsAndDecodesTheRest() throws Exception {
        Result run = runHookScript(Map.of("tests.dataShards", 4, "tests.parityShards", 2, "tests.objectSize", 1003));
        assertThat(run.exitCode()).as("script output:\n%s", run.output()).isZero();
        assertThat(run.output()).contains("round trip ok: k=4 m=2 size=1003");
        assertThat(decodedIndexes).containsExactly(2, 3, 4, 5);
        assertThat(decodeQueries).containsExactly("k=4&m=2&size=1003");
    }

    @Test
    void tellsShardTenFromShardOne() throws Exception {
        Result run = runHookScript(Map.of("tests.dataShards", 10, "tests.parityShards", 4, "tests.objectSize", 4097));
        assertThat(run.exitCode()).as("script output:\n%s", run.output()).isZero();
        assertThat(decodedIndexes).containsExactly(4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
    }

    @Test
    void sendsTheFirstKeyOfTheSecretAsApiKeyWhenAccessControlIsOn() throws Exception {
        Result run = runHookScript(Map.of("security.existingSecret", "erasure-keys"),
                Map.of("ERASURE_API_KEYS", " 0123456789abcdef-first , 0123456789abcdef-second"));
        assertThat(run.exitCode()).as("script output:\n%s", run.output()).isZero();
        assertThat(apiKeys).containsExactly("0123456789abcdef-first", "0123456789abcdef-first");
        assertThat(run.output()).doesNotContain("0123456789abcdef");
    }

    @Test
    void sendsNoKeyWhenAccessControlIsOff() throws Exception {
        Result run = runHookScript(Map.of());
        assertThat(run.exitCode()).as("script output:\n%s", run.output()).isZero();
        assertThat(apiKeys).containsOnlyNulls().hasSize(2);
    }

    @Test
    void failsWhenTheDecodedBytesDiffer() throws Exception {
        corruptDecode = true;
        Result run = runHookScript(Map.of());
        assertThat(run.exitCode()).as("script output:\n%s", run.output()).isNotZero();
        assertThat(run.output()).doesNotContain("round trip ok");
    }

    record Result(int exitCode, String output) {
    }

    private Result runHookScript(Map<String, Object> sets) throws Exception {
        return runHookScript(sets, Map.of());
    }

    /** Runs the script with the rendered env; {@code extraEnv} stands in for values from Secrets. */
    private Result runHookScript(Map<String, Object> sets, Map<String, String> extraEnv) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")) || Files.isExecutable(Path.of("/bin/curl")),
                "curl is not installed: the helm test script cannot be run here");
        Pod hook = RenderedChart.render(sets).one(Pod.class);
        Container container = hook.getSpec().getContainers().getFirst();
        ProcessBuilder process = new ProcessBuilder("/bin/sh", "-c", container.getArgs().getFirst()).redirectErrorStream(true);
        for (EnvVar env : container.getEnv()) {
            if (env.getValue() != null) {
                process.environment().put(env.getName(), env.getValue());
            }
        }
        process.environment().putAll(extraEnv);
        process.environment().put("ERASURE_URL", "http://127.0.0.1:" + server.getAddress().getPort());
        process.environment().put("TMPDIR", scriptTmp.toString());
        Process running = process.start();
        String output = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(running.waitFor(60, TimeUnit.SECONDS)).as("script finished").isTrue();
        try (var left = Files.list(scriptTmp)) {
            assertThat(left).as("work files the script left behind (exit %d)", running.exitValue()).isEmpty();
        }
        return new Result(running.exitValue(), output);
    }

    /** Answers like the service with Accept: application/json, pretty-printed and with varying key order. */
    private void encode(HttpExchange exchange) throws IOException {
        apiKeys.add(exchange.getRequestHeaders().getFirst("X-API-Key"));
        Map<String, String> query = query(exchange);
        byte[] object = exchange.getRequestBody().readAllBytes();
        int dataShards = Integer.parseInt(query.get("k"));
        int totalShards = dataShards + Integer.parseInt(query.get("m"));
        String data = Base64.getEncoder().encodeToString(object);
        StringBuilder shards = new StringBuilder();
        for (int i = 0; i < totalShards; i++) {
            shards.append(i == 0 ? "" : ",\n    ").append(i % 2 == 0
                    ? "{ \"index\": " + i + ", \"crc32c\": \"00000000\", \"data\": \"" + data + "\" }"
                    : "{ \"data\": \"" + data + "\", \"crc32c\": \"00000000\", \"index\": " + i + " }");
        }
        String body = "{\n  \"codec\": \"rs-vandermonde\", \"k\": " + dataShards + ", \"m\": " + (totalShards - dataShards)
                + ", \"shardSize\": 1, \"size\": " + object.length + ",\n  \"shards\": [\n    " + shards + "\n  ]\n}\n";
        boolean wellFormed = "application/octet-stream".equals(exchange.getRequestHeaders().getFirst("Content-Type"))
                && "application/json".equals(exchange.getRequestHeaders().getFirst("Accept"));
        respond(exchange, wellFormed ? 200 : 415, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Checks the survivors parse as JSON and returns the object (which every fake shard carries). */
    private void decode(HttpExchange exchange) throws IOException {
        decodeQueries.add(exchange.getRequestURI().getRawQuery());
        apiKeys.add(exchange.getRequestHeaders().getFirst("X-API-Key"));
        if (!"application/json".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
            respond(exchange, 415, new byte[0]);
            return;
        }
        JsonNode shardSet = JSON.readTree(exchange.getRequestBody());
        shardSet.get("shards").forEach(shard -> decodedIndexes.add(shard.get("index").asInt()));
        byte[] object = Base64.getDecoder().decode(shardSet.get("shards").get(0).get("data").asText());
        if (corruptDecode) {
            object[object.length / 2] ^= 1;
        }
        respond(exchange, 200, object);
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> query = new java.util.HashMap<>();
        for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], kv[1]);
        }
        return query;
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
