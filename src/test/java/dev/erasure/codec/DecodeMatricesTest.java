package dev.erasure.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.erasure.codec.gf.CodingMatrices;
import dev.erasure.codec.kernel.Kernel;
import dev.erasure.codec.kernel.ScalarKernel;
import org.junit.jupiter.api.Test;

class DecodeMatricesTest {

    private final DecodeMatrices matrices =
            new DecodeMatrices(CodingMatrices.cauchy(4, 2), 4, new ScalarKernel(), 2);

    @Test
    void tables_samePatternTwice_areReused() {
        Kernel.Tables first = matrices.tables(new int[] {0, 2, 3, 5}, new int[] {1, 4});
        assertThat(matrices.tables(new int[] {0, 2, 3, 5}, new int[] {1, 4})).isSameAs(first);
        assertThat(first.rows()).isEqualTo(2);
        assertThat(first.columns()).isEqualTo(4);
    }

    @Test
    void tables_sameSurvivorsOtherWantedShards_areDifferentTables() {
        Kernel.Tables both = matrices.tables(new int[] {0, 2, 3, 5}, new int[] {1, 4});
        Kernel.Tables dataOnly = matrices.tables(new int[] {0, 2, 3, 5}, new int[] {1});
        assertThat(dataOnly).isNotSameAs(both);
        assertThat(dataOnly.rows()).isEqualTo(1);
    }

    @Test
    void tables_morePatternsThanCapacity_keepsOnlyCapacity() {
        Kernel.Tables first = matrices.tables(new int[] {1, 2, 3, 4}, new int[] {0});
        matrices.tables(new int[] {0, 2, 3, 4}, new int[] {1});
        matrices.tables(new int[] {0, 1, 3, 4}, new int[] {2});
        assertThat(matrices.size()).isEqualTo(2);
        assertThat(matrices.tables(new int[] {1, 2, 3, 4}, new int[] {0})).isNotSameAs(first);
    }
}
