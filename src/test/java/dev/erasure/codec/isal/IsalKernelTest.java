package dev.erasure.codec.isal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.erasure.codec.kernel.Kernel;
import dev.erasure.codec.kernel.KernelContractTest;
import dev.erasure.codec.kernel.ScalarKernel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ISA-L kernel against the kernel contract; skipped (with the reason) where libisal.so.2 is missing. */
class IsalKernelTest extends KernelContractTest {

    @BeforeAll
    static void requireIsal() {
        assumeTrue(IsalLibrary.system().available(), () -> "ISA-L kernel not tested: " + IsalLibrary.system().unavailableReason());
    }

    @Override
    protected Kernel kernel() {
        return new IsalKernel(new ScalarKernel());
    }

    @Test
    void tables_afterClose_refuseToMultiply() {
        Kernel.Tables tables = kernel().prepare(new byte[][] {{1, 2}});
        tables.close();
        tables.close();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment[] in = {arena.allocate(8), arena.allocate(8)};
            MemorySegment[] out = {arena.allocate(8)};
            assertThatThrownBy(() -> tables.multiply(in, out, 0, 8))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("ISA-L tables were released");
        }
        assertThat(tables.rows()).isEqualTo(1);
    }
}
