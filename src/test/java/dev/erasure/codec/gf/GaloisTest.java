package dev.erasure.codec.gf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GaloisTest {

    /** Carry-less multiplication reduced by 0x11D, bit by bit: the definition the tables must match. */
    private static int slowMultiply(int a, int b) {
        int product = 0;
        for (int i = 0; i < 8; i++) {
            if ((b & (1 << i)) != 0) {
                product ^= a << i;
            }
        }
        for (int bit = 15; bit >= 8; bit--) {
            if ((product & (1 << bit)) != 0) {
                product ^= Galois.POLYNOMIAL << (bit - 8);
            }
        }
        return product;
    }

    @Test
    void multiply_matchesCarrylessDefinition_forAllPairs() {
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                assertThat(Galois.multiply(a, b)).as("%d * %d", a, b).isEqualTo(slowMultiply(a, b));
            }
        }
    }

    @Test
    void inverse_timesValue_isOne() {
        for (int a = 1; a < 256; a++) {
            assertThat(Galois.multiply(a, Galois.inverse(a))).isEqualTo(1);
        }
        assertThatThrownBy(() -> Galois.inverse(0)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void power_isRepeatedMultiplication() {
        for (int a = 0; a < 256; a++) {
            int expected = 1;
            for (int n = 0; n < 20; n++) {
                assertThat(Galois.power(a, n)).as("%d^%d", a, n).isEqualTo(expected);
                expected = Galois.multiply(expected, a);
            }
        }
    }

    @Test
    void knownValues_ofTheField() {
        assertThat(Galois.multiply(2, 0x80)).isEqualTo(0x1D);
        assertThat(Galois.divide(0x1D, 2)).isEqualTo(0x80);
        assertThat(Galois.inverse(2)).isEqualTo(0x8E);
    }
}
