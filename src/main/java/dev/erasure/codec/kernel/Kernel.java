package dev.erasure.codec.kernel;

/**
 * The hot loop of Reed-Solomon: multiplying shard bytes by a GF(2^8) matrix. Implementations
 * (scalar reference, Vector API, ISA-L) give byte-identical results.
 *
 * <p>STUB: the method set is defined by the codec engine (issue 2); the service only names a kernel
 * through {@link KernelSelector}.
 */
public interface Kernel {

    /** Short name used in logs, metrics and config: {@code scalar}, {@code vector} or {@code isal}. */
    String name();
}
