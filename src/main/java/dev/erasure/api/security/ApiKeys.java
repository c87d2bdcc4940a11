package dev.erasure.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The accepted API keys, held only as SHA-256 digests. {@link #matches} hashes the presented key and
 * compares it with every accepted digest using {@link MessageDigest#isEqual} (constant time in the
 * digest length) without stopping at the first match, so neither the comparison of bytes nor the
 * number of comparisons depends on how close a guess is or which key it matches. Thread-safe,
 * immutable. Never exposes a key or a digest ({@link #toString} names only the count).
 */
public final class ApiKeys {

    /** Shortest key accepted at start: 16 characters (a random key of 128 bits in hex has 32). */
    public static final int MIN_KEY_LENGTH = 16;

    private final List<byte[]> digests;

    private ApiKeys(List<byte[]> digests) {
        this.digests = digests;
    }

    /**
     * Builds the key set from configuration: blank entries are ignored, entries are trimmed.
     *
     * @throws IllegalArgumentException when there is no key, or a key is shorter than
     *     {@value #MIN_KEY_LENGTH} characters (the message says which position, never the key)
     */
    public static ApiKeys of(List<String> keys) {
        List<String> cleaned = keys.stream().map(String::trim).filter(k -> !k.isEmpty()).toList();
        if (cleaned.isEmpty()) {
            throw new IllegalArgumentException("erasure.security.enabled=true needs at least one key in "
                    + "erasure.security.api-keys (environment ERASURE_SECURITY_API_KEYS, comma-separated)");
        }
        for (int i = 0; i < cleaned.size(); i++) {
            if (cleaned.get(i).length() < MIN_KEY_LENGTH) {
                throw new IllegalArgumentException("erasure.security.api-keys: key #" + (i + 1) + " must have >= "
                        + MIN_KEY_LENGTH + " characters (got " + cleaned.get(i).length() + ")");
            }
        }
        return new ApiKeys(cleaned.stream().map(ApiKeys::sha256).toList());
    }

    /** True when {@code presented} is one of the accepted keys; constant time in the key's content. */
    public boolean matches(String presented) {
        byte[] digest = sha256(presented);
        boolean found = false;
        for (byte[] accepted : digests) {
            found |= MessageDigest.isEqual(accepted, digest);
        }
        return found;
    }

    public int size() {
        return digests.size();
    }

    @Override
    public String toString() {
        return "ApiKeys[" + digests.size() + " key(s)]";
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
