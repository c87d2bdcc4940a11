package dev.erasure.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The accepted key set: what it accepts, what stops the start, and what it never reveals. */
class ApiKeysTest {

    private static final String FIRST = "first-key-0123456789abcdef";
    private static final String SECOND = "second-key-0123456789abcdef";

    @Test
    void matches_everyConfiguredKey_andNothingElse() {
        ApiKeys keys = ApiKeys.of(List.of(FIRST, SECOND));

        assertThat(keys.matches(FIRST)).isTrue();
        assertThat(keys.matches(SECOND)).isTrue();
        assertThat(keys.matches(FIRST + "x")).isFalse();
        assertThat(keys.matches(FIRST.substring(1))).isFalse();
        assertThat(keys.matches(FIRST.toUpperCase())).isFalse();
        assertThat(keys.matches("")).isFalse();
    }

    @Test
    void of_trimsEntriesAndIgnoresBlankOnes() {
        ApiKeys keys = ApiKeys.of(List.of("  " + FIRST + " ", "", "   "));

        assertThat(keys.size()).isEqualTo(1);
        assertThat(keys.matches(FIRST)).isTrue();
    }

    @Test
    void of_withoutAnyKey_stopsTheStartNamingTheKeyAndEnvironmentVariable() {
        assertThatThrownBy(() -> ApiKeys.of(List.of(" ", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("erasure.security.enabled=true needs at least one key in erasure.security.api-keys "
                        + "(environment ERASURE_SECURITY_API_KEYS, comma-separated)");
    }

    @Test
    void of_withAShortKey_namesItsPositionAndLengthButNotTheKey() {
        assertThatThrownBy(() -> ApiKeys.of(List.of(FIRST, "short-secret")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("erasure.security.api-keys: key #2 must have >= 16 characters (got 12)")
                .hasMessageNotContaining("short-secret");
    }

    @Test
    void toString_revealsOnlyTheCount() {
        assertThat(ApiKeys.of(List.of(FIRST, SECOND))).hasToString("ApiKeys[2 key(s)]");
    }

    @Test
    void exemptPaths_areHealthOnly() {
        assertThat(AccessFilter.isExempt("/q/health")).isTrue();
        assertThat(AccessFilter.isExempt("/q/health/ready")).isTrue();
        assertThat(AccessFilter.isExempt("/q/healthz")).isFalse();
        assertThat(AccessFilter.isExempt("/q/metrics")).isFalse();
        assertThat(AccessFilter.isExempt("/v1/encode")).isFalse();
        assertThat(AccessFilter.isExempt("/")).isFalse();
    }
}
