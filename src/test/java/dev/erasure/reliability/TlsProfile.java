package dev.erasure.reliability;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HTTPS only, with a self-signed certificate for {@code localhost} generated at test time by
 * {@code keytool} into {@code target/tls/} (nothing secret is committed). The PEM pair is what a
 * Kubernetes TLS Secret holds, passed with the keys docs/security.md documents.
 */
public class TlsProfile implements QuarkusTestProfile {

    static final Path DIR = Path.of("target", "tls");
    static final Path CERT = DIR.resolve("cert.pem");
    static final Path KEY = DIR.resolve("key.pem");
    private static final char[] STORE_PASSWORD = "test-only".toCharArray();

    @Override
    public Map<String, String> getConfigOverrides() {
        generate();
        return Map.of(
                "quarkus.http.ssl.certificate.files", CERT.toString(),
                "quarkus.http.ssl.certificate.key-files", KEY.toString(),
                "quarkus.http.insecure-requests", "disabled",
                "quarkus.http.test-ssl-port", "0");
    }

    /** keytool makes a PKCS#12 key pair; the certificate and the PKCS#8 key are written out as PEM. */
    static synchronized void generate() {
        if (Files.exists(CERT) && Files.exists(KEY)) {
            return;
        }
        try {
            Files.createDirectories(DIR);
            Path store = DIR.resolve("self-signed.p12");
            Files.deleteIfExists(store);
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            run(keytool, "-genkeypair", "-alias", "erasure", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(STORE_PASSWORD));
            run(keytool, "-exportcert", "-rfc", "-alias", "erasure", "-keystore", store.toString(), "-storepass",
                    new String(STORE_PASSWORD), "-file", CERT.toString());
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(store)) {
                keyStore.load(in, STORE_PASSWORD);
            }
            PrivateKey key = (PrivateKey) keyStore.getKey("erasure", STORE_PASSWORD);
            Files.writeString(KEY, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate the test certificate in " + DIR, e);
        }
    }

    private static void run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command[0], command[1]) + " failed: "
                        + new String(process.getInputStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
