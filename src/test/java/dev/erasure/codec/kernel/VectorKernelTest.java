package dev.erasure.codec.kernel;

/** The Vector API kernel against the kernel contract. */
class VectorKernelTest extends KernelContractTest {
    @Override
    protected Kernel kernel() {
        return new VectorKernel();
    }
}
