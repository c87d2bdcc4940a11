package dev.erasure.api;

import io.quarkus.arc.Unremovable;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Serves the plain-text (http://) port in HTTP/1.1 only by default: no h2c, neither by the
 * {@code Upgrade: h2c} handshake nor with prior knowledge. HTTP/2 over TLS (negotiated by ALPN) is
 * not affected.
 *
 * <p>The JDK's {@code HttpClient}, whose default version is HTTP/2, asks for an h2c upgrade on
 * every request to an http:// URL; on a connection the service had upgraded it lost response bytes
 * now and then and failed the request with an HTTP/2 protocol error or waited forever (docs/api.md,
 * "HTTP versions"). With h2c off the upgrade request is answered in HTTP/1.1, which RFC 9110 allows
 * (a server may ignore {@code Upgrade}); RFC 9113 deprecates the h2c upgrade. Vert.x 4 has a
 * single switch for both ways of starting h2c, so prior knowledge goes too, unless
 * {@code erasure.api.http2-clear-text=true} ({@link HttpVersions}) turns both back on for clients
 * that need prior knowledge (such as a proxy configured for h2c upstreams).
 */
@Singleton
@Unremovable
public class ClearTextHttp implements HttpServerOptionsCustomizer {

    @Inject
    HttpVersions versions;

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(versions.http2ClearText());
    }
}
