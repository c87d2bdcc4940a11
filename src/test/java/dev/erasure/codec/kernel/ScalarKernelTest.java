package dev.erasure.codec.kernel;

/** The reference kernel against the kernel contract (it is also the reference, so this checks self-consistency). */
class ScalarKernelTest extends KernelContractTest {
    @Override
    protected Kernel kernel() {
        return new ScalarKernel();
    }
}
