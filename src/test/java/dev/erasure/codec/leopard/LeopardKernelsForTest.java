package dev.erasure.codec.leopard;

import java.util.ArrayList;
import java.util.List;

/** The Leopard kernels the tests run on: scalar always, vector when the Vector API is usable here. */
final class LeopardKernelsForTest {

    private LeopardKernelsForTest() {
    }

    static List<LeopardKernel> all() {
        List<LeopardKernel> kernels = new ArrayList<>();
        kernels.add(new ScalarLeopardKernel());
        if (LeopardKernels.vectorUsable()) {
            kernels.add(new VectorLeopardKernel());
        }
        return kernels;
    }
}
