package dev.erasure.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The mis-correction risk documented in docs/codec.md: a column with more wrong shards than can be
 * located looks like a random syndrome, and the locator accepts a random syndrome with probability
 * about V(r, t) / 256^(r - k) (the share of syndromes within distance t of zero). Measured here on
 * the column decoder with random non-zero differences (fixed seed), compared with that formula.
 */
class MiscorrectionRateTest {

    @Test
    void randomSyndromes_areAcceptedAtTheRateOfTheFormula() {
        int[][] cases = {{10, 12}, {4, 6}, {10, 14}};
        Random random = new Random(12);
        for (int[] c : cases) {
            int k = c[0];
            int r = c[1];
            ReedSolomon codec = ReedSolomon.create(CodecKind.RS_VANDERMONDE, k, r - k, TestShards.kernelUnderTest());
            ShardCorrector.ColumnDecoder decoder = codec.corrector().new ColumnDecoder(range(r));
            int trials = 400_000;
            int accepted = 0;
            int[] difference = new int[r - k];
            for (int n = 0; n < trials; n++) {
                boolean zero = true;
                for (int i = 0; i < difference.length; i++) {
                    difference[i] = random.nextInt(256);
                    zero &= difference[i] == 0;
                }
                if (!zero && decoder.decode(difference) >= 0) {
                    accepted++;
                }
            }
            double expected = expectedRate(k, r);
            assertThat((double) accepted / trials).as("k=%d r=%d expected %.5f", k, r, expected)
                    .isBetween(expected * 0.8, expected * 1.2);
        }
    }

    /** V(r, t) / 256^(r - k), without the zero syndrome (a clean column is never decoded). */
    static double expectedRate(int k, int r) {
        int t = (r - k) / 2;
        double words = 0;
        double binomial = 1;
        for (int i = 1; i <= t; i++) {
            binomial = binomial * (r - i + 1) / i;
            words += binomial * Math.pow(255, i);
        }
        return words / Math.pow(256, r - k);
    }

    private static int[] range(int n) {
        int[] result = new int[n];
        for (int i = 0; i < n; i++) {
            result[i] = i;
        }
        return result;
    }
}
