package dev.erasure.reliability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * The service over HTTPS with a PEM certificate and key (the configuration docs/security.md
 * documents): probes and the API answer over TLS, the certificate presented is the configured
 * self-signed one, and HTTP/2 is negotiated.
 */
@QuarkusTest
@TestProfile(TlsProfile.class)
class TlsTest {

    @TestHTTPResource(value = "/", tls = true)
    URL https;

    @Test
    void probesAndApi_answerOverHttps() {
        assertThat(https.getProtocol()).isEqualTo("https");
        given().relaxedHTTPSValidation().baseUri(https.toString()).get("/q/health/ready").then()
                .statusCode(200).body("status", equalTo("UP"));
        given().relaxedHTTPSValidation().baseUri(https.toString()).queryParam("k", 2).queryParam("m", 1)
                .contentType("application/octet-stream").body(Bodies.filled(1000, 5)).post("/v1/encode").then()
                .statusCode(200).header("Data-Shards", "2").header("Parity-Shards", "1");
    }

    @Test
    void serverPresentsTheConfiguredCertificate() throws Exception {
        SSLContext trustAll = trustAll();
        HttpsURLConnection connection = (HttpsURLConnection) https.toURI().resolve("/q/health/live").toURL()
                .openConnection();
        connection.setSSLSocketFactory(trustAll.getSocketFactory());
        connection.setHostnameVerifier((host, session) -> true);
        try {
            assertThat(connection.getResponseCode()).isEqualTo(200);
            X509Certificate presented = (X509Certificate) connection.getServerCertificates()[0];
            assertThat(presented.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
            assertThat(presented.getIssuerX500Principal()).isEqualTo(presented.getSubjectX500Principal());
        } finally {
            connection.disconnect();
        }
    }

    /** HTTP/2 stays on over TLS (ALPN); only the plain-text port is HTTP/1.1 only (docs/api.md, "HTTP versions"). */
    @Test
    void http2IsNegotiatedOverTls() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().sslContext(trustAll()).build()) {
            HttpResponse<String> live = client.send(HttpRequest.newBuilder(https.toURI().resolve("/q/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.version()).isEqualTo(HttpClient.Version.HTTP_2);
        }
    }

    private static SSLContext trustAll() throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return trustAll;
    }
}
