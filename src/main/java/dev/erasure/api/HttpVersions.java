package dev.erasure.api;

/**
 * The HTTP versions the plain-text port speaks, built by {@code ops} from configuration.
 *
 * @param http2ClearText whether HTTP/2 without TLS (h2c: the {@code Upgrade: h2c} handshake and prior
 *     knowledge) is served, {@code erasure.api.http2-clear-text}; off by default ({@link ClearTextHttp})
 */
public record HttpVersions(boolean http2ClearText) {
}
