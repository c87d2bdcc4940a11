package dev.erasure.api.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class Crc32cAppendTest {

    @Test
    void appendingCellCrcs_givesTheCrcOfTheConcatenation() {
        Random random = new Random(11);
        for (int length : new int[] {1, 7, 64, 1000, 4096, 65537}) {
            Crc32cAppend append = new Crc32cAppend(length);
            CRC32C whole = new CRC32C();
            int combined = 0;
            for (int piece = 0; piece < 5; piece++) {
                byte[] bytes = new byte[length];
                random.nextBytes(bytes);
                whole.update(bytes);
                CRC32C one = new CRC32C();
                one.update(bytes);
                combined = append.append(combined, (int) one.getValue());
            }
            assertThat(combined).as("length %d", length).isEqualTo((int) whole.getValue());
        }
    }
}
