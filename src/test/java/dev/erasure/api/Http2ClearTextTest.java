package dev.erasure.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code erasure.api.http2-clear-text=true}: the plain-text port serves h2c again, by prior knowledge
 * (the server answers the HTTP/2 preface with its SETTINGS frame, and a whole echo comes back over
 * it) and by the upgrade handshake (101). {@link HttpVersionsTest} checks the default, where
 * neither is served.
 */
@QuarkusTest
@TestProfile(Http2ClearTextTest.On.class)
class Http2ClearTextTest {

    public static class On implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("erasure.api.http2-clear-text", "true");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    Vertx vertx;

    @Test
    void priorKnowledgeIsAnsweredWithTheServersSettings() throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(HttpVersionsTest.PREFACE_AND_EMPTY_SETTINGS);
            socket.getOutputStream().flush();
            byte[] header = socket.getInputStream().readNBytes(9);
            assertThat(header).as("a whole frame header").hasSize(9);
            assertThat(header[3]).as("frame type (4 = SETTINGS)").isEqualTo((byte) 4);
            assertThat(header[4] & 1).as("not an ACK: the server's own settings").isZero();
        }
    }

    @Test
    void anUpgradeRequestIsSwitched() throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(HttpVersionsTest.upgradeHead(base, "GET", "/q/health/live", "")
                    .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            assertThat(HttpVersionsTest.Answer.read(socket.getInputStream()).head()).startsWith("HTTP/1.1 101");
        }
    }

    /** A whole request over h2c with prior knowledge (Vert.x's client): POST /v1/echo answers its body in HTTP/2. */
    @Test
    void anEchoOverPriorKnowledgeH2cComesBackWhole() throws Exception {
        byte[] body = new byte[100_003];
        new Random(3).nextBytes(body);
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
        try {
            HttpClientResponse[] response = new HttpClientResponse[1];
            Buffer answer = client
                    .request(HttpMethod.POST, base.getPort(), base.getHost(), "/v1/echo")
                    .compose(request -> request.putHeader("Content-Type", "application/octet-stream")
                            .send(Buffer.buffer(body)))
                    .compose(r -> {
                        response[0] = r;
                        return r.body();
                    })
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(response[0].version()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(response[0].statusCode()).isEqualTo(200);
            assertThat(answer.getBytes()).isEqualTo(body);
        } finally {
            client.close();
        }
    }
}
