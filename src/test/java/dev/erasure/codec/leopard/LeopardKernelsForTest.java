package dev.erasure.codec.leopard;

import java.util.List;

/** The Leopard kernels the tests run on. */
final class LeopardKernelsForTest {

    private LeopardKernelsForTest() {
    }

    static List<LeopardKernel> all() {
        return List.of(new ScalarLeopardKernel());
    }
}
